/**
 * A COCO compressed RLE exactly as pycocotools reads and writes it (and as MeViS `mask_dict.json`
 * stores it). The runs walk the mask column by column (Fortran order) although every raster in
 * this codebase is row-major; the codec does that conversion, callers never transpose.
 */
export interface Rle {
  /** [height, width], pycocotools' order. */
  size: [number, number];
  counts: string;
}
