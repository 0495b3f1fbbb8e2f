import { RleError } from '../rle/rle-validation.ts';
import type { Rle } from '../rle/rle-type.ts';
import { readRuns, runsIntersection, runStats } from '../rle/run-geometry.ts';
import { medianFilter3, pathDiameter, quantileSorted } from './robust-stats.ts';

/*
 * How much one object moves over its track, from the masks alone (centroids and overlaps taken
 * from the RLE runs, nothing decoded). Feeds guideline A1 ("targets must move": a warning while an
 * annotator picks a barely moving target) and curation rule R2 ("several clearly moving objects").
 *
 * Distances are divided by the object's size, sqrt(median visible area) in pixels: 3 px is a lot
 * for a 20 px duck and nothing for a 300 px bus. Every statistic is in image coordinates, so camera
 * motion (a pan that follows a rider, as in DAVIS horsejump-high) counts as object motion and a
 * static object in a panning shot moves; telling the two apart needs the frames, not the masks.
 *
 * A frame counts as visible when its mask is non-empty. Consecutive visible frames are compared
 * even across frames where the object was absent: an object that disappears behind something and
 * comes back elsewhere did move, and skipping the jump would hide that.
 */

export interface ObjectMotion {
  /** Frames where the object has a non-empty mask. */
  visibleFrames: number;
  /** Length of the track. */
  frameCount: number;
  /** sqrt(median visible area), in pixels: the unit of travel, displacement and reach. 0 when never visible. */
  size: number;
  /**
   * Path length of the centroid over consecutive visible frames, in sizes. Reported, not used by
   * the verdict: it adds up segmentation jitter frame after frame (a still disc of radius 10 px with
   * ±1 px noise "travels" 3 sizes in 50 frames while its reach is 0.11) and so grows with noise
   * and with the frame rate.
   */
  travel: number;
  /** Centroid distance from the first to the last visible frame, in sizes. */
  displacement: number;
  /**
   * Largest distance between two centroids of the track after a 3-frame running median (drops
   * one-frame glitches), in sizes. Unlike travel it does not add up jitter, and unlike
   * displacement it sees motion that comes back (a hop, a walk there and back).
   */
  reach: number;
  /**
   * Mean IoU of the masks on consecutive visible frames (1 = perfectly still); 1 with fewer than 2.
   * Reported, not used by the verdict: it depends on the frame rate (a disc of radius 20 px moving
   * 2 px per frame gives 0.88, the same clip at a quarter of the frame rate 0.60) and on the size
   * (±1 px noise alone gives 0.79 on a disc of radius 10 px).
   */
  meanIou: number;
  /**
   * 10th percentile of the IoU between each visible mask and the first one; 1 with fewer than 2
   * visible frames. Low when the object has, for a while, left or changed the shape it started
   * with: it catches motion in place (wings, growing as it approaches) that the centroid misses.
   * A percentile, not the minimum, so that one bad mask does not decide.
   */
  shapeIou: number;
  /**
   * (90th − 10th percentile of the visible areas) / median area: how much the object grows or
   * shrinks. Percentiles rather than max − min, because a single frame where the segmentation
   * lost the object (or grabbed a blob) would dominate max − min. Reported, not used by the verdict.
   */
  areaChange: number;
  /**
   * It touches the frame border on a frame next to one where it is absent (or before the track ends
   * or after it starts without it): it enters or leaves the picture.
   */
  leavesFrame: boolean;
  /** The verdict used by A1 and R2; see MotionThresholds. */
  moving: boolean;
}

/**
 * `moving` = leavesFrame, or the object shifted, or it changed shape, where
 *   shifted:   reach ≥ minReach (in sizes)                  and reach in px ≥ the pixel floor;
 *   reshaped:  shapeIou ≤ maxShapeIou                        and its equivalent shift in px ≥ the floor.
 * The pixel floor is minShiftFrame × the frame's shorter side. Each cue needs BOTH a relative and
 * an absolute amount: boundary jitter on a large object is a few pixels but a small fraction of its
 * size; on a tiny object it is a large fraction but still only a few pixels. The equivalent shift of
 * an IoU q is size·(1−q)/(1+q): a square of side `size` shifted that far has IoU q with itself.
 */
