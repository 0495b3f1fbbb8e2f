import { boundaryCounts, boundaryScoreFromCounts, type BoundaryWorkspace } from './boundary-f.ts';
import { jaccardCountsInSpans, jaccardFromCounts } from './jaccard.ts';
import type { BinaryMask } from './mask.ts';

export interface FrameScore {
  j: number;
  f: number;
  /** The prediction has no foreground pixel (feeds the no-target decision). */
  predEmpty: boolean;
}

/** J and F of one frame; `ws` is the caller's reusable workspace (one per thread). */
export function scoreFrame(gt: BinaryMask, pred: BinaryMask, ws: BoundaryWorkspace): FrameScore {
  const f = boundaryScoreFromCounts(boundaryCounts(gt, pred, ws)).f;
  // boundaryCounts left each mask's per-row foreground spans in the workspace
  const jc = jaccardCountsInSpans(gt, pred, ws.gt.first, ws.gt.last, ws.pred.first, ws.pred.last);
  return { j: jaccardFromCounts(jc), f, predEmpty: jc.predArea === 0 };
}
