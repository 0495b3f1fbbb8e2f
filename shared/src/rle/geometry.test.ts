import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rleCentroid, rleIntersectionArea, rleIou } from './geometry.ts';
import { decodeRle, encodeMask, RleError, type Rle } from './index.ts';

// ---- Brute force on decoded row-major masks ----

function bruteCentroid(mask: Uint8Array, h: number, w: number): { area: number; cx: number; cy: number } {
  let area = 0;
  let sx = 0;
  let sy = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (mask[y * w + x] === 0) continue;
      area++;
      sx += x + 0.5;
      sy += y + 0.5;
    }
  }
  return area === 0 ? { area, cx: NaN, cy: NaN } : { area, cx: sx / area, cy: sy / area };
}

function bruteOverlap(a: Uint8Array, b: Uint8Array): { inter: number; union: number } {
  let inter = 0;
  let union = 0;
  for (let i = 0; i < a.length; i++) {
    const p = a[i] !== 0;
    const q = b[i] !== 0;
    if (p && q) inter++;
    if (p || q) union++;
  }
  return { inter, union };
}

// ---- Generators: random masks of odd sizes, from empty to full ----

interface Sized {
  h: number;
  w: number;
  mask: Uint8Array;
}

const rect = (h: number, w: number) =>
  fc.record({ x: fc.nat(w - 1), y: fc.nat(h - 1), rw: fc.integer({ min: 1, max: w }), rh: fc.integer({ min: 1, max: h }) });

/** Noise of any density, a few rectangles (long runs that span columns), or empty / full. */
function maskOf(h: number, w: number): fc.Arbitrary<Uint8Array> {
  const n = h * w;
  const noise = fc
    .tuple(fc.uint8Array({ minLength: n, maxLength: n }), fc.integer({ min: 0, max: 256 }))
    .map(([bytes, threshold]) => bytes.map((b) => (b < threshold ? 1 : 0)));
  const rects = fc.array(rect(h, w), { maxLength: 4 }).map((rs) => {
    const m = new Uint8Array(n);
    for (const r of rs) {
      for (let y = r.y; y < Math.min(h, r.y + r.rh); y++) for (let x = r.x; x < Math.min(w, r.x + r.rw); x++) m[y * w + x] = 1;
    }
    return m;
  });
  const uniform = fc.constantFrom(0, 1).map((v) => new Uint8Array(n).fill(v));
  return fc.oneof(noise, rects, uniform);
}

const size = (maxH: number, maxW: number) => fc.record({ h: fc.integer({ min: 1, max: maxH }), w: fc.integer({ min: 1, max: maxW }) });
const oneMask = (maxH: number, maxW: number): fc.Arbitrary<Sized> => size(maxH, maxW).chain(({ h, w }) => maskOf(h, w).map((mask) => ({ h, w, mask })));
const maskPair = (maxH: number, maxW: number) =>
  size(maxH, maxW).chain(({ h, w }) => fc.tuple(maskOf(h, w), maskOf(h, w)).map(([a, b]) => ({ h, w, a, b })));

const close = (actual: number, expected: number) => {
  if (Number.isNaN(expected)) expect(actual).toBeNaN();
  else expect(actual).toBeCloseTo(expected, 9);
};

describe('rleCentroid', () => {
  it('matches the brute-force mean of pixel centres on random masks', () => {
    fc.assert(
      fc.property(fc.oneof(oneMask(40, 40), oneMask(1, 90), oneMask(90, 1), oneMask(7, 3)), ({ h, w, mask }) => {
        const got = rleCentroid(encodeMask(mask, h, w));
        const want = bruteCentroid(mask, h, w);
        expect(got.area).toBe(want.area);
        close(got.cx, want.cx);
        close(got.cy, want.cy);
      }),
      { numRuns: 500 },
    );
  });

  it('uses pixel centres: one pixel at (0, 0) is at (0.5, 0.5)', () => {
    const m = new Uint8Array(15);
    m[0] = 1;
    expect(rleCentroid(encodeMask(m, 3, 5))).toEqual({ area: 1, cx: 0.5, cy: 0.5 });
  });

  it('puts a filled rectangle at the centre of its box', () => {
    // Rows 2..5, columns 3..9 of a 9×13 frame: box [3, 2, 7, 4], centre (6.5, 4).
    const h = 9;
    const w = 13;
    const m = new Uint8Array(h * w);
    for (let y = 2; y <= 5; y++) for (let x = 3; x <= 9; x++) m[y * w + x] = 1;
    expect(rleCentroid(encodeMask(m, h, w))).toEqual({ area: 28, cx: 6.5, cy: 4 });
  });

  it('gives the frame centre for a full frame, and NaN for an empty one', () => {
    expect(rleCentroid(encodeMask(new Uint8Array(35).fill(1), 5, 7))).toEqual({ area: 35, cx: 3.5, cy: 2.5 });
    expect(rleCentroid(encodeMask(new Uint8Array(35), 5, 7))).toEqual({ area: 0, cx: NaN, cy: NaN });
  });

  it('rejects malformed RLE with RleError', () => {
    expect(() => rleCentroid({ size: [2, 2], counts: '5' })).toThrow(RleError);
    expect(() => rleCentroid({ size: [0, 2], counts: '' } as Rle)).toThrow(RleError);
  });
});

