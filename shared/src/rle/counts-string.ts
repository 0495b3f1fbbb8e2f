import { checkedPixelCount, RleError } from './rle-validation.ts';

/*
 * The COCO "compressed" counts string (pycocotools maskApi.c rleToString / rleFrString): runs
 * alternate background/foreground starting with background; from the 4th run on the value stored is
 * run[i] - run[i-2]; each value is written as little-endian 5-bit groups, 0x20 = more groups follow,
 * 0x10 of the last group = sign, +48 to make it printable.
 */

// Reused across calls: encoding hundreds of thousands of masks must not allocate per mask.
let runScratch = new Uint32Array(1024);
let charScratch = new Uint8Array(4096);

/** A run buffer of at least `capacity`, keeping the first `keep` entries. Valid until the next call. */
export function runBuffer(capacity: number, keep = 0): Uint32Array {
  if (runScratch.length < capacity) {
    const grown = new Uint32Array(Math.max(capacity, runScratch.length * 2));
    grown.set(runScratch.subarray(0, keep));
    runScratch = grown;
  }
  return runScratch;
}

/**
 * Parses and validates `counts` for an h*w mask into the shared run buffer and returns the number
 * of runs. The buffer is overwritten by the next codec call, so callers consume it at once.
 */
export function parseCountsIntoScratch(counts: string, n: number): number {
  const len = counts.length;
  // Every value takes at least one char, so a string of `len` chars holds at most `len` runs.
  const runs = runBuffer(len);
  let m = 0;
  let p = 0;
  let sum = 0;
  while (p < len) {
    let x = 0;
    let scale = 1;
    let c = 0;
    let groups = 0;
    do {
      if (p === len) throw new RleError(`RLE counts is truncated: the last value at char ${p} is unfinished`);
      const code = counts.charCodeAt(p);
      c = code - 48;
      if ((c & ~63) !== 0) {
        const shown = JSON.stringify(counts[p]);
        throw new RleError(`RLE counts has an invalid char ${shown} (code ${code}) at ${p}; allowed are codes 48-111`);
      }
      // 7 groups carry 35 bits, enough for any delta of runs below 2^32; more can only be garbage.
      if (++groups > 7) throw new RleError(`RLE counts has a value longer than 7 chars ending at char ${p}`);
      x += (c & 0x1f) * scale;
      scale *= 32;
      p++;
    } while ((c & 0x20) !== 0);
    if ((c & 0x10) !== 0) x -= scale;
    if (m > 2) x += runs[m - 2];
    if (x < 0) throw new RleError(`RLE counts decodes to a negative run (${x}) at run ${m}`);
    sum += x;
    if (sum > n) throw new RleError(`RLE counts covers more than the ${n} pixels of its size (at run ${m})`);
    runs[m++] = x;
  }
  if (sum !== n) throw new RleError(`RLE counts covers ${sum} pixels but its size has ${n}`);
  return m;
}

/**
 * Decodes and validates a counts string: chars in range, no unfinished value, no negative run,
 * runs summing to exactly h*w. Returns the run lengths (background first).
 */
export function countsToRuns(counts: string, h: number, w: number): Uint32Array {
  if (typeof counts !== 'string') throw new RleError(`RLE counts must be a string, got ${typeof counts}`);
  const n = checkedPixelCount(h, w);
  const m = parseCountsIntoScratch(counts, n);
  return runScratch.slice(0, m);
}

/** Encodes trusted runs (uint32, first run background) without validation; the fast path for the encoders. */
export function encodeRunsUnchecked(runs: ArrayLike<number>, m: number): string {
  // A delta of two uint32 runs needs at most 7 groups of 5 bits.
  if (charScratch.length < m * 7) charScratch = new Uint8Array(Math.max(m * 7, charScratch.length * 2));
  const out = charScratch;
  let p = 0;
  for (let i = 0; i < m; i++) {
    let x = i > 2 ? runs[i] - runs[i - 2] : runs[i];
    let more = true;
    while (more) {
      // `& 0x1f` keeps the low bits of negatives in two's complement, as C's `x & 0x1f` on a long.
      let c = x & 0x1f;
      x = (x - c) / 32;
      more = (c & 0x10) !== 0 ? x !== -1 : x !== 0;
      if (more) c |= 0x20;
      out[p++] = c + 48;
    }
  }
  return asciiToString(out, p);
}

/** Encodes run lengths (non-negative integers below 2^32, first run background) as a counts string. */
export function runsToCounts(runs: ArrayLike<number>): string {
  const m = runs.length;
  for (let i = 0; i < m; i++) {
    const r = runs[i];
    if (r >>> 0 !== r) throw new RleError(`run ${i} is ${r}; runs must be integers in [0, 2^32)`);
  }
  return encodeRunsUnchecked(runs, m);
}

// Counts chars are 48..111, where latin1 (windows-1252) is plain ASCII. Measured on Node 20 for a
// 2,000-char counts string: 0.65 µs here against 13 µs for String.fromCharCode.apply or concatenation.
const ascii = new TextDecoder('latin1');

function asciiToString(codes: Uint8Array, len: number): string {
  return ascii.decode(codes.subarray(0, len));
}
