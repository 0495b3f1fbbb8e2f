import { decodeRle } from './decode-rle.ts';
import { encodeMask } from './encode-mask.ts';
import { RleError } from './rle-validation.ts';
import type { Rle } from './rle-type.ts';

/**
 * The pixels of either mask, as one RLE (merging two ids that are one object). Decoded and encoded
 * with the codec itself, so the result is byte-identical to pycocotools' encode of the OR.
 */
export function rleUnion(a: Rle, b: Rle): Rle {
  const [h, w] = a.size;
  if (b.size[0] !== h || b.size[1] !== w) throw new RleError(`cannot unite masks of sizes [${a.size.join(', ')}] and [${b.size.join(', ')}]`);
  const out = decodeRle(a);
  const other = decodeRle(b);
  for (let i = 0; i < out.length; i++) out[i]! |= other[i]!;
  return encodeMask(out, h, w);
}
