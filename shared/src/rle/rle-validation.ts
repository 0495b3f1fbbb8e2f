/** Every invalid mask, size, counts string or untrusted RLE value is rejected with this. */
export class RleError extends Error {
  override name = 'RleError';
}

/**
 * Upper bound on h*w. pycocotools keeps runs as uint32 and would silently wrap above 2^32; we stop
 * at 2^31-1 so every run, position and running sum stays a positive int32 in the hot loops, and so
 * a hostile size like [1e9, 1e9] is refused before anything is allocated. 46,340² is far beyond any
 * video frame.
 */
export const MAX_RLE_PIXELS = 0x7fffffff;

/** Returns h*w after checking that [h, w] is a usable mask size. */
export function checkedPixelCount(h: number, w: number): number {
  if (!Number.isSafeInteger(h) || h <= 0 || !Number.isSafeInteger(w) || w <= 0) {
    throw new RleError(`RLE size must be two positive integers [h, w], got [${String(h)}, ${String(w)}]`);
  }
  const n = h * w;
  if (n > MAX_RLE_PIXELS) {
    throw new RleError(`RLE size [${h}, ${w}] has ${n} pixels, more than the limit of ${MAX_RLE_PIXELS}`);
  }
  return n;
}

/** Returns h*w after checking that a raster of `length` pixels fits the size [h, w]. */
export function checkedRasterSize(length: number, h: number, w: number, what: string): number {
  const n = checkedPixelCount(h, w);
  if (length !== n) throw new RleError(`${what} has ${length} pixels but the size [${h}, ${w}] needs ${n}`);
  return n;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  return typeof value;
}

/**
 * Reads {size: [h, w], counts} from a value that may come straight from JSON, so a malformed RLE
 * fails with an RleError that says what is wrong instead of a TypeError deep in the codec. The size
 * is checked before the counts are touched, so an absurd size is refused without any allocation.
 */
export function readRleShape(rle: unknown): { h: number; w: number; n: number; counts: string } {
  if (typeof rle !== 'object' || rle === null || Array.isArray(rle)) {
    throw new RleError(`RLE must be an object {size, counts}, got ${describe(rle)}`);
  }
  const { size, counts } = rle as { size?: unknown; counts?: unknown };
  if (!Array.isArray(size) || size.length !== 2) {
    throw new RleError(`RLE size must be an array [h, w], got ${describe(size)}`);
  }
  const [h, w] = size as unknown[];
  if (typeof h !== 'number' || typeof w !== 'number') {
    throw new RleError(`RLE size must hold two numbers, got [${describe(h)}, ${describe(w)}]`);
  }
  const n = checkedPixelCount(h, w);
  if (typeof counts !== 'string') {
    // pycocotools also accepts an uncompressed list of ints; MeViS only ever stores the string form.
    throw new RleError(`RLE counts must be a compressed counts string, got ${describe(counts)}`);
  }
  return { h, w, n, counts };
}
