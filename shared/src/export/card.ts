import { SPLITS } from './splits.ts';
import type { ReleaseStats, SplitStats } from './stats.ts';

export interface CardParams {
  version: string;
  seed: number;
  notes: string;
  requireAudio: boolean;
  /** ISO date (UTC day) of the newest change in the release. */
  releaseDate: string;
  proportions: Record<string, number>;
  /** The synthetic demo videos were included (said in the card; absent or false says nothing, so older releases rebuild byte for byte). */
  includeDemo?: boolean;
}

const n = (x: number) => x.toLocaleString('en-US');

function row(name: string, s: SplitStats): string {
  return `| ${name} | ${n(s.videos)} | ${n(s.objects)} | ${n(s.expressions)} | ${n(s.masks)} | ${s.objectsPerVideo.toFixed(2)} | ${s.targetsPerExpression.toFixed(2)} | ${n(s.single)} | ${n(s.multi)} | ${n(s.noTarget)} | ${n(s.motionReasoning)} | ${n(s.audio.clips)} |`;
}

/** The release's README.md: a dataset card with the Table 1 columns, layout and parameters. */
export function renderCard(p: CardParams, stats: ReleaseStats): string {
  const lines = [
    `# MeViS-format release ${p.version}`,
    '',
    `Referring motion expression video segmentation data in the MeViS / MeViSv2 layout, produced with MeViS Studio. Release date (newest change included): ${p.releaseDate}.`,
    '',
    p.notes ? `Notes: ${p.notes}\n` : '',
    '## Statistics',
    '',
    '| split | videos | objects | expressions | masks | objects/video | targets/expression | single-target | multi-target | no-target | motion reasoning | audio clips |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...SPLITS.flatMap((s) => (stats.splits[s] ? [row(s, stats.splits[s]!)] : [])),
    row('**total**', stats.total),
    '',
    `Audio: ${stats.total.audio.humanSeconds.toFixed(1)} s recorded by ${stats.speakers.speakers} speaker(s), ${stats.total.audio.ttsSeconds.toFixed(1)} s synthesized. Speaker summary (counts of speakers, never per person): ` +
      ['nativeness', 'gender', 'ageGroup', 'microphone']
        .map((k) => `${k}: ${Object.entries(stats.speakers[k as 'gender']).map(([a, c]) => `${a} ${c}`).join(', ') || '–'}`)
        .join('; ') +
      '.',
    '',
    '## Layout',
    '',
    '```',
    '<split>/JPEGImages/<video>/<frame>.jpg      frames, 5-digit names from 00000',
    '<split>/meta_expressions.json               {"videos": {<video>: {"frames": [...], "expressions": {"0": {"exp", "obj_id", "anno_id", ...}}}}}',
    '<split>/meta_expressions_v2.json            identical copy for MeViSv2 tooling',
    '<split>/mask_dict.json                      train and valid_u: {<anno_id>: [COCO RLE or null per frame]}',
    'ground_truth/<valid|test>/                  withheld splits: full meta_expressions.json, mask_dict.json, tracking/',
    'audio/<split>/<video>/<exp_id>.wav          verified clips, 16-bit PCM; audio/audio_meta.json describes each',
    'tracking/<split>/<video>/<exp_id>.txt       target boxes per frame, MOTChallenge rows: frame,obj_id,x,y,w,h,1,-1,-1,-1 (1-based frames)',
    'stats.json, manifest.json                   statistics; sha256 and size of every file',
    '```',
    '',
    'In meta_expressions.json, `obj_id` lists the target objects (ids within the video, ascending) and `anno_id` the matching mask_dict keys; no-target expressions have both empty. Extra fields (`kind`, `motion_reasoning`, `audio`) are additive; withheld splits publish only `exp`, `motion_reasoning` and `audio`.',
    '',
    '## Parameters',
    '',
    `- version: ${p.version}`,
    `- split seed: ${p.seed}; proportions: ${Object.entries(p.proportions).map(([k, v]) => `${k} ${(v * 100).toFixed(2)} %`).join(', ')} (a video keeps the split it first got)`,
    `- expressions: all accepted${p.requireAudio ? ' with a verified audio clip' : ''}${p.includeDemo ? '; the synthetic demo videos included' : ''}`,
    '',
  ];
  return lines.filter((l, i) => !(l === '' && lines[i - 1] === '')).join('\n');
}
