import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  checkRle,
  countsToRuns,
  decodeRle,
  encodeLabels,
  encodeMask,
  MAX_RLE_PIXELS,
  paintRle,
  RleError,
  rleArea,
  rleBbox,
  runsToCounts,
  type Rle,
} from './index.ts';

/** Writes already-delta-coded signed values, so tests can build counts no encoder would emit. */
function rawCounts(values: number[]): string {
  let s = '';
  for (let x of values) {
    let more = true;
    while (more) {
      let c = ((x % 32) + 32) % 32;
      x = Math.floor(x / 32);
      more = c & 0x10 ? x !== -1 : x !== 0;
      if (more) c |= 0x20;
      s += String.fromCharCode(c + 48);
    }
  }
  return s;
}

/** Runs `fn`, expecting an RleError, and reports how much array memory it grew. */
function rejectionCost(fn: () => unknown): { arrayBytes: number } {
  const before = process.memoryUsage().arrayBuffers;
  expect(fn).toThrow(RleError);
  return { arrayBytes: process.memoryUsage().arrayBuffers - before };
}

describe('countsToRuns rejects corrupt counts', () => {
  it.each([
    ['wrong total (short)', 'S1', 5, 8, /covers 35 pixels but its size has 40/],
    ['wrong total (long)', '0S1', 5, 6, /covers more than the 30 pixels/],
    ['empty string', '', 5, 7, /covers 0 pixels/],
    ['char below "0"', 'S/', 5, 7, /invalid char "\/"/],
    ['char above "o"', 'p', 1, 1, /invalid char "p"/],
    ['non-ASCII char', 'S\u00e91', 5, 7, /invalid char/],
    ['space', 'S1 ', 5, 7, /invalid char " "/],
    ['unfinished value', 'S', 5, 7, /truncated/],
    ['value longer than 7 chars', 'oooooooo0', 5, 7, /longer than 7 chars/],
    ['negative run', rawCounts([1, 2, 1, -3]), 2, 3, /negative run \(-1\) at run 3/],
    ['negative first value', rawCounts([-1, 36]), 5, 7, /negative run/],
  ])('%s', (_name, counts, h, w, message) => {
    expect(() => countsToRuns(counts, h, w)).toThrow(RleError);
    expect(() => countsToRuns(counts, h, w)).toThrow(message);
  });

  it.each([
    [0, 7],
    [5, 0],
    [-5, 7],
    [5.5, 7],
    [Number.NaN, 7],
    [Number.POSITIVE_INFINITY, 1],
  ])('rejects size [%s, %s]', (h, w) => {
    expect(() => countsToRuns('S1', h, w)).toThrow(RleError);
  });

  it('never throws anything but RleError, whatever the string', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 20 }),
        fc.oneof(fc.array(fc.integer({ min: 48, max: 111 }), { maxLength: 40 }), fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 20 })),
        (h, w, codes) => {
          const counts = String.fromCharCode(...codes);
          let runs: Uint32Array;
          try {
            runs = countsToRuns(counts, h, w);
          } catch (e) {
            expect(e).toBeInstanceOf(RleError);
            return;
          }
          // Accepted counts describe a real h×w mask.
          expect(runs.reduce((a, b) => a + b, 0)).toBe(h * w);
          expect(decodeRle({ size: [h, w], counts })).toHaveLength(h * w);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('runsToCounts rejects runs pycocotools cannot hold', () => {
  it.each([[[-1]], [[1.5]], [[2 ** 32]], [[Number.NaN]], [[3, Number.POSITIVE_INFINITY]]])('%j', (runs) => {
    expect(() => runsToCounts(runs)).toThrow(RleError);
  });

  it('accepts a single run of MAX_RLE_PIXELS', () => {
    expect([...countsToRuns(runsToCounts([0, 2 ** 31 - 1]), 2 ** 31 - 1, 1)]).toEqual([0, 2 ** 31 - 1]);
  });
});

describe('checkRle validates untrusted JSON', () => {
  it.each([
    ['null', null, /got null/],
    ['a number', 42, /got number/],
    ['a string', 'S1', /got string/],
    ['an array', [5, 7], /got an array/],
    ['no size', { counts: 'S1' }, /size must be an array \[h, w\], got undefined/],
    ['size of length 1', { size: [5], counts: 'S1' }, /array of length 1/],
    ['size of length 3', { size: [5, 7, 1], counts: 'S1' }, /array of length 3/],
    ['size as strings', { size: ['5', '7'], counts: 'S1' }, /two numbers/],
    ['size zero', { size: [0, 7], counts: 'S1' }, /positive integers/],
    ['size negative', { size: [5, -7], counts: 'S1' }, /positive integers/],
    ['size fractional', { size: [5, 7.5], counts: 'S1' }, /positive integers/],
    ['no counts', { size: [5, 7] }, /compressed counts string, got undefined/],
    ['uncompressed counts', { size: [5, 7], counts: [35] }, /compressed counts string, got an array/],
    ['corrupt counts', { size: [5, 7], counts: 'S2' }, /covers/],
  ])('rejects %s', (_name, value, message) => {
    expect(() => checkRle(value)).toThrow(RleError);
    expect(() => checkRle(value)).toThrow(message);
  });

  it('rejects a size that differs from the frame', () => {
    expect(() => checkRle({ size: [5, 7], counts: 'S1' }, { h: 7, w: 5 })).toThrow(/\[5, 7\] does not match the frame size \[7, 5\]/);
    expect(checkRle({ size: [5, 7], counts: 'S1' }, { h: 5, w: 7 })).toEqual({ area: 0, bbox: [0, 0, 0, 0] });
  });

  it('never throws anything but RleError on arbitrary JSON', () => {
    const rleLike = fc.record({ size: fc.oneof(fc.tuple(fc.integer({ min: -2, max: 9 }), fc.integer({ min: -2, max: 9 })), fc.jsonValue()), counts: fc.oneof(fc.string(), fc.jsonValue()) }, { requiredKeys: [] });
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), rleLike), (value) => {
        try {
          checkRle(value);
        } catch (e) {
          expect(e).toBeInstanceOf(RleError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('huge sizes', () => {
  it.each([
    ['checkRle', () => checkRle({ size: [1e9, 1e9], counts: 'S1' })],
    ['decodeRle', () => decodeRle({ size: [1e9, 1e9], counts: 'S1' })],
    ['rleArea', () => rleArea({ size: [1e9, 1e9], counts: 'S1' })],
    ['countsToRuns', () => countsToRuns('S1', 1e9, 1e9)],
    ['just above the limit', () => checkRle({ size: [46341, 46341], counts: 'S1' })],
    ['encodeMask', () => encodeMask(new Uint8Array(1), 1e9, 1e9)],
  ])('%s: [1e9, 1e9]-like sizes are refused at once, without allocating', (_name, fn) => {
    // Allocation, not time, is the guard: a time limit would make the test depend on the machine.
    const cost = rejectionCost(fn);
    expect(cost.arrayBytes).toBeLessThan(1 << 20);
  });

  it('measures a valid RLE of the largest allowed size from its runs alone', () => {
    const side = Math.floor(Math.sqrt(MAX_RLE_PIXELS));
    const n = side * side;
    const before = process.memoryUsage().arrayBuffers;
    expect(checkRle({ size: [side, side], counts: runsToCounts([n]) })).toEqual({ area: 0, bbox: [0, 0, 0, 0] });
    const full: Rle = { size: [side, side], counts: runsToCounts([0, n]) };
    expect(rleArea(full)).toBe(n);
    expect(rleBbox(full)).toEqual([0, 0, side, side]);
    expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(1 << 20);
  });
});

describe('rasters of the wrong shape or type', () => {
  const rle: Rle = { size: [5, 7], counts: '0S1' };

  it('encodeMask checks the length, size and array type', () => {
    expect(() => encodeMask(new Uint8Array(34), 5, 7)).toThrow(/mask has 34 pixels but the size \[5, 7\] needs 35/);
    expect(() => encodeMask(new Uint8Array(0), 0, 7)).toThrow(RleError);
    expect(() => encodeMask(new Uint8Array(35), 2.5, 14)).toThrow(RleError);
    expect(() => encodeMask([0, 1] as unknown as Uint8Array, 1, 2)).toThrow(/must be a Uint8Array/);
  });

  it('encodeLabels checks the length and the array type', () => {
    expect(() => encodeLabels(new Uint16Array(36), 5, 7)).toThrow(/label image has 36 pixels/);
    expect(() => encodeLabels(new Uint32Array(35) as unknown as Uint16Array, 5, 7)).toThrow(/Uint8Array or Uint16Array/);
    expect(() => encodeLabels([0, 1] as unknown as Uint8Array, 1, 2)).toThrow(RleError);
  });

  it('paintRle checks the target and the value, and leaves the target alone on corrupt counts', () => {
    expect(() => paintRle(rle, new Uint8Array(36), 1)).toThrow(/paint target has 36 pixels/);
    expect(() => paintRle(rle, new Uint8Array(35), 256)).toThrow(/does not fit the target \(integers 0..255\)/);
    expect(() => paintRle(rle, new Uint16Array(35), -1)).toThrow(RleError);
    expect(() => paintRle(rle, new Uint32Array(35), 1.5)).toThrow(RleError);
    const target = new Uint8Array(35).fill(3);
    expect(() => paintRle({ size: [5, 7], counts: '0S11' }, target, 9)).toThrow(RleError);
    expect(target.every((v) => v === 3)).toBe(true);
  });

  it.each([
    ['not an object', null],
    ['no size', { counts: 'S1' }],
    ['size not an array', { size: '5x7', counts: 'S1' }],
    ['counts not a string', { size: [5, 7], counts: 35 }],
  ])('decodeRle, paintRle, rleArea and rleBbox reject a malformed RLE (%s) with RleError', (_name, value) => {
    const bad = value as unknown as Rle;
    expect(() => decodeRle(bad)).toThrow(RleError);
    expect(() => paintRle(bad, new Uint8Array(35), 1)).toThrow(RleError);
    expect(() => rleArea(bad)).toThrow(RleError);
    expect(() => rleBbox(bad)).toThrow(RleError);
  });

  it('decodeRle, rleArea and rleBbox reject a size the counts do not fill', () => {
    const wrong: Rle = { size: [5, 8], counts: '0S1' };
    expect(() => decodeRle(wrong)).toThrow(RleError);
    expect(() => rleArea(wrong)).toThrow(RleError);
    expect(() => rleBbox(wrong)).toThrow(RleError);
  });
});

describe('rleBbox follows pycocotools rleToBbox on hand-made runs', () => {
  it('counts a zero-length foreground run like pycocotools (the pixel before it)', () => {
    // runs [5, 0, 7] on 3×4: j=0 → t=5 (x1,y2); j=1 → t=4 (x1,y1); trailing background ignored.
    expect(rleBbox({ size: [3, 4], counts: runsToCounts([5, 0, 7]) })).toEqual([1, 1, 1, 2]);
    expect(rleArea({ size: [3, 4], counts: runsToCounts([5, 0, 7]) })).toBe(0);
  });

  it('spans the full height when a run crosses a column boundary', () => {
    // Pixels 2..3 of a 3×4 mask: the bottom of column 0 and the top of column 1.
    expect(rleBbox({ size: [3, 4], counts: runsToCounts([2, 2, 8]) })).toEqual([0, 0, 2, 3]);
  });
});
