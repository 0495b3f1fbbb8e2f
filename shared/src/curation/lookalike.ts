import { histogramDistance } from './histogram.ts';

export interface LookalikeCandidate {
  localId: number;
  category: string | null;
  /** Normalised colour histogram (sums to 1), or null when the object showed too few pixels. */
  hist: ArrayLike<number> | null;
}

/** Two objects that look alike; a < b are their local ids. */
export interface LookalikePair {
  a: number;
  b: number;
  distance: number;
}

function normCategory(c: string | null): string | null {
  const t = c?.trim().toLowerCase();
  return t ? t : null;
}

/**
 * R1 "same category": when both objects have a known category they must share it (a red car and
 * a red jacket are not look-alikes); when either is unknown (DAVIS without meta.json) colour alone decides.
 */
export function categoriesCompatible(a: string | null, b: string | null): boolean {
  const x = normCategory(a);
  const y = normCategory(b);
  return x === null || y === null || x === y;
}

/**
 * Pairs of objects whose colour histograms are at most `maxDistance` apart (so 0 keeps only identical
 * histograms) and whose categories are compatible, most similar first (ties by local ids).
 */
export function lookalikePairs(objects: readonly LookalikeCandidate[], maxDistance: number): LookalikePair[] {
  const pairs: LookalikePair[] = [];
  for (let i = 0; i < objects.length; i++) {
    const oi = objects[i];
    if (!oi.hist) continue;
    for (let j = i + 1; j < objects.length; j++) {
      const oj = objects[j];
      if (!oj.hist || oi.localId === oj.localId || !categoriesCompatible(oi.category, oj.category)) continue;
      const distance = histogramDistance(oi.hist, oj.hist);
      if (distance <= maxDistance) {
        const [a, b] = oi.localId < oj.localId ? [oi.localId, oj.localId] : [oj.localId, oi.localId];
        pairs.push({ a, b, distance });
      }
    }
  }
  return pairs.sort((p, q) => p.distance - q.distance || p.a - q.a || p.b - q.b);
}
