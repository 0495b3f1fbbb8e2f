import type { TargetSet } from '../protocol/target-set.ts';

/**
 * Distances between two raters' answers for Krippendorff's α. Answers are canonical target sets
 * (sorted object ids, no duplicates); ∅ ("no target") is a value like any other.
 */
export type SetDistanceName = 'masi' | 'jaccard';
export const SET_DISTANCES: readonly SetDistanceName[] = ['masi', 'jaccard'];

function overlap(a: TargetSet, b: TargetSet): number {
  let i = 0;
  let j = 0;
  let common = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      common++;
      i++;
      j++;
    } else if (a[i]! < b[j]!) i++;
    else j++;
  }
  return common;
}

/** 1 − |A∩B| / |A∪B|; two empty sets agree (distance 0), ∅ against any other set is 1. */
export function jaccardDistance(a: TargetSet, b: TargetSet): number {
  if (a.length === 0 && b.length === 0) return 0;
  const common = overlap(a, b);
  return 1 - common / (a.length + b.length - common);
}

/**
 * MASI (Passonneau 2006, "Measuring agreement on set-valued items"): 1 − J·M, with J the Jaccard
 * index and M the monotonicity weight: 1 for equal sets, 2/3 when one contains the other, 1/3 when
 * they only overlap, 0 when disjoint. It grades "picked one of the two sheep" as a nearer miss than
 * "picked the other sheep and a dog". Two empty sets: distance 0 (both said "no target"; Passonneau
 * leaves 0/0 undefined).
 */
export function masiDistance(a: TargetSet, b: TargetSet): number {
  if (a.length === 0 && b.length === 0) return 0;
  const common = overlap(a, b);
  if (common === 0) return 1;
  const union = a.length + b.length - common;
  const m = common === union ? 1 : common === a.length || common === b.length ? 2 / 3 : 1 / 3;
  return 1 - (common / union) * m;
}

export function setDistance(name: SetDistanceName): (a: TargetSet, b: TargetSet) => number {
  return name === 'masi' ? masiDistance : jaccardDistance;
}
