import { RleError } from './rle-validation.ts';
import { readRuns, runsIntersection, runStats } from './run-geometry.ts';
import type { Rle } from './rle-type.ts';

/*
 * Mask geometry computed from the RLE runs without decoding (see run-geometry.ts for how).
 * Coordinates are continuous image coordinates: pixel (column x, row y) covers [x, x+1) × [y, y+1),
 * the convention of COCO boxes, so the centroid of a filled rectangle is the centre of its
 * pycocotools bbox and a single pixel at (0, 0) has its centroid at (0.5, 0.5).
 */

// Two masks are alive at once in the binary operations; reused so a call allocates nothing.
let runsA = new Uint32Array(1024);
let runsB = new Uint32Array(1024);

/** Area and mean pixel centre (x = column + 0.5, y = row + 0.5); an empty mask gives NaN for both. */
export function rleCentroid(rle: Rle): { area: number; cx: number; cy: number } {
  const a = readRuns(rle, runsA);
  runsA = a.runs;
  const s = runStats(a.runs, a.m, a.h);
  if (s.area === 0) return { area: 0, cx: NaN, cy: NaN };
  return { area: s.area, cx: s.sumX / s.area + 0.5, cy: s.sumY / s.area + 0.5 };
}

/** Runs of both masks plus their areas; the sizes must match, since a position means a pixel only for one size. */
function readPair(a: Rle, b: Rle): { inter: number; areaA: number; areaB: number } {
  const ra = readRuns(a, runsA);
  runsA = ra.runs;
  const rb = readRuns(b, runsB);
  runsB = rb.runs;
  if (ra.h !== rb.h || ra.w !== rb.w) {
    throw new RleError(`RLE sizes differ: [${ra.h}, ${ra.w}] and [${rb.h}, ${rb.w}]`);
  }
  let areaA = 0;
  for (let r = 1; r < ra.m; r += 2) areaA += ra.runs[r];
  let areaB = 0;
  for (let r = 1; r < rb.m; r += 2) areaB += rb.runs[r];
  return { inter: runsIntersection(ra.runs, ra.m, rb.runs, rb.m), areaA, areaB };
}

/** Pixels set in both masks. Both must have the same size (RleError otherwise). */
export function rleIntersectionArea(a: Rle, b: Rle): number {
  return readPair(a, b).inter;
}

/**
 * |a ∧ b| / |a ∨ b|. Two empty masks agree perfectly and give 1, as the J measure of the DAVIS and
 * MeViS evaluators (db_eval_iou) does: an expression that refers to no object on a frame is
 * matched by an empty prediction.
 */
export function rleIou(a: Rle, b: Rle): number {
  const { inter, areaA, areaB } = readPair(a, b);
  const union = areaA + areaB - inter;
  return union === 0 ? 1 : inter / union;
}
