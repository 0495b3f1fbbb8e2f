import { encodeRunsUnchecked, runBuffer } from './counts-string.ts';
import { findValueChanges } from './label-changes.ts';
import { checkedRasterSize, RleError } from './rle-validation.ts';
import type { Rle } from './rle-type.ts';

/** Encodes a row-major mask (index y*w+x, nonzero = foreground), byte-identical to pycocotools' encode. */
export function encodeMask(mask: Uint8Array, h: number, w: number): Rle {
  if (!(mask instanceof Uint8Array)) throw new RleError('mask must be a Uint8Array');
  const n = checkedRasterSize(mask.length, h, w, 'mask');
  // A change between two nonzero values (say 1 and 255) is not a foreground/background change.
  const changes = findValueChanges(mask, h, w);
  const runs = runBuffer(changes.length + 1);
  let m = 0;
  let last = 0;
  let fg = false;
  for (let c = 0; c < changes.length; c++) {
    const p = changes[c];
    const x = (p / h) | 0;
    if (mask[(p - x * h) * w + x] !== 0 !== fg) {
      fg = !fg;
      runs[m++] = p - last;
      last = p;
    }
  }
  // pycocotools always closes with the run in progress, so the counts end with a nonzero run.
  runs[m++] = n - last;
  return { size: [h, w], counts: encodeRunsUnchecked(runs, m) };
}