export interface MotionThresholds {
  /** Smallest reach, in object sizes, that counts as moving. */
  minReach: number;
  /** Largest shapeIou that counts as moving. */
  maxShapeIou: number;
  /** Pixel floor for both cues, as a fraction of the frame's shorter side (0.025: 12 px at 480p). */
  minShiftFrame: number;
}

/*
 * Calibration (tables in CALIBRATION.md, beside this file). Moving: the 11 objects of 4 real DAVIS
 * clips (OSVOS masks) have reach 0.95–34 and shapeIou ≤ 0.07; the 77 moving demo objects of 4
 * seeds reach ≥ 1.00 (a bouncing object's hop) with shapeIou ≤ 0.10. Still: each DAVIS object held
 * on its first mask with ±1 px noise every frame (erode/dilate, shift, ragged edge) stays at reach
 * ≤ 0.52 and shapeIou ≥ 0.64, and those extremes are the kite, a mask of scattered fragments a few
 * px wide; the other 10 stay at reach ≤ 0.09, shapeIou ≥ 0.77 (≤ 0.13, ≥ 0.61 with ±2 px noise).
 * minReach 0.75 and maxShapeIou 0.5 sit between the two groups.
 * Tiny objects cross the relative cues under noise (a 20 px disc with ±3 px jitter: shapeIou 0.44)
 * but move ≤ 7 px, below the pixel floor of 12 px at 480p.
 */
export const DEFAULT_MOTION_THRESHOLDS: Readonly<MotionThresholds> = Object.freeze({
  minReach: 0.75,
  maxShapeIou: 0.5,
  minShiftFrame: 0.025,
});

const SHAPE_QUANTILE = 0.1;

// Scratch reused across calls (grown on demand): three run lists alive at once, per-frame series.
let firstRuns = new Uint32Array(1024);
let prevRuns = new Uint32Array(1024);
let curRuns = new Uint32Array(1024);
let xs = new Float64Array(256);
let ys = new Float64Array(256);
let areas = new Float64Array(256);
let firstIous = new Float64Array(256);

function growSeries(n: number): void {
  if (xs.length >= n) return;
  const size = Math.max(n, xs.length * 2);
  xs = new Float64Array(size);
  ys = new Float64Array(size);
  areas = new Float64Array(size);
  firstIous = new Float64Array(size);
}

function checkThresholds(t: MotionThresholds): void {
  for (const key of ['minReach', 'maxShapeIou', 'minShiftFrame'] as const) {
    const v = t[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) {
      throw new RangeError(`motion threshold ${key} must be a finite number ≥ 0, got ${String(v)}`);
    }
  }
}

export function resolveThresholds(thresholds?: Partial<MotionThresholds>): MotionThresholds {
  const t = { ...DEFAULT_MOTION_THRESHOLDS, ...thresholds };
  checkThresholds(t);
  return t;
}

/**
 * Motion statistics of one object's track (null or an empty mask = absent on that frame). All
 * masks must have the same size (RleError otherwise).
 */
export function objectMotion(track: readonly (Rle | null)[], thresholds?: Partial<MotionThresholds>): ObjectMotion {
  const t = resolveThresholds(thresholds);
  return measureTrack(track, t);
}

