import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkRle, countsToRuns, decodeRle, encodeLabels, encodeMask, paintRle, rleArea, rleBbox, runsToCounts } from './index.ts';

// ---- Plain reference implementations (pycocotools maskApi.c, transcribed literally) ----

/** rleEncode: column-major runs, background first. */
function refRuns(mask: ArrayLike<number>, h: number, w: number): number[] {
  const runs: number[] = [];
  let prev = 0;
  let c = 0;
  for (let x = 0; x < w; x++) {
    for (let y = 0; y < h; y++) {
      const v = mask[y * w + x] !== 0 ? 1 : 0;
      if (v !== prev) {
        runs.push(c);
        c = 0;
        prev = v;
      }
      c++;
    }
  }
  runs.push(c);
  return runs;
}

/** rleToString. */
function refCounts(runs: number[]): string {
  let s = '';
  runs.forEach((run, i) => {
    let x = i > 2 ? run - runs[i - 2] : run;
    let more = true;
    while (more) {
      let c = ((x % 32) + 32) % 32;
      x = Math.floor(x / 32);
      more = c & 0x10 ? x !== -1 : x !== 0;
      if (more) c |= 0x20;
      s += String.fromCharCode(c + 48);
    }
  });
  return s;
}

function refBbox(mask: ArrayLike<number>, h: number, w: number): [number, number, number, number] {
  let x0 = w;
  let y0 = h;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (mask[y * w + x] === 0) continue;
      x0 = Math.min(x0, x);
      y0 = Math.min(y0, y);
      x1 = Math.max(x1, x);
      y1 = Math.max(y1, y);
    }
  }
  return x1 < 0 ? [0, 0, 0, 0] : [x0, y0, x1 - x0 + 1, y1 - y0 + 1];
}

function popcount(mask: ArrayLike<number>): number {
  let n = 0;
  for (let i = 0; i < mask.length; i++) if (mask[i] !== 0) n++;
  return n;
}

const binary = (mask: ArrayLike<number>): Uint8Array => Uint8Array.from(mask, (v) => (v !== 0 ? 1 : 0));

/** -1 when equal; toEqual on large typed arrays is very slow. */
function firstDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

// ---- Generators ----

interface Sized<T> {
  h: number;
  w: number;
  data: T;
}

const rect = (h: number, w: number) =>
  fc.record({ x: fc.nat(w - 1), y: fc.nat(h - 1), rw: fc.integer({ min: 1, max: w }), rh: fc.integer({ min: 1, max: h }), id: fc.nat() });

function paintRects<T extends Uint8Array | Uint16Array>(out: T, h: number, w: number, rects: { x: number; y: number; rw: number; rh: number; id: number }[], ids: readonly number[]): T {
  for (const r of rects) {
    for (let y = r.y; y < Math.min(h, r.y + r.rh); y++) for (let x = r.x; x < Math.min(w, r.x + r.rw); x++) out[y * w + x] = ids[r.id % ids.length];
  }
  return out;
}

/** Masks with noise of any density (any nonzero byte value), rectangles, or all-zero / all-set. */
function maskArb(maxH: number, maxW: number): fc.Arbitrary<Sized<Uint8Array>> {
  return fc.record({ h: fc.integer({ min: 1, max: maxH }), w: fc.integer({ min: 1, max: maxW }) }).chain(({ h, w }) => {
    const n = h * w;
    const noise = fc
      .tuple(fc.uint8Array({ minLength: n, maxLength: n }), fc.integer({ min: 0, max: 256 }), fc.integer({ min: 1, max: 255 }))
      .map(([bytes, threshold, fg]) => bytes.map((b) => (b < threshold ? (fg === 255 ? b | 1 : fg) : 0)));
    const rects = fc.array(rect(h, w), { maxLength: 5 }).map((rs) => paintRects(new Uint8Array(n), h, w, rs, [1]));
    const uniform = fc.constantFrom(0, 1, 128).map((v) => new Uint8Array(n).fill(v));
    return fc.oneof(noise, rects, uniform).map((data) => ({ h, w, data }));
  });
}

/** Larger frames: rectangles plus sparse noise from a seed (element-wise generation would be slow). */
function largeMaskArb(): fc.Arbitrary<Sized<Uint8Array>> {
  return fc.record({ h: fc.integer({ min: 65, max: 600 }), w: fc.integer({ min: 65, max: 900 }) }).chain(({ h, w }) =>
    fc.tuple(fc.array(rect(h, w), { maxLength: 6 }), fc.integer(), fc.double({ min: 0, max: 0.05, noNaN: true })).map(([rs, seed, density]) => {
      const data = paintRects(new Uint8Array(h * w), h, w, rs, [1]);
      let s = seed >>> 0;
      for (let i = 0; i < data.length; i++) {
        s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
        if (s / 2 ** 32 < density) data[i] ^= 1;
      }
      return { h, w, data };
    }),
  );
}

