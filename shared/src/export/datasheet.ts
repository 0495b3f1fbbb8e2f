import { DEFAULT_LIMITS, type GuidelineLimits } from '../guidelines/limits.ts';
import { DEFAULT_DATASHEET, LICENCES, licenceLine, type DatasheetText } from '../schemas/datasheet.ts';
import type { Settings } from '../schemas/settings.ts';
import type { ReleaseStats } from './stats.ts';
import { sourceKind, UPSTREAM_TERMS, upstreamOf, type ProvenanceRow, type Upstream } from './upstream.ts';

/**
 * The datasheet sections of a release's README.md ("Datasheets for Datasets", Gebru et al.,
 * arXiv:1803.09010): motivation, composition, collection process, preprocessing/cleaning/labeling,
 * uses, distribution, maintenance, and the citation. card.ts puts them around the statistics, the
 * layout and the parameters. Pure: every input is frozen with the release (its parameters, its
 * rows), so writing a release again gives the same text.
 */

/** The settings that shape the protocol, as set when a release was made (stored in its parameters). */
export const PROTOCOL_SETTING_KEYS = [
  'leaseMinutes',
  'goldShare',
  'validatorSkipsOwnVideos',
  'curationMinObjects',
  'curationMinMoving',
  'lookalikeMaxDistance',
  'minWpm',
  'maxWpm',
  'maxAsrWer',
  'clipVotesNeeded',
  'probeShare',
] as const satisfies readonly (keyof Settings)[];

export type ProtocolSettings = Pick<Settings, (typeof PROTOCOL_SETTING_KEYS)[number]> & {
  /** The guideline checks' length and near-duplicate limits (constants in the code, recorded all the same). */
  limits: GuidelineLimits;
};

export function protocolOf(s: Settings): ProtocolSettings {
  const out = Object.fromEntries(PROTOCOL_SETTING_KEYS.map((k) => [k, s[k]])) as Pick<Settings, (typeof PROTOCOL_SETTING_KEYS)[number]>;
  return { ...out, limits: { ...DEFAULT_LIMITS } };
}

/** Everything the datasheet says that is not in the statistics: read or snapshotted per release. */
export interface DatasheetFacts {
  /** The admin's text as it was when the release was made (DEFAULT_DATASHEET for releases made before). */
  text: DatasheetText;
  /** null: the release was made before the protocol settings were recorded with it. */
  protocol: ProtocolSettings | null;
  /** People behind the release's expressions (counts, never names). */
  people: { annotators: number; importedExpressions: number; validators: number };
  provenance: readonly ProvenanceRow[];
  /** The figures written with the release (figures/*.svg), in card order. */
  figures: readonly { path: string; title: string }[];
  /** The release CHANGELOG.md compares with; null for the project's first. */
  previousVersion: string | null;
}

export const EMPTY_FACTS: DatasheetFacts = { text: DEFAULT_DATASHEET, protocol: null, people: { annotators: 0, importedExpressions: 0, validators: 0 }, provenance: [], figures: [], previousVersion: null };

const n = (x: number) => x.toLocaleString('en-US');
const pct = (x: number) => `${(x * 100).toFixed(0)} %`;

/** The admin's text for a section, or a visible note that there is none. */
function written(text: string): string[] {
  return [text || '_No text written for this section (Admin → Datasheet)._', ''];
}

export const DATASHEET_INTRO =
  'This card is the release\'s datasheet, in the sections of "Datasheets for Datasets" (Gebru et al., arXiv:1803.09010). What the data can say about itself (counts, figures, agreement, the protocol as run, where the videos came from) is computed from the release; the rest was written by the project\'s admins and is part of the release as it was when the release was made.';

export function motivationSection(f: DatasheetFacts): string[] {
  return [
    '## Motivation',
    '',
    'Data for referring motion expression video segmentation, made with MeViS Studio following the protocol of the MeViS dataset (see Citation): sentences about motion that pick out zero, one or several objects in a video, written so that the target cannot be identified from a single frame.',
    '',
    ...written(f.text.motivation),
  ];
}

