import { countWithinDisk } from './boundary-match.ts';
import { createBoundaryMap, seg2bmap, type BoundaryMap } from './boundary-map.ts';
import { boundaryRadius, diskHalfWidths } from './disk.ts';
import { assertSameSize, type BinaryMask } from './mask.ts';

/** Everything the official f_measure counts, so a mismatch can be traced to a pixel count. */
export interface BoundaryCounts {
  /** Boundary pixels of the prediction (`n_fg`). */
  predBoundary: number;
  /** Boundary pixels of the ground truth (`n_gt`). */
  gtBoundary: number;
  /** Prediction boundary pixels inside the dilated truth boundary (`sum(fg_match)`). */
  predMatched: number;
  /** Truth boundary pixels inside the dilated prediction boundary (`sum(gt_match)`). */
  gtMatched: number;
  radius: number;
}

export interface BoundaryScore extends BoundaryCounts {
  precision: number;
  recall: number;
  f: number;
}

/**
 * Buffers one evaluating thread reuses frame after frame: two boundary maps, the match flags and
 * the disk half-widths of the last radius. Scoring a frame then allocates nothing but its result.
 */
export interface BoundaryWorkspace {
  pred: BoundaryMap;
  gt: BoundaryMap;
  flags: Uint8Array;
  radius: number;
  halfWidths: Int32Array;
}

export function createBoundaryWorkspace(): BoundaryWorkspace {
  return { pred: createBoundaryMap(), gt: createBoundaryMap(), flags: new Uint8Array(0), radius: -1, halfWidths: new Int32Array(0) };
}

/**
 * Precision, recall and F from the counts, with the official special cases: no boundary in the
 * prediction but one in the truth → P 1, R 0; the reverse → P 0, R 1; neither → 1, 1. Same
 * operation order as the official code (`2 * p * r / (p + r)`), so results agree to the last bit.
 */
export function boundaryScoreFromCounts(c: BoundaryCounts): BoundaryScore {
  let precision: number;
  let recall: number;
  if (c.predBoundary === 0 && c.gtBoundary > 0) {
    precision = 1;
    recall = 0;
  } else if (c.predBoundary > 0 && c.gtBoundary === 0) {
    precision = 0;
    recall = 1;
  } else if (c.predBoundary === 0 && c.gtBoundary === 0) {
    precision = 1;
    recall = 1;
  } else {
    precision = c.predMatched / c.predBoundary;
    recall = c.gtMatched / c.gtBoundary;
  }
  const f = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { ...c, precision, recall, f };
}

export function boundaryCounts(gt: BinaryMask, pred: BinaryMask, ws: BoundaryWorkspace = createBoundaryWorkspace(), boundTh = 0.008): BoundaryCounts {
  assertSameSize(gt, pred);
  const radius = boundaryRadius(pred.width, pred.height, boundTh);
  if (radius !== ws.radius) {
    ws.radius = radius;
    ws.halfWidths = diskHalfWidths(radius);
  }
  if (ws.flags.length < pred.width) ws.flags = new Uint8Array(pred.width);
  const pb = seg2bmap(pred, ws.pred);
  const gb = seg2bmap(gt, ws.gt);
  const predMatched = pb.count && gb.count ? countWithinDisk(pb, gb, ws.halfWidths, ws.flags) : 0;
  const gtMatched = pb.count && gb.count ? countWithinDisk(gb, pb, ws.halfWidths, ws.flags) : 0;
  return { predBoundary: pb.count, gtBoundary: gb.count, predMatched, gtMatched, radius };
}

/** The DAVIS boundary F-measure of one frame, as the official MeViS `f_measure` computes it. */
export function boundaryF(gt: BinaryMask, pred: BinaryMask, ws?: BoundaryWorkspace, boundTh?: number): number {
  return boundaryScoreFromCounts(boundaryCounts(gt, pred, ws, boundTh)).f;
}
