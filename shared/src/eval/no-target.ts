import type { SampleResult } from './sample.ts';

/**
 * GRES-style confusion counts with "no target" as the positive class (ReLA's
 * refer_evaluation.py after its "fix eval metrics" commit: no +1 in the denominators).
 */
export interface NoTargetCounts {
  /** No-target sample predicted no-target. */
  tp: number;
  /** No-target sample predicted with a target, or its prediction missing. */
  fn: number;
  /** Target sample predicted no-target, or its prediction missing. */
  fp: number;
  /** Target sample predicted with a target. */
  tn: number;
}

export interface NoTargetAccuracy {
  counts: NoTargetCounts;
  /** Share of no-target samples predicted no-target; null when the group has none. */
  nAcc: number | null;
  /** Share of target samples not predicted no-target; null when the group has none. */
  tAcc: number | null;
}

/**
 * A missing prediction is wrong on both sides: reading it as "empty, so no target" would hand a
 * team N-acc for the videos it did not submit.
 */
export function noTargetAccuracy(results: readonly SampleResult[]): NoTargetAccuracy {
  const counts: NoTargetCounts = { tp: 0, fn: 0, fp: 0, tn: 0 };
  for (const r of results) {
    if (r.targets === 0) {
      if (!r.missing && r.predictedNoTarget) counts.tp++;
      else counts.fn++;
    } else if (!r.missing && !r.predictedNoTarget) counts.tn++;
    else counts.fp++;
  }
  const pos = counts.tp + counts.fn;
  const neg = counts.tn + counts.fp;
  return { counts, nAcc: pos === 0 ? null : counts.tp / pos, tAcc: neg === 0 ? null : counts.tn / neg };
}
