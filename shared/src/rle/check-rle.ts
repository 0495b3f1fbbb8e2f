import { parseCountsIntoScratch, runBuffer } from './counts-string.ts';
import { bboxFromRuns } from './rle-measure.ts';
import { readRleShape, RleError } from './rle-validation.ts';

/**
 * Validates an untrusted RLE (imported mask_dict.json, API input) without decoding it and returns
 * its area and pycocotools box. Extra keys are ignored, as pycocotools ignores them.
 */
export function checkRle(
  rle: unknown,
  expected?: { h: number; w: number },
): { area: number; bbox: [number, number, number, number] } {
  const { h, w, n, counts } = readRleShape(rle);
  if (expected && (h !== expected.h || w !== expected.w)) {
    throw new RleError(`RLE size [${h}, ${w}] does not match the frame size [${expected.h}, ${expected.w}]`);
  }
  const m = parseCountsIntoScratch(counts, n);
  const runs = runBuffer(0);
  let area = 0;
  for (let r = 1; r < m; r += 2) area += runs[r];
  return { area, bbox: bboxFromRuns(runs, m, h, w) };
}