/** The opening of "Composition"; the statistics table, the speaker summary and the figures follow it. */
export function compositionIntro(f: DatasheetFacts): string[] {
  return [
    '## Composition',
    '',
    'Each instance is a video (JPEG frames) with one mask track per object (COCO RLE), and sentences ("expressions") that name their target objects: one, several, or none for a no-target expression. An expression has a spoken version when a verified audio clip exists. Splits are by video (see Parameters).',
    '',
    ...written(f.text.composition),
  ];
}

export function figuresSection(f: DatasheetFacts): string[] {
  if (!f.figures.length) return [];
  return ['### Figures', '', ...f.figures.flatMap((fig) => [`![${fig.title}](${fig.path})`, '']), `The figures are SVG files in \`figures/\`; each bar carries its count (\`data-value\`).`, ''];
}

function provenanceLines(f: DatasheetFacts): string[] {
  if (!f.provenance.length) return [];
  return [
    '### Where the videos came from',
    '',
    '| imported from | folder | videos |',
    '|---|---|---|',
    ...f.provenance.map((p) => `| ${sourceKind(p.videoSource)} | ${p.importSource === null ? '–' : `\`${p.importSource.replace(/`/g, "'")}\``} | ${n(p.videos)} |`),
    '',
  ];
}

function protocolLines(p: ProtocolSettings): string[] {
  const l = p.limits;
  return [
    '### The protocol as run',
    '',
    'Settings in force when the release was made:',
    '',
    `- Curation: videos suggested with at least ${p.curationMinObjects} objects and at least ${p.curationMinMoving} clearly moving ones; objects count as look-alikes below a colour-histogram distance of ${p.lookalikeMaxDistance}.`,
    `- Writing: every expression is checked against the annotation guidelines (MeViS §3.1 A1–A5) while it is typed and again when it is submitted; ${l.minWords}–${l.maxWords} words, at most ${l.maxChars} characters; a near-duplicate of the video's other expressions (similarity from ${l.nearDuplicate}) is flagged.`,
    `- Validation: blind. A first validator picks the objects the sentence refers to without seeing the annotator's choice; the same set accepts the expression, a rejection rejects it, another set sends it to a second validator, whose mismatch discards it. A validator holds a sample for ${p.leaseMinutes} min; ${pct(p.goldShare)} of a validator's samples are gold checks with a known answer; validators ${p.validatorSkipsOwnVideos ? 'do not validate' : 'may validate'} videos they wrote expressions for.`,
    `- Audio: speaking rate target ${p.minWpm}–${p.maxWpm} words per minute; a clip is verified when ${p.clipVotesNeeded} listener${p.clipVotesNeeded === 1 ? '' : 's'} agree${p.clipVotesNeeded === 1 ? 's' : ''} and the speech recognizer's check passes${p.maxAsrWer < 1 ? ` (word error rate of its free transcript at most ${p.maxAsrWer})` : ''}.`,
    `- Single-frame probe (MeViS rule V1): ${pct(p.probeShare)} of the accepted expressions with targets also go to a validator who sees one frame, no playback (see Preprocessing, cleaning and labeling).`,
    '',
  ];
}

export function collectionSection(f: DatasheetFacts, stats: ReleaseStats): string[] {
  const { annotators, importedExpressions, validators } = f.people;
  const written = stats.total.expressions - importedExpressions;
  const audio = stats.total.audio;
  const plural = (x: number, word: string) => `${n(x)} ${word}${x === 1 ? '' : 's'}`;
  const authors = written > 0 ? `${n(written)} written in MeViS Studio by ${plural(annotators, 'annotator')}${importedExpressions ? `, ${n(importedExpressions)} imported with their videos` : ''}` : `all ${n(importedExpressions)} imported with their videos`;
  return [
    '## Collection process',
    '',
    `Expressions: ${authors}; answers of ${plural(validators, 'validator')} decided ${written > 0 ? 'them' : 'those that went through validation'}. ` +
      (audio.clips
        ? `Audio: ${n(audio.clips)} verified clip${audio.clips === 1 ? '' : 's'}, ${audio.humanSeconds.toFixed(1)} s recorded by ${n(stats.speakers.speakers)} speaker${stats.speakers.speakers === 1 ? '' : 's'} and ${audio.ttsSeconds.toFixed(1)} s synthesized.`
        : 'No audio clips.'),
    '',
    ...provenanceLines(f),
    ...(f.protocol ? protocolLines(f.protocol) : []),
    ...(f.text.collection ? [f.text.collection, ''] : []),
  ];
}