/** objectMotion with thresholds already resolved and checked (videoMotionSummary checks once). */
export function measureTrack(track: readonly (Rle | null)[], t: MotionThresholds): ObjectMotion {
  const frameCount = track.length;
  growSeries(frameCount);
  let h = 0;
  let w = 0;
  let visible = 0;
  let prevM = 0;
  let prevArea = 0;
  let prevFrame = -1;
  let prevTouches = false;
  let firstM = 0;
  let firstArea = 0;
  let iouSum = 0;
  let leavesFrame = false;

  for (let f = 0; f < frameCount; f++) {
    const rle = track[f];
    if (rle == null) continue;
    const r = readRuns(rle, curRuns);
    curRuns = r.runs;
    if (h === 0) {
      h = r.h;
      w = r.w;
    } else if (r.h !== h || r.w !== w) {
      throw new RleError(`track frame ${f} has size [${r.h}, ${r.w}] but earlier frames have [${h}, ${w}]`);
    }
    const s = runStats(curRuns, r.m, h);
    if (s.area === 0) continue;

    const touches = s.minX === 0 || s.minY === 0 || s.maxX === w - 1 || s.maxY === h - 1;
    // Appears at the border (absent on the frame before), or was at the border before a gap.
    if (touches && f > 0 && prevFrame !== f - 1) leavesFrame = true;
    if (prevTouches && prevFrame !== f - 1) leavesFrame = true;

    xs[visible] = s.sumX / s.area + 0.5;
    ys[visible] = s.sumY / s.area + 0.5;
    areas[visible] = s.area;
    if (visible === 0) {
      if (firstRuns.length < r.m) firstRuns = new Uint32Array(Math.max(r.m, firstRuns.length * 2));
      firstRuns.set(curRuns.subarray(0, r.m));
      firstM = r.m;
      firstArea = s.area;
    } else {
      const inter = runsIntersection(prevRuns, prevM, curRuns, r.m);
      iouSum += inter / (prevArea + s.area - inter);
      // On the second visible frame the previous mask is the first one.
      const interFirst = visible === 1 ? inter : runsIntersection(firstRuns, firstM, curRuns, r.m);
      firstIous[visible - 1] = interFirst / (firstArea + s.area - interFirst);
    }
    visible++;
    prevFrame = f;
    prevTouches = touches;
    prevM = r.m;
    prevArea = s.area;
    const swap = prevRuns;
    prevRuns = curRuns;
    curRuns = swap;
  }
  // Last seen at the border before the track ends without it.
  if (prevTouches && prevFrame < frameCount - 1) leavesFrame = true;

  if (visible === 0) {
    return { visibleFrames: 0, frameCount, size: 0, travel: 0, displacement: 0, reach: 0, meanIou: 1, shapeIou: 1, areaChange: 0, leavesFrame: false, moving: false };
  }

  let travel = 0;
  for (let i = 1; i < visible; i++) travel += Math.hypot(xs[i] - xs[i - 1], ys[i] - ys[i - 1]);
  const displacementPx = Math.hypot(xs[visible - 1] - xs[0], ys[visible - 1] - ys[0]);

  const sortedAreas = areas.subarray(0, visible).sort();
  const medianArea = quantileSorted(sortedAreas, 0.5);
  const size = Math.sqrt(medianArea);
  const areaChange = (quantileSorted(sortedAreas, 0.9) - quantileSorted(sortedAreas, 0.1)) / medianArea;

  medianFilter3(xs, visible);
  medianFilter3(ys, visible);
  const reachPx = pathDiameter(xs, ys, visible);

  const meanIou = visible < 2 ? 1 : iouSum / (visible - 1);
  const shapeIou = visible < 2 ? 1 : quantileSorted(firstIous.subarray(0, visible - 1).sort(), SHAPE_QUANTILE);

  const floorPx = t.minShiftFrame * Math.min(h, w);
  const shifted = reachPx >= t.minReach * size && reachPx >= floorPx;
  const reshaped = shapeIou <= t.maxShapeIou && (size * (1 - shapeIou)) / (1 + shapeIou) >= floorPx;

  return {
    visibleFrames: visible,
    frameCount,
    size,
    travel: travel / size,
    displacement: displacementPx / size,
    reach: reachPx / size,
    meanIou,
    shapeIou,
    areaChange,
    leavesFrame,
    moving: leavesFrame || shifted || reshaped,
  };
}
