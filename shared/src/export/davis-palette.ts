/**
 * The 256-colour palette DAVIS and YouTube-VOS masks are written with (PASCAL VOC's: the bits of
 * the index spread over the high bits of R, G and B), so converted masks look like the masks every
 * VOS tool shows. Index 0 is black background, 255 is the void colour by the same rule.
 */
export function davisPalette(): [number, number, number][] {
  return Array.from({ length: 256 }, (_, index) => {
    let r = 0;
    let g = 0;
    let b = 0;
    let c = index;
    for (let shift = 7; shift >= 0; shift--) {
      r |= (c & 1) << shift;
      g |= ((c >> 1) & 1) << shift;
      b |= ((c >> 2) & 1) << shift;
      c >>= 3;
    }
    return [r, g, b];
  });
}
