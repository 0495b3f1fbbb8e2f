/**
 * A set of object ids in canonical form (sorted ascending, no duplicates). Comparing canonical
 * sets is the whole agreement rule of the protocol: exact set match, and ∅ = ∅ counts.
 */
export type TargetSet = readonly number[];

export function targetSet(ids: Iterable<number>): TargetSet {
  return [...new Set(ids)].sort((a, b) => a - b);
}

export function sameTargets(a: TargetSet, b: TargetSet): boolean {
  const x = targetSet(a);
  const y = targetSet(b);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}