const idSets = [[1, 2, 3], [1, 2, 255], [7, 128, 200], [1, 1000, 0x8000, 65535], [5]] as const;

/** Label images of a few ids (Uint8 or Uint16), as overlapping rectangles plus noise. */
function labelArb(maxH: number, maxW: number): fc.Arbitrary<Sized<Uint8Array | Uint16Array> & { ignore: number[] }> {
  return fc
    .record({ h: fc.integer({ min: 1, max: maxH }), w: fc.integer({ min: 1, max: maxW }), ids: fc.constantFrom(...idSets) })
    .chain(({ h, w, ids }) => {
      const wide = ids.some((id) => id > 255);
      return fc
        .tuple(
          fc.array(rect(h, w), { maxLength: 6 }),
          fc.array(fc.record({ i: fc.nat(h * w - 1), id: fc.nat() }), { maxLength: 30 }),
          fc.subarray([...ids, 0, 42]),
        )
        .map(([rs, dots, ignore]) => {
          const data = paintRects(wide ? new Uint16Array(h * w) : new Uint8Array(h * w), h, w, rs, ids);
          for (const d of dots) data[d.i] = ids[d.id % ids.length];
          return { h, w, data, ignore };
        });
    });
}

// ---- Properties ----

function checkRoundTrip({ h, w, data: mask }: Sized<Uint8Array>): void {
  const rle = encodeMask(mask, h, w);
  const runs = refRuns(mask, h, w);
  expect(rle.size).toEqual([h, w]);
  expect(rle.counts).toBe(refCounts(runs));
  expect([...countsToRuns(rle.counts, h, w)]).toEqual(runs);
  expect(runsToCounts(countsToRuns(rle.counts, h, w))).toBe(rle.counts);
  expect(firstDifference(decodeRle(rle), binary(mask))).toBe(-1);
  const area = popcount(mask);
  const bbox = refBbox(mask, h, w);
  expect(rleArea(rle)).toBe(area);
  expect(rleBbox(rle)).toEqual(bbox);
  expect(checkRle(JSON.parse(JSON.stringify(rle)), { h, w })).toEqual({ area, bbox });
}

describe('encodeMask / decodeRle round trip', () => {
  it('matches the reference on random masks up to 64×64', () => {
    fc.assert(fc.property(maskArb(64, 64), checkRoundTrip), { numRuns: 400 });
  });

  it('matches the reference on larger frames', () => {
    fc.assert(fc.property(largeMaskArb(), checkRoundTrip), { numRuns: 25 });
  });

  it('matches the reference on thin and odd shapes', () => {
    fc.assert(fc.property(fc.oneof(maskArb(1, 200), maskArb(200, 1), maskArb(3, 5)), checkRoundTrip), { numRuns: 300 });
  });

  it.each([
    ['empty 5×7', 5, 7, () => new Uint8Array(35), 'S1'],
    ['full 5×7', 5, 7, () => new Uint8Array(35).fill(1), '0S1'],
    ['last pixel of 5×7', 5, 7, () => new Uint8Array(35).fill(1, 34), 'R11'],
    ['1×1 set', 1, 1, () => Uint8Array.of(1), '01'],
    ['1×1 clear', 1, 1, () => Uint8Array.of(0), '1'],
    ['first pixel of 3×4', 3, 4, () => Uint8Array.of(1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0), '01;'],
    ['MEVIS_FORMAT §4 diagonal 3×4', 3, 4, () => Uint8Array.of(1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0), '0130000'],
  ])('%s encodes as pycocotools does', (_name, h, w, make, counts) => {
    const mask = make();
    expect(encodeMask(mask, h, w).counts).toBe(counts);
    checkRoundTrip({ h, w, data: mask });
  });

  it('treats any nonzero byte as foreground', () => {
    const mask = Uint8Array.of(0, 255, 128, 1, 0, 7);
    expect(encodeMask(mask, 2, 3)).toEqual(encodeMask(binary(mask), 2, 3));
  });

  it('returns independent results although the codec reuses scratch buffers', () => {
    const a = countsToRuns('S1', 5, 7);
    const b = countsToRuns('0S1', 5, 7);
    expect([...a]).toEqual([35]);
    expect([...b]).toEqual([0, 35]);
  });
});

