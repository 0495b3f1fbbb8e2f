import { parseCountsIntoScratch, runBuffer } from './counts-string.ts';
import { readRleShape, RleError } from './rle-validation.ts';
import type { Rle } from './rle-type.ts';

// Runs walk columns but rasters are row-major: each foreground run is written down its column(s)
// with stride w, so the cost follows the foreground area, not h*w.
type Raster = Uint8Array | Uint16Array | Uint32Array;

function paintRuns(runs: Uint32Array, m: number, h: number, w: number, target: Raster, value: number): void {
  let pos = 0;
  for (let r = 0; r < m; r++) {
    const len = runs[r];
    if ((r & 1) === 1 && len > 0) {
      let x = (pos / h) | 0;
      let y = pos - x * h;
      let left = len;
      while (left > 0) {
        const seg = Math.min(left, h - y);
        for (let i = y * w + x, end = i + seg * w; i < end; i += w) target[i] = value;
        left -= seg;
        x++;
        y = 0;
      }
    }
    pos += len;
  }
}

/** Decodes to a row-major 0/1 mask of length h*w. */
export function decodeRle(rle: Rle): Uint8Array {
  const { h, w, n, counts } = readRleShape(rle);
  const m = parseCountsIntoScratch(counts, n);
  const out = new Uint8Array(n);
  paintRuns(runBuffer(0), m, h, w, out, 1);
  return out;
}

/**
 * Writes `value` into a row-major h*w raster wherever the mask is set, leaving other pixels alone,
 * so label rasters and hit maps are built without a temporary mask per object. The counts are
 * fully validated before the first write, so a corrupt RLE never leaves a half-painted target.
 */
export function paintRle(rle: Rle, target: Raster, value: number): void {
  const { h, w, n, counts } = readRleShape(rle);
  if (target.length !== n) {
    throw new RleError(`paint target has ${target.length} pixels but the size [${h}, ${w}] needs ${n}`);
  }
  const max = 2 ** (target.BYTES_PER_ELEMENT * 8) - 1;
  // A typed array would silently wrap 256 to 0 in a Uint8Array and erase the object instead.
  if (!Number.isInteger(value) || value < 0 || value > max) {
    throw new RleError(`paint value ${value} does not fit the target (integers 0..${max})`);
  }
  const m = parseCountsIntoScratch(counts, n);
  paintRuns(runBuffer(0), m, h, w, target, value);
}
