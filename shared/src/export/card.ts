import { agreementCardLine, type ReleaseAgreement } from '../agreement/release.ts';
import { SPLITS, SPLITS_WITH_MASKS, type Split, type SplitCounts } from './splits.ts';
import { frameLayoutText, IDENTIFIERS_SENTENCE, splitParameterLines } from './card-splits.ts';
import type { ReleaseStats, SplitStats } from './stats.ts';
import { audioListLayoutLines, audioListNote } from './card-audio.ts';
import { probeCardLine, type ProbeReleaseStats } from '../probe/index.ts';
import * as sheet from './datasheet.ts';

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
  /** Issue 18's split rules and frame names (card-splits.ts); absent in older releases, whose card stays as it was. */
  splitCounts?: SplitCounts;
  keepSplits?: boolean;
  frameNames?: 'source';
  /** k of the speaker answers' k-anonymity (card-audio.ts); absent: the card says nothing about it. */
  kAnonymity?: number;
  /** The datasheet's facts and the admin's text (datasheet.ts); absent: its sections say only what the statistics say. */
  datasheet?: sheet.DatasheetFacts;
  /** The single-frame probe's result (stats.json `probe`). */
  probe?: ProbeReleaseStats;
}

const n = (x: number) => x.toLocaleString('en-US');

function row(name: string, s: SplitStats): string {
  return `| ${name} | ${n(s.videos)} | ${n(s.objects)} | ${n(s.expressions)} | ${n(s.masks)} | ${s.objectsPerVideo.toFixed(2)} | ${s.targetsPerExpression.toFixed(2)} | ${n(s.single)} | ${n(s.multi)} | ${n(s.noTarget)} | ${n(s.motionReasoning)} | ${n(s.audio.clips)} |`;
}

const pad = (path: string, what: string) => `${path.padEnd(43)} ${what}`;

/**
 * The public package's layout: only what it holds. The ground truth of the withheld splits is a
 * package of its own (services/export/write.ts), so publishing this folder as it is leaks nothing.
 */
function layoutSection(stats: ReleaseStats, sourceNames = false, docs: { figures: boolean; changelog: boolean } = { figures: false, changelog: false }): string[] {
  const present = SPLITS.filter((s) => stats.splits[s]);
  const masked = present.filter((s) => SPLITS_WITH_MASKS.includes(s));
  const withheld = present.filter((s) => !SPLITS_WITH_MASKS.includes(s));
  const list = (splits: readonly Split[]) => splits.join(', ');
  return [
    '## Layout',
    '',
    '```',
    pad('<split>/JPEGImages/<video>/<frame>.jpg', frameLayoutText(sourceNames, list(present))),
    pad('<split>/meta_expressions.json', '{"videos": {<video>: {"frames": [...], "expressions": {"0": {"exp", "obj_id", "anno_id", ...}}}}}'),
    pad('<split>/meta_expressions_v2.json', 'identical copy for MeViSv2 tooling'),
    ...(masked.length ? [pad('<split>/mask_dict.json', `${list(masked)}: {<anno_id>: [COCO RLE or null per frame]}`)] : []),
    ...(stats.total.audio.clips > 0 ? [pad('audio/<split>/<video>/<exp_id>.wav', 'verified clips, 16-bit PCM')] : []),
    pad('audio/audio_meta.json', 'describes each clip'),
    ...audioListLayoutLines(),
    ...(masked.length ? [pad('tracking/<split>/<video>/<exp_id>.txt', `${list(masked)}: target boxes per frame, MOTChallenge rows: frame,obj_id,x,y,w,h,1,-1,-1,-1 (1-based frames)`)] : []),
    pad('stats.json, manifest.json', 'statistics; sha256 and size of every file of this package'),
    ...(docs.figures ? [pad('figures/<figure>.svg', 'the figures of this card (SVG; each bar carries its count)')] : []),
    ...(docs.changelog ? [pad('CHANGELOG.md', 'videos, expressions and clips added and removed since the previous release')] : []),
    '```',
    '',
    'In meta_expressions.json, `obj_id` lists the target objects (ids within the video, ascending) and `anno_id` the matching mask_dict keys; no-target expressions have both empty. Extra fields (`kind`, `motion_reasoning`, `audio`) are additive.' +
      (sourceNames ? IDENTIFIERS_SENTENCE : '') +
      (withheld.length ? ` The withheld split${withheld.length > 1 ? 's' : ''} (${list(withheld)}) publish only \`exp\`, \`motion_reasoning\` and \`audio\`.` : ''),
    '',
    ...(withheld.length
      ? [
          `Ground truth of ${list(withheld)} (targets, masks, tracking boxes) is not in this package: it is distributed separately, as the release's ground-truth package, to whoever runs the benchmark.`,
          '',
        ]
      : []),
  ];
}

