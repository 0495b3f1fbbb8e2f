import { parseCountsIntoScratch, runBuffer } from './counts-string.ts';
import { readRleShape } from './rle-validation.ts';
import type { Rle } from './rle-type.ts';

/*
 * Geometry straight from the column-major runs (background first), never from a decoded mask: a
 * run is a stretch of positions p = x*h + y, so area, coordinate sums and box follow from its start
 * and length in O(1), and two masks intersect where their foreground intervals overlap. Cost grows
 * with the number of runs (a few hundred for an 854×480 DAVIS object), not with h*w.
 */

/** Foreground area, coordinate sums (pixel indices, not centres) and inclusive box of one mask. */
export interface RunStats {
  area: number;
  sumX: number;
  sumY: number;
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

/** Validated runs of `rle` copied into `into` (grown when too small); the returned view is `runs`. */
export function readRuns(
  rle: Rle,
  into: Uint32Array<ArrayBuffer>,
): { runs: Uint32Array<ArrayBuffer>; m: number; h: number; w: number } {
  const { h, w, n, counts } = readRleShape(rle);
  const m = parseCountsIntoScratch(counts, n);
  // The codec's scratch is overwritten by its next call; the caller keeps two masks alive at once.
  const runs = into.length >= m ? into : new Uint32Array(Math.max(m, into.length * 2));
  runs.set(runBuffer(0).subarray(0, m));
  return { runs, m, h, w };
}

/** Empty box (minX > maxX) when the mask is empty. */
export function runStats(runs: Uint32Array, m: number, h: number): RunStats {
  let area = 0;
  let sumX = 0;
  let sumY = 0;
  let minX = Infinity;
  let minY = Infinity;
  let maxX = -Infinity;
  let maxY = -Infinity;
  const hh = (h * (h - 1)) / 2;
  let pos = 0;
  for (let r = 0; r < m; r++) {
    const len = runs[r];
    if ((r & 1) === 0 || len === 0) {
      pos += len;
      continue;
    }
    area += len;
    const x0 = (pos / h) | 0;
    const y0 = pos - x0 * h;
    const last = pos + len - 1;
    const x1 = (last / h) | 0;
    const y1 = last - x1 * h;
    if (x0 < minX) minX = x0;
    maxX = x1;
    if (x0 === x1) {
      // Within one column: rows y0..y1.
      sumX += len * x0;
      sumY += len * y0 + (len * (len - 1)) / 2;
      if (y0 < minY) minY = y0;
      if (y1 > maxY) maxY = y1;
    } else {
      // Tail of column x0 (rows y0..h-1), full columns x0+1..x1-1, head of column x1 (rows 0..y1).
      const a = h - y0;
      const full = x1 - x0 - 1;
      const b = y1 + 1;
      sumX += a * x0 + h * (full * (x0 + 1) + (full * (full - 1)) / 2) + b * x1;
      sumY += a * y0 + (a * (a - 1)) / 2 + full * hh + (b * (b - 1)) / 2;
      minY = 0;
      maxY = h - 1;
    }
    pos += len;
  }
  return { area, sumX, sumY, minX, minY, maxX, maxY };
}

/** Pixels set in both masks, by walking both foreground interval lists once. */
export function runsIntersection(a: Uint32Array, ma: number, b: Uint32Array, mb: number): number {
  if (ma < 2 || mb < 2) return 0;
  let sa = a[0];
  let ea = sa + a[1];
  let sb = b[0];
  let eb = sb + b[1];
  let ia = 2;
  let ib = 2;
  let inter = 0;
  for (;;) {
    const lo = sa > sb ? sa : sb;
    const hi = ea < eb ? ea : eb;
    if (hi > lo) inter += hi - lo;
    // The interval that ends first cannot meet anything later in the other list.
    if (ea <= eb) {
      if (ia + 1 >= ma) break;
      sa = ea + a[ia];
      ea = sa + a[ia + 1];
      ia += 2;
    } else {
      if (ib + 1 >= mb) break;
      sb = eb + b[ib];
      eb = sb + b[ib + 1];
      ib += 2;
    }
  }
  return inter;
}