describe('rleIntersectionArea / rleIou', () => {
  it('match brute force on random pairs of masks', () => {
    fc.assert(
      fc.property(fc.oneof(maskPair(40, 40), maskPair(1, 90), maskPair(90, 1), maskPair(4, 3)), ({ h, w, a, b }) => {
        const ra = encodeMask(a, h, w);
        const rb = encodeMask(b, h, w);
        const { inter, union } = bruteOverlap(a, b);
        expect(rleIntersectionArea(ra, rb)).toBe(inter);
        expect(rleIntersectionArea(rb, ra)).toBe(inter);
        expect(rleIou(ra, rb)).toBe(union === 0 ? 1 : inter / union);
      }),
      { numRuns: 500 },
    );
  });

  it('match brute force on DAVIS-sized frames with large blobs', () => {
    const pair = fc
      .record({ h: fc.integer({ min: 200, max: 480 }), w: fc.integer({ min: 200, max: 854 }) })
      .chain(({ h, w }) => fc.tuple(fc.array(rect(h, w), { maxLength: 5 }), fc.array(rect(h, w), { maxLength: 5 })).map(([ra, rb]) => ({ h, w, ra, rb })));
    fc.assert(
      fc.property(pair, ({ h, w, ra, rb }) => {
        const paint = (rs: typeof ra) => {
          const m = new Uint8Array(h * w);
          for (const r of rs) for (let y = r.y; y < Math.min(h, r.y + r.rh); y++) m.fill(1, y * w + r.x, y * w + Math.min(w, r.x + r.rw));
          return m;
        };
        const a = paint(ra);
        const b = paint(rb);
        const { inter, union } = bruteOverlap(a, b);
        expect(rleIntersectionArea(encodeMask(a, h, w), encodeMask(b, h, w))).toBe(inter);
        expect(rleIou(encodeMask(a, h, w), encodeMask(b, h, w))).toBe(union === 0 ? 1 : inter / union);
      }),
      { numRuns: 30 },
    );
  });

  it('hand cases: identical, disjoint, nested, empty', () => {
    const h = 4;
    const w = 5;
    const mk = (pixels: [number, number][]) => {
      const m = new Uint8Array(h * w);
      for (const [x, y] of pixels) m[y * w + x] = 1;
      return encodeMask(m, h, w);
    };
    const a = mk([[0, 0], [1, 0], [0, 1], [1, 1]]);
    const b = mk([[3, 2], [4, 3]]);
    const c = mk([[1, 1]]);
    const empty = mk([]);
    expect(rleIou(a, a)).toBe(1);
    expect(rleIntersectionArea(a, b)).toBe(0);
    expect(rleIou(a, b)).toBe(0);
    expect(rleIntersectionArea(a, c)).toBe(1);
    expect(rleIou(a, c)).toBe(0.25);
    expect(rleIou(a, empty)).toBe(0);
    expect(rleIntersectionArea(empty, empty)).toBe(0);
    // Both empty: the evaluator's J counts an empty prediction of an empty target as perfect.
    expect(rleIou(empty, empty)).toBe(1);
  });

  it('counts the overlap of runs that span several columns', () => {
    // Full columns 1..3 against full rows 1..2 of a 4×5 frame: 3 columns × 2 rows overlap.
    const h = 4;
    const w = 5;
    const cols = new Uint8Array(h * w);
    const rows = new Uint8Array(h * w);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      if (x >= 1 && x <= 3) cols[y * w + x] = 1;
      if (y >= 1 && y <= 2) rows[y * w + x] = 1;
    }
    expect(rleIntersectionArea(encodeMask(cols, h, w), encodeMask(rows, h, w))).toBe(6);
    expect(rleIou(encodeMask(cols, h, w), encodeMask(rows, h, w))).toBe(6 / 16);
  });

  it('requires masks of the same size', () => {
    const a = encodeMask(new Uint8Array(12).fill(1), 3, 4);
    const b = encodeMask(new Uint8Array(12).fill(1), 4, 3);
    expect(() => rleIntersectionArea(a, b)).toThrow(RleError);
    expect(() => rleIou(a, b)).toThrow(/sizes differ/);
  });

  it('keeps both masks apart although the codec reuses its scratch buffer', () => {
    // A long first mask then a short second one: a shared buffer would compare the mask with itself.
    const h = 30;
    const w = 30;
    const many = new Uint8Array(h * w).map((_, i) => (i % 3 === 0 ? 1 : 0));
    const one = new Uint8Array(h * w);
    one[0] = 1;
    const a = encodeMask(many, h, w);
    const b = encodeMask(one, h, w);
    expect(rleIntersectionArea(a, b)).toBe(1);
    expect(rleIou(a, b)).toBe(1 / 300);
    expect(decodeRle(a).reduce((s, v) => s + v, 0)).toBe(300);
  });
});