/**
 * The ground-truth package's README.md. Depends on the version and the withheld splits only, so a
 * package separated from a release written in the earlier one-folder layout (services/export/
 * legacy-layout.ts) is byte for byte the one an export writes.
 */
export function renderGroundTruthCard(version: string, splits: readonly Split[]): string {
  return [
    `# Ground truth of MeViS-format release ${version}`,
    '',
    `The withheld splits' ground truth of release ${version} (${splits.join(', ')}), for the benchmark server: not for participants, not for publication. The public release has these splits' frames and sentences without targets or masks.`,
    '',
    '## Layout',
    '',
    '```',
    pad('<split>/meta_expressions.json', 'the full file: "obj_id" and "anno_id" per expression, "objects" per video'),
    pad('<split>/meta_expressions_v2.json', 'identical copy for MeViSv2 tooling'),
    pad('<split>/mask_dict.json', '{<anno_id>: [COCO RLE or null per frame]}'),
    pad('tracking/<split>/<video>/<exp_id>.txt', 'target boxes per frame, MOTChallenge rows (1-based frames)'),
    pad('manifest.json', 'sha256 and size of every file of this package'),
    '```',
    '',
    "Laid over the public release (split folders and tracking/), each split has the layout of train. Score predictions with `npm run studio -- eval --gt <this folder>/<split> --pred <predictions>`.",
    '',
  ].join('\n');
}

/**
 * The release's README.md: its datasheet (datasheet.ts: motivation, composition with the Table 1
 * columns and the figures, collection process, labeling with agreement and the probe, uses,
 * distribution, maintenance, citation), then the layout and the parameters.
 */
export function renderCard(p: CardParams, stats: ReleaseStats, agreement?: ReleaseAgreement): string {
  const d = p.datasheet ?? sheet.EMPTY_FACTS;
  const lines = [
    `# MeViS-format release ${p.version}`,
    '',
    `Referring motion expression video segmentation data in the MeViS / MeViSv2 layout, produced with MeViS Studio. Release date (newest change included): ${p.releaseDate}.`,
    '',
    p.notes ? `Notes: ${p.notes}\n` : '',
    sheet.DATASHEET_INTRO,
    '',
    ...sheet.motivationSection(d),
    ...sheet.compositionIntro(d),
    '### Statistics',
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
      '.' +
      audioListNote(p.kAnonymity),
    '',
    ...sheet.figuresSection(d),
    ...sheet.collectionSection(d, stats),
    ...sheet.labelingIntro(d, p.frameNames === 'source'),
    ...(agreement ? [agreementCardLine(agreement), ''] : []),
    ...(p.probe ? [probeCardLine(p.probe), ''] : []),
    ...sheet.usesSection(d, stats),
    ...sheet.distributionSection(d),
    ...sheet.maintenanceSection(d, p.version),
    ...sheet.citationSection(d),
    ...layoutSection(stats, p.frameNames === 'source', { figures: d.figures.length > 0, changelog: p.datasheet !== undefined }),
    '## Parameters',
    '',
    `- version: ${p.version}`,
    ...splitParameterLines(p),
    `- expressions: all accepted${p.requireAudio ? ' with a verified audio clip' : ''}${p.includeDemo ? '; the synthetic demo videos included' : ''}`,
    '',
  ];
  return lines.filter((l, i) => !(l === '' && lines[i - 1] === '')).join('\n');
}
