import { SPLIT_ORIGINS, SPLITS, type SplitCounts, type SplitOrigin } from './splits.ts';

/** What the card says about a release's splits and identifiers (renderCard's parameters and layout). */
export interface CardSplitParams {
  seed: number;
  proportions: Record<string, number>;
  /** Absent in releases made before issue 18: their card keeps its old line, byte for byte. */
  splitCounts?: SplitCounts;
  keepSplits?: boolean;
}

/** How each origin reads in the card and on the releases page. */
export const SPLIT_ORIGIN_TEXT: Record<SplitOrigin, string> = {
  pinned: 'kept from an earlier release',
  source: 'as their source had them',
  explicit: 'chosen by an admin',
  quota: 'by quota',
};

const percent = (p: Record<string, number>) =>
  Object.entries(p)
    .map(([k, v]) => `${k} ${(v * 100).toFixed(2)} %`)
    .join(', ');

/**
 * The Parameters lines on splits: what was written (videos per split, and by which rule each got
 * there), the quota's proportions and seed only when some video was placed by them, and whether
 * source splits were kept. Older releases (no counts recorded) keep the line they were written with.
 */
export function splitParameterLines(p: CardSplitParams): string[] {
  if (!p.splitCounts) return [`- split seed: ${p.seed}; proportions: ${percent(p.proportions)} (a video keeps the split it first got)`];
  const counts = p.splitCounts;
  const lines = ['- splits as written (videos; a video keeps the split of the first release that included it):'];
  for (const s of SPLITS) {
    const c = counts[s];
    if (!c) continue;
    const total = SPLIT_ORIGINS.reduce((t, o) => t + (c[o] ?? 0), 0);
    lines.push(`  - ${s}: ${total} (${SPLIT_ORIGINS.filter((o) => c[o]).map((o) => `${c[o]} ${SPLIT_ORIGIN_TEXT[o]}`).join(', ')})`);
  }
  const quota = SPLITS.reduce((t, s) => t + (counts[s]?.quota ?? 0), 0);
  if (quota > 0) {
    lines.push(
      `- quota: ${quota} video(s) without a split allocated by largest remainder over ${percent(p.proportions)} (every split with a share gets one once there are as many videos as such splits), in the order of a hash of their names with seed ${p.seed}`,
    );
  }
  lines.push(`- source splits: ${p.keepSplits === false ? 'not kept (videos without a split chosen by an admin went by quota)' : 'kept (a video its source placed in a split stays there)'}`);
  return lines;
}

/** The layout's line for frames: older releases renumbered every video; newer ones keep safe source names. */
export function frameLayoutText(sourceNames: boolean, splits: string): string {
  return sourceNames
    ? `frames under their source names when the MeViS tools read them as they are (sorted, first 00000), else renumbered 00000, 00001, … (splits: ${splits})`
    : `frames, 5-digit names from 00000 (splits: ${splits})`;
}

/** Said in the layout of releases that keep source names: how frames and objects trace back to the project. */
export const IDENTIFIERS_SENTENCE =
  ' A renumbered video has `frame_map` ({written name: source name}) in its meta_expressions.json entry. `anno_id` is the object\'s id in the project, so an object has the same `anno_id` in every release of the project (an object merged into another or excluded is left out, never renumbered).';
