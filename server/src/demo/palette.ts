/**
 * The PASCAL VOC colour map that DAVIS, YouTube-VOS and MOSE masks carry in their PLTE chunk:
 * index 0 black, 1 (128,0,0), 2 (0,128,0), 3 (128,128,0), … 255 (224,224,192). The bits of the
 * index are spread over the high bits of R, G and B in turn.
 */
export function vocPalette(): [number, number, number][] {
  const palette: [number, number, number][] = [];
  for (let i = 0; i < 256; i++) {
    let r = 0;
    let g = 0;
    let b = 0;
    let c = i;
    for (let j = 0; j < 8; j++) {
      r |= ((c >> 0) & 1) << (7 - j);
      g |= ((c >> 1) & 1) << (7 - j);
      b |= ((c >> 2) & 1) << (7 - j);
      c >>= 3;
    }
    palette.push([r, g, b]);
  }
  return palette;
}
