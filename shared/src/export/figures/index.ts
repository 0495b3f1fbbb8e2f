import { barChart, type Bar } from './svg.ts';
import { DURATION_BIN_SECONDS, WPM_BIN, type FigureData } from './counts.ts';

export { FigureAccumulator, motionVerbLemmas, type FigureData } from './counts.ts';

/** One figure of the release: written to `path`, shown in the card under `title`. */
export interface Figure {
  path: string;
  title: string;
  svg: string;
}

/** Most frequent motion verbs shown (the paper's word cloud, as bars). */
export const TOP_VERBS = 20;

/**
 * Integer categories from `from` to the largest seen, the tail from `cap` on in one "cap+" bar,
 * empty categories in between shown as zero: a histogram, not a list of what occurred.
 */
export function integerBins(counts: readonly [number, number][], from: number, cap: number): Bar[] {
  const max = Math.max(from, ...counts.map(([k]) => k));
  const bars: Bar[] = [];
  for (let k = from; k <= Math.min(max, cap); k++) bars.push({ label: k === cap && max > cap ? `${cap}+` : String(k), value: 0 });
  for (const [k, n] of counts) {
    if (k < from) continue;
    bars[Math.min(k, cap) - from]!.value += n;
  }
  return bars;
}

/** Bins keyed by their lower bound (`width` apart), labelled "lo–hi"; the tail from `cap` on in one bar. */
export function rangeBins(counts: readonly [number, number][], width: number, cap: number): Bar[] {
  if (counts.length === 0) return [];
  const max = Math.min(cap, Math.max(...counts.map(([k]) => k)));
  const bars: Bar[] = [];
  for (let lo = 0; lo <= max; lo += width) bars.push({ label: lo >= cap ? `${lo}+` : `${lo}–${lo + width}`, value: 0 });
  for (const [k, n] of counts) bars[Math.min(Math.floor(k / width), bars.length - 1)]!.value += n;
  return bars;
}

/**
 * The figures the MeViS paper shows for its data, drawn from this release's counts. Audio figures
 * only when the release has clips. Paths and order are fixed, so the card and the manifest list
 * them the same way every time.
 */
export function renderFigures(d: FigureData): Figure[] {
  const out: Figure[] = [];
  const add = (name: string, title: string, chart: Omit<Parameters<typeof barChart>[0], 'title'>) => out.push({ path: `figures/${name}.svg`, title, svg: barChart({ title, ...chart }) });
  if (d.words.length) add('expression_length', 'Expression length', { bars: integerBins(d.words, 1, 30), valueLabel: 'expressions', categoryLabel: 'words per expression' });
  if (d.verbs.length) {
    add('motion_verbs', `Most frequent motion verbs (top ${Math.min(TOP_VERBS, d.verbs.length)})`, {
      bars: d.verbs.slice(0, TOP_VERBS).map(([label, value]) => ({ label, value })),
      valueLabel: 'expressions using the verb (any form)',
      categoryLabel: 'verb',
      orientation: 'horizontal',
    });
  }
  if (d.targets.length) add('targets_per_expression', 'Targets per expression', { bars: integerBins(d.targets, 0, 10), valueLabel: 'expressions', categoryLabel: 'target objects (0 = no-target)' });
  if (d.objectsPerVideo.length) add('objects_per_video', 'Objects per video', { bars: integerBins(d.objectsPerVideo, 0, 20), valueLabel: 'videos', categoryLabel: 'objects' });
  if (d.expressionsPerVideo.length) add('expressions_per_video', 'Expressions per video', { bars: integerBins(d.expressionsPerVideo, 0, 40), valueLabel: 'videos', categoryLabel: 'expressions' });
  if (d.durationSeconds.length) add('audio_duration', 'Audio clip duration', { bars: rangeBins(d.durationSeconds, DURATION_BIN_SECONDS, 15), valueLabel: 'clips', categoryLabel: 'seconds' });
  if (d.wpm.length) add('audio_wpm', 'Speaking rate of the audio clips', { bars: rangeBins(d.wpm, WPM_BIN, 300), valueLabel: 'clips', categoryLabel: 'words per minute' });
  return out;
}
