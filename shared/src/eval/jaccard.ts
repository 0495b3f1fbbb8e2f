import { assertSameSize, type BinaryMask } from './mask.ts';

export interface JaccardCounts {
  intersection: number;
  union: number;
  gtArea: number;
  predArea: number;
}

export function jaccardCounts(gt: BinaryMask, pred: BinaryMask): JaccardCounts {
  assertSameSize(gt, pred);
  const g = gt.data;
  const p = pred.data;
  let intersection = 0;
  let gtArea = 0;
  let predArea = 0;
  for (let i = 0; i < g.length; i++) {
    const a = g[i] !== 0;
    const b = p[i] !== 0;
    if (a) gtArea++;
    if (b) {
      predArea++;
      if (a) intersection++;
    }
  }
  return { intersection, union: gtArea + predArea - intersection, gtArea, predArea };
}

/** Region similarity J (IoU). Both masks empty scores 1, as in the official `db_eval_iou`. */
export function jaccardFromCounts(c: JaccardCounts): number {
  return c.union === 0 ? 1 : c.intersection / c.union;
}

export function jaccard(gt: BinaryMask, pred: BinaryMask): number {
  return jaccardFromCounts(jaccardCounts(gt, pred));
}

/**
 * jaccardCounts restricted to each row's foreground span of either mask (from seg2bmap's
 * `first`/`last`), the fast path scoreFrame takes; outside those spans both masks are background.
 */
export function jaccardCountsInSpans(gt: BinaryMask, pred: BinaryMask, gFirst: Int32Array, gLast: Int32Array, pFirst: Int32Array, pLast: Int32Array): JaccardCounts {
  assertSameSize(gt, pred);
  const { width: w, height: h } = gt;
  const g = gt.data;
  const p = pred.data;
  let intersection = 0;
  let gtArea = 0;
  let predArea = 0;
  for (let y = 0; y < h; y++) {
    const gf = gFirst[y];
    const pf = pFirst[y];
    if (gf < 0 && pf < 0) continue;
    const lo = gf < 0 ? pf : pf < 0 ? gf : Math.min(gf, pf);
    const hi = Math.max(gLast[y], pLast[y]);
    const row = y * w;
    for (let i = row + lo, end = row + hi; i <= end; i++) {
      const a = g[i] !== 0;
      if (a) gtArea++;
      if (p[i] !== 0) {
        predArea++;
        if (a) intersection++;
      }
    }
  }
  return { intersection, union: gtArea + predArea - intersection, gtArea, predArea };
}
