/**
 * The project's one COCO RLE codec (pycocotools-compatible, pure: runs in the browser and in Node).
 * Import from here or from './index.ts'; the other files in this folder are its parts.
 */
export { checkRle } from './check-rle.ts';
export { countsToRuns, runsToCounts } from './counts-string.ts';
export { decodeRle, paintRle } from './decode-rle.ts';
export { encodeLabels } from './encode-labels.ts';
export { encodeMask } from './encode-mask.ts';
export { MAX_RLE_PIXELS, RleError } from './rle-validation.ts';
export { rleArea, rleBbox } from './rle-measure.ts';
export type { Rle } from './rle-type.ts';