describe('encodeLabels', () => {
  function checkAgainstEncodeMask({ h, w, data, ignore }: Sized<Uint8Array | Uint16Array> & { ignore: number[] }): void {
    const byId = encodeLabels(data, h, w, { ignore });
    const present = [...new Set(data)].filter((id) => id !== 0 && !ignore.includes(id)).sort((a, b) => a - b);
    expect([...byId.keys()]).toEqual(present);
    for (const id of present) expect(byId.get(id)).toEqual(encodeMask(Uint8Array.from(data, (v) => (v === id ? 1 : 0)), h, w));
  }

  it('agrees with encodeMask for every id, with and without ignored ids', () => {
    fc.assert(fc.property(labelArb(48, 48), checkAgainstEncodeMask), { numRuns: 400 });
  });

  it('gives the same result for a label image at any byte offset (unaligned views are copied)', () => {
    fc.assert(
      fc.property(labelArb(24, 24), fc.nat(7), ({ h, w, data, ignore }, offset) => {
        const shifted = data instanceof Uint8Array ? new Uint8Array(data.length + offset).subarray(offset) : new Uint16Array(data.length + offset).subarray(offset);
        shifted.set(data);
        expect(encodeLabels(shifted, h, w, { ignore })).toEqual(encodeLabels(data, h, w, { ignore }));
      }),
      { numRuns: 200 },
    );
  });

  it('accepts a Node Buffer at a misaligned offset (its slice() is a view, not a copy)', () => {
    const mask = Uint8Array.from({ length: 6 * 9 }, (_, i) => (i % 5 === 0 || i > 40 ? 1 : 0));
    for (let offset = 0; offset < 8; offset++) {
      const buf = Buffer.alloc(mask.length + offset).subarray(offset);
      buf.set(mask);
      expect(encodeMask(buf, 6, 9)).toEqual(encodeMask(mask, 6, 9));
      expect(encodeLabels(buf, 6, 9)).toEqual(encodeLabels(mask, 6, 9));
    }
  });

  // Background is skipped 8 bytes at a time as float64, where the bit pattern of -0 (only the top
  // byte set) compares equal to 0. These ids put exactly that pattern in one word.
  it.each([
    ['Uint8 id 128 as the 8th byte of a word', new Uint8Array(16), 7, 128],
    ['Uint16 id 0x8000 as the 4th element of a word', new Uint16Array(16), 3, 0x8000],
  ])('finds an object whose only pixel looks like -0: %s', (_name, labels, index, id) => {
    labels[index] = id;
    const byId = encodeLabels(labels, 2, 8);
    expect([...byId.keys()]).toEqual([id]);
    expect(rleArea(byId.get(id)!)).toBe(1);
    expect(rleBbox(byId.get(id)!)).toEqual([index % 8, Math.floor(index / 8), 1, 1]);
  });

  it('treats ignored ids (255 = void) as background and omits absent ids', () => {
    const labels = Uint8Array.of(0, 255, 1, 255, 1, 0);
    const byId = encodeLabels(labels, 2, 3, { ignore: [255] });
    expect([...byId.keys()]).toEqual([1]);
    expect(byId.get(1)).toEqual(encodeMask(Uint8Array.of(0, 0, 1, 0, 1, 0), 2, 3));
    expect(encodeLabels(new Uint8Array(6), 2, 3).size).toBe(0);
    expect(encodeLabels(new Uint8Array(6).fill(255), 2, 3, { ignore: [255] }).size).toBe(0);
  });

  it('encodes an id that covers the whole frame', () => {
    expect(encodeLabels(new Uint16Array(35).fill(9), 5, 7)).toEqual(new Map([[9, { size: [5, 7], counts: '0S1' }]]));
  });
});

describe('paintRle', () => {
  const targets = [
    ['Uint8Array', (n: number) => new Uint8Array(n), 255],
    ['Uint16Array', (n: number) => new Uint16Array(n), 65535],
    ['Uint32Array', (n: number) => new Uint32Array(n), 0xffffffff],
  ] as const;

  it.each(targets)('writes the value exactly where decodeRle has ones (%s), leaving other pixels alone', (_name, make, max) => {
    fc.assert(
      fc.property(maskArb(40, 40), fc.integer({ min: 0, max }), fc.integer({ min: 0, max }), ({ h, w, data }, before, value) => {
        const rle = encodeMask(data, h, w);
        const target = make(h * w).fill(before);
        paintRle(rle, target, value);
        const decoded = decodeRle(rle);
        const expected = make(h * w).map((_, i) => (decoded[i] === 1 ? value : before));
        expect(firstDifference(target, expected)).toBe(-1);
      }),
      { numRuns: 150 },
    );
  });

  it('builds a label raster from encodeLabels output', () => {
    fc.assert(
      fc.property(labelArb(32, 32), ({ h, w, data }) => {
        const raster = new Uint16Array(h * w);
        for (const [id, rle] of encodeLabels(data, h, w)) paintRle(rle, raster, id);
        expect(firstDifference(raster, data)).toBe(-1);
      }),
      { numRuns: 200 },
    );
  });
});
