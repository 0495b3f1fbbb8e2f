import { rleCentroid } from '../rle/geometry.ts';

/** Per frame of one object: not visible, visible and still, visible and moving. */
export const ABSENT = 0;
export const STILL = 1;
export const MOVING = 2;

/** Frames either side that the speed at a frame is averaged over (a mask's jitter is not motion). */
const WINDOW = 2;
/** Centroid travel per frame, in object sizes (√area), from which a frame counts as moving. */
const MOVING_SPEED = 0.02;

/**
 * The lane of one object on the object timeline: for every frame, whether the object is visible
 * and whether it moves there — its centroid's average speed over ±2 frames is at least 2 % of its
 * size (√area) per frame. A coarse, per-frame view for the annotator's eye; the per-object verdict
 * that A1 and curation use is objectMotion's.
 */
export function objectTimeline(counts: readonly (string | null)[], size: [number, number]): Uint8Array {
  const n = counts.length;
  const cx = new Float64Array(n).fill(NaN);
  const cy = new Float64Array(n).fill(NaN);
  const scale = new Float64Array(n).fill(NaN);
  const out = new Uint8Array(n);
  for (let f = 0; f < n; f++) {
    const c = counts[f];
    if (!c) continue;
    const g = rleCentroid({ size, counts: c });
    if (g.area === 0) continue;
    cx[f] = g.cx;
    cy[f] = g.cy;
    scale[f] = Math.sqrt(g.area);
    out[f] = STILL;
  }
  for (let f = 0; f < n; f++) {
    if (out[f] === ABSENT) continue;
    const from = Math.max(0, f - WINDOW);
    const to = Math.min(n - 1, f + WINDOW);
    let travel = 0;
    let steps = 0;
    for (let g = from; g < to; g++) {
      if (Number.isNaN(cx[g]!) || Number.isNaN(cx[g + 1]!)) continue;
      travel += Math.hypot(cx[g + 1]! - cx[g]!, cy[g + 1]! - cy[g]!);
      steps++;
    }
    if (steps > 0 && travel / steps >= MOVING_SPEED * scale[f]!) out[f] = MOVING;
  }
  return out;
}
