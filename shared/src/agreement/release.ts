import type { AlphaDistanceName } from './sets.ts';

/** Agreement as a release states it (stats.json `agreement`, one line of the dataset card). */
export interface ReleaseAgreement {
  measure: 'krippendorff_alpha';
  distance: AlphaDistanceName;
  /** Rounded to 3 decimals (null: undefined, e.g. no sample with two answers). */
  alpha: number | null;
  ci95: [number, number] | null;
  /** Samples with at least two set answers; pairs of answers compared within them. */
  units: number;
  pairs: number;
  /** Rejections are not sets: left out of α, their share of all answers given here. */
  rejected_share: number;
  bootstrap: { iterations: number; seed: number; resample: 'units' };
  /** Per split of the release, same fields (without the bootstrap settings). */
  splits: Record<string, { alpha: number | null; ci95: [number, number] | null; units: number; pairs: number }>;
}

export const round3 = (x: number | null): number | null => (x === null ? null : Math.round(x * 1000) / 1000);

/** The card's line: what α is, on what, with its interval. */
export function agreementCardLine(a: ReleaseAgreement): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const what = `Krippendorff's α over the target sets that the annotator and the validators chose for the same sample (${a.distance.toUpperCase()} distance; "no target" is the empty set; missing raters allowed)`;
  if (a.alpha === null) return `Agreement: ${what}: not defined yet (${n(a.units)} samples with two or more answers).`;
  const ci = a.ci95 ? ` (95 % CI ${a.ci95[0].toFixed(3)}–${a.ci95[1].toFixed(3)}, bootstrap over samples, ${n(a.bootstrap.iterations)} resamples, seed ${a.bootstrap.seed})` : '';
  return `Agreement: ${what}: α = ${a.alpha.toFixed(3)}${ci} on ${n(a.units)} samples and ${n(a.pairs)} answer pairs. Rejections (${(a.rejected_share * 100).toFixed(1)} % of answers) are not target sets and are left out.`;
}
