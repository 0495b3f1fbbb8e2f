import { parseCountsIntoScratch, runBuffer } from './counts-string.ts';
import { readRleShape } from './rle-validation.ts';
import type { Rle } from './rle-type.ts';

/** [x, y, width, height], as pycocotools' toBbox. */
type Box = [number, number, number, number];

/** Foreground pixel count, summed from the runs without decoding (pycocotools' area). */
export function rleArea(rle: Rle): number {
  const { n, counts } = readRleShape(rle);
  const m = parseCountsIntoScratch(counts, n);
  const runs = runBuffer(0);
  let area = 0;
  for (let r = 1; r < m; r += 2) area += runs[r];
  return area;
}

/**
 * [x, y, w, h] computed exactly like pycocotools' rleToBbox, including its quirks: an empty mask
 * gives [0, 0, 0, 0], and a zero-length foreground run in a hand-made RLE still counts the pixel
 * before it (uint arithmetic, emulated with >>> 0).
 */
export function rleBbox(rle: Rle): Box {
  const { h, w, n, counts } = readRleShape(rle);
  const m = parseCountsIntoScratch(counts, n);
  return bboxFromRuns(runBuffer(0), m, h, w);
}

/** The rleToBbox loop over already-validated runs; shared with checkRle, which has parsed them anyway. */
export function bboxFromRuns(runs: Uint32Array, runCount: number, h: number, w: number): Box {
  // A trailing background run does not move the box.
  const m = runCount & ~1;
  if (m === 0) return [0, 0, 0, 0];
  let xs = w;
  let ys = h;
  let xe = 0;
  let ye = 0;
  let xp = 0;
  let cc = 0;
  for (let j = 0; j < m; j++) {
    cc += runs[j];
    // Even j: first foreground pixel of the run; odd j: its last pixel.
    const t = (cc - (j & 1)) >>> 0;
    const y = t % h;
    const x = (t - y) / h;
    if ((j & 1) === 0) xp = x;
    else if (xp < x) {
      ys = 0;
      ye = h - 1;
    }
    if (x < xs) xs = x;
    if (x > xe) xe = x;
    if (y < ys) ys = y;
    if (y > ye) ye = y;
  }
  return [xs, ys, xe - xs + 1, ye - ys + 1];
}
