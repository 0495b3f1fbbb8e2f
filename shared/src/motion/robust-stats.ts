/** Quantile of ascending `sorted` with linear interpolation (numpy's default); NaN when empty. */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const n = sorted.length;
  if (n === 0) return NaN;
  const at = p * (n - 1);
  const lo = Math.floor(at);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

function median3(a: number, b: number, c: number): number {
  return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
}

/**
 * Running median over 3 samples, ends kept: drops a spike that lasts one frame (a spurious blob
 * pulling the centroid away) and leaves monotone motion untouched. In place.
 */
export function medianFilter3(v: Float64Array, n: number): void {
  if (n < 3) return;
  let before = v[0];
  for (let i = 1; i < n - 1; i++) {
    const here = v[i];
    v[i] = median3(before, here, v[i + 1]);
    before = here;
  }
}

/**
 * Largest distance between two points of the path. Quadratic, which is cheap next to parsing
 * the masks themselves: 5,000 distance checks for a 100-frame track against 100 mask parses.
 */
export function pathDiameter(xs: Float64Array, ys: Float64Array, n: number): number {
  let best = 0;
  for (let i = 0; i < n; i++) {
    const x = xs[i];
    const y = ys[i];
    for (let j = i + 1; j < n; j++) {
      const dx = xs[j] - x;
      const dy = ys[j] - y;
      const d = dx * dx + dy * dy;
      if (d > best) best = d;
    }
  }
  return Math.sqrt(best);
}