/** The opening of "Preprocessing, cleaning and labeling"; the agreement and probe lines follow it. */
export function labelingIntro(f: DatasheetFacts, sourceFrameNames = false): string[] {
  return [
    '## Preprocessing, cleaning and labeling',
    '',
    `- ${sourceFrameNames ? 'Frames keep their source names where the MeViS tools read them as they are, else they are renamed 00000, 00001, … in their order (see Layout)' : 'Frames are renamed to 5-digit names from 00000 in their order'}; videos with fewer than two frames are left out (MeViS loaders skip them).`,
    '- Objects an admin excluded (bystanders, broken masks, ids merged into another) have no track, and expressions naming them are left out.',
    '- Only accepted expressions are released (see Collection process); each is labelled single-, multi- or no-target by its number of targets.',
    '',
    ...written(f.text.preprocessing),
  ];
}

export function usesSection(f: DatasheetFacts, stats: ReleaseStats): string[] {
  return [
    '## Uses',
    '',
    `Tasks the MeViS paper (§3.3) names for this kind of data: referring video object segmentation (RVOS)${stats.total.audio.clips ? ', audio-guided video object segmentation (AVOS) with the clips' : ''}, referring multi-object tracking (RMOT) with the tracking boxes, and referring motion expression generation (RMEG).`,
    '',
    ...written(f.text.uses),
  ];
}

function upstreamLines(f: DatasheetFacts): string[] {
  const counts = new Map<Upstream | null, number>();
  for (const p of f.provenance) {
    if (p.videoSource === 'demo' || p.videoSource === 'video') continue;
    const u = upstreamOf(p);
    counts.set(u, (counts.get(u) ?? 0) + p.videos);
  }
  if (!counts.size) return [];
  const known = (Object.keys(UPSTREAM_TERMS) as Upstream[]).filter((u) => counts.has(u));
  const lines = ['Terms of the datasets the videos came from, as their publishers state them:', ''];
  for (const u of known) lines.push(`- ${UPSTREAM_TERMS[u].name} (${n(counts.get(u)!)} video${counts.get(u) === 1 ? '' : 's'}): ${UPSTREAM_TERMS[u].terms}. Source: ${UPSTREAM_TERMS[u].source}.`);
  const unknown = counts.get(null);
  if (unknown) lines.push(`- ${n(unknown)} video${unknown === 1 ? '' : 's'} from DAVIS-layout imports whose folder names do not say which dataset they are (see the table under Collection process): their terms are for the text above to state.`);
  lines.push('');
  const licence = f.text.licence;
  const permitsCommerce = licence !== null && licence !== 'other' && !LICENCES[licence].nonCommercial;
  if (permitsCommerce && known.some((u) => UPSTREAM_TERMS[u].nonCommercial)) {
    lines.push(`The chosen licence allows commercial use, while terms above are non-commercial: those terms still apply to the frames and masks taken from those datasets.`, '');
  }
  return lines;
}

export function distributionSection(f: DatasheetFacts): string[] {
  const licence = licenceLine(f.text);
  return [
    '## Distribution',
    '',
    licence ? `Licence: ${licence}.` : 'Licence: not chosen when this release was made (admins choose it on Admin → Datasheet).',
    '',
    ...written(f.text.distribution),
    ...upstreamLines(f),
  ];
}

export function maintenanceSection(f: DatasheetFacts, version: string): string[] {
  return [
    '## Maintenance',
    '',
    `Releases are versioned and never change: written again, release ${version} is the same byte for byte. ` +
      (f.previousVersion === null ? 'This is the project\'s first release (CHANGELOG.md says so).' : `CHANGELOG.md lists the videos, expressions and clips added and removed since release ${f.previousVersion}, by split.`),
    '',
    ...written(f.text.maintenance),
  ];
}

export function citationSection(f: DatasheetFacts): string[] {
  if (!f.text.citation) return ['## Citation', '', 'No citation given.', ''];
  // A fence longer than any backtick run in the text, so BibTeX cannot close it early.
  const fence = '`'.repeat(Math.max(3, ...[...f.text.citation.matchAll(/`+/g)].map((m) => m[0].length + 1)));
  return ['## Citation', '', 'If you use this data, please cite:', '', `${fence}bibtex`, f.text.citation, fence, ''];
}
