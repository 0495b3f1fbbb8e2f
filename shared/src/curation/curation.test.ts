import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeRle, encodeMask, RleError } from '../rle/index.ts';
import {
  accumulateMaskedPixels,
  categoriesCompatible,
  colourBin,
  emptyHistogram,
  HIST_BINS,
  histogramDistance,
  lookalikePairs,
  normalizeHistogram,
  sampleEvenly,
  sampleFramesPerObject,
  suggestion,
} from './index.ts';

const byte = fc.integer({ min: 0, max: 255 });
/** A random distribution over the histogram bins (never all zero). */
const distribution = fc.array(fc.nat({ max: 1000 }), { minLength: HIST_BINS, maxLength: HIST_BINS }).map((xs) => {
  xs[0] += 1;
  return normalizeHistogram(xs, 0)!;
});
const oneHot = (bin: number) => {
  const h = new Float64Array(HIST_BINS);
  h[bin] = 1;
  return h;
};

describe('colourBin', () => {
  it('is a bin index for every colour', () => {
    fc.assert(
      fc.property(byte, byte, byte, (r, g, b) => {
        const bin = colourBin(r, g, b);
        return Number.isInteger(bin) && bin >= 0 && bin < HIST_BINS;
      }),
    );
  });

  it('keeps black, grey and white apart (a hue histogram would not)', () => {
    const bins = [colourBin(5, 5, 5), colourBin(128, 128, 128), colourBin(250, 250, 250)];
    expect(new Set(bins).size).toBe(3);
    // Grey pixels with a little JPEG noise stay in their grey bin.
    expect(colourBin(250, 246, 252)).toBe(bins[2]);
  });

  it('separates the primaries and keeps one hue under shading together', () => {
    expect(new Set([colourBin(220, 20, 20), colourBin(20, 220, 20), colourBin(20, 20, 220), colourBin(220, 220, 20)]).size).toBe(4);
    // A red surface lit brighter or darker within a brightness band: same bin.
    expect(colourBin(200, 30, 30)).toBe(colourBin(230, 40, 35));
    expect(colourBin(150, 25, 25)).toBe(colourBin(170, 30, 28));
  });
});

describe('histogramDistance (Hellinger)', () => {
  it('is in [0, 1], symmetric and 0 for identical histograms', () => {
    fc.assert(
      fc.property(distribution, distribution, (p, q) => {
        const d = histogramDistance(p, q);
        expect(d).toBeGreaterThanOrEqual(0);
        expect(d).toBeLessThanOrEqual(1);
        expect(histogramDistance(q, p)).toBe(d);
        expect(histogramDistance(p, p)).toBeCloseTo(0, 6);
      }),
    );
  });

  it('obeys the triangle inequality (a metric: look-alikes of a look-alike stay close)', () => {
    fc.assert(fc.property(distribution, distribution, distribution, (p, q, r) => histogramDistance(p, r) <= histogramDistance(p, q) + histogramDistance(q, r) + 1e-9));
  });

  it('is 1 for disjoint histograms and refuses different lengths', () => {
    expect(histogramDistance(oneHot(0), oneHot(7))).toBe(1);
    expect(() => histogramDistance([1], [0.5, 0.5])).toThrow(RangeError);
  });
});

describe('accumulateMaskedPixels', () => {
  const image = (h: number, w: number, channels: number, seed: number) => {
    const data = new Uint8Array(h * w * channels);
    let s = seed >>> 0 || 1;
    for (let i = 0; i < data.length; i++) {
      s = (s * 1664525 + 1013904223) >>> 0;
      data[i] = s >>> 24;
    }
    return { data, width: w, height: h, channels };
  };

  it('counts exactly the masked pixels, as a per-pixel reference does', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 12 }),
        fc.constantFrom(1, 3, 4),
        fc.integer(),
        fc.array(fc.boolean(), { minLength: 144, maxLength: 144 }),
        (h, w, channels, seed, bits) => {
          const img = image(h, w, channels, seed);
          const mask = Uint8Array.from({ length: h * w }, (_, i) => (bits[i] ? 1 : 0));
          const rle = encodeMask(mask, h, w);
          expect(decodeRle(rle)).toEqual(mask);
          const got = emptyHistogram();
          const added = accumulateMaskedPixels(got, img, rle);
          const want = emptyHistogram();
          let n = 0;
          for (let p = 0; p < h * w; p++) {
            if (!mask[p]) continue;
            const i = p * channels;
            const v = img.data[i];
            want[channels >= 3 ? colourBin(v, img.data[i + 1], img.data[i + 2]) : colourBin(v, v, v)]++;
            n++;
          }
          expect(added).toBe(n);
          expect(got).toEqual(want);
        },
      ),
    );
  });

  it('refuses a mask of another size than the frame', () => {
    const img = image(4, 5, 3, 1);
    expect(() => accumulateMaskedPixels(emptyHistogram(), img, encodeMask(new Uint8Array(20), 5, 4))).toThrow(RleError);
  });
});

describe('normalizeHistogram', () => {
  it('sums to 1, or is null under the minimum pixel count', () => {
    const h = normalizeHistogram([3, 1, 0, 4], 8)!;
    expect([...h]).toEqual([3 / 8, 1 / 8, 0, 4 / 8]);
    expect(normalizeHistogram([3, 1, 0, 3], 8)).toBeNull();
    expect(normalizeHistogram([0, 0], 0)).toBeNull();
  });
});

describe('sampleEvenly', () => {
  it('keeps order, spreads over the whole list and takes everything when short', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 1, max: 12 }), (n, max) => {
        const items = Array.from({ length: n }, (_, i) => i * 2);
        const s = sampleEvenly(items, max);
        expect(s).toHaveLength(Math.min(n, max));
        for (let i = 1; i < s.length; i++) expect(s[i]).toBeGreaterThan(s[i - 1]);
        if (n <= max) expect(s).toEqual(items);
        // Every gap between picks (and to either end) is at most one even share of the list.
        else expect(Math.max(s[0] / 2, (items[n - 1] - s[s.length - 1]) / 2)).toBeLessThanOrEqual(n / max);
      }),
    );
    expect(sampleEvenly([1, 2, 3], 0)).toEqual([]);
  });
});

describe('sampleFramesPerObject', () => {
  const range = (a: number, b: number) => Array.from({ length: b - a }, (_, i) => a + i);

  it('objects visible on most frames share one grid of frames; a brief one gets its own sample', () => {
    const picks = sampleFramesPerObject(
      new Map([
        ['all', range(0, 99)],
        ['most', range(10, 95)],
        ['brief', range(40, 46)],
      ]),
      8,
    );
    expect(picks.get('all')).toHaveLength(8);
    expect(picks.get('most')!.every((f) => picks.get('all')!.includes(f))).toBe(true);
    expect(picks.get('most')!.length).toBeGreaterThanOrEqual(4);
    expect(picks.get('brief')).toEqual(range(40, 46));
    const decoded = new Set([...picks.values()].flat());
    expect(decoded.size).toBeLessThanOrEqual(8 + 6);
  });

  it('picks only frames where the object is visible, at most max, and at least min(visible, max / 2)', () => {
    fc.assert(
      fc.property(fc.array(fc.uniqueArray(fc.nat({ max: 120 }), { minLength: 1, maxLength: 60 }), { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 10 }), (tracks, max) => {
        const visible = new Map(tracks.map((t, i) => [i, [...t].sort((a, b) => a - b)]));
        for (const [k, picked] of sampleFramesPerObject(visible, max)) {
          const on = new Set(visible.get(k));
          expect(picked.every((f) => on.has(f))).toBe(true);
          expect(picked.length).toBeLessThanOrEqual(max);
          expect(picked.length).toBeGreaterThanOrEqual(Math.min(on.size, Math.ceil(max / 2)));
        }
      }),
    );
  });
});

describe('lookalikePairs', () => {
  const red = oneHot(10);
  const nearRed = Float64Array.from(red, (v, i) => (i === 10 ? 0.9 : i === 11 ? 0.1 : v));
  const blue = oneHot(50);

  it('pairs similar colours, most similar first, with a < b', () => {
    const pairs = lookalikePairs(
      [
        { localId: 3, category: null, hist: red },
        { localId: 1, category: null, hist: nearRed },
        { localId: 2, category: null, hist: blue },
        { localId: 4, category: null, hist: red },
      ],
      0.3,
    );
    expect(pairs.map(({ a, b }) => [a, b])).toEqual([
      [3, 4],
      [1, 3],
      [1, 4],
    ]);
    expect(pairs[0].distance).toBe(0);
    expect(pairs[1].distance).toBeCloseTo(histogramDistance(red, nearRed), 12);
  });

  it('needs the same category when both are known; unknown categories pair on colour alone', () => {
    const objs = (c1: string | null, c2: string | null) => [
      { localId: 1, category: c1, hist: red },
      { localId: 2, category: c2, hist: red },
    ];
    expect(lookalikePairs(objs('car', 'person'), 0.3)).toEqual([]);
    expect(lookalikePairs(objs('car', ' Car '), 0.3)).toHaveLength(1);
    expect(lookalikePairs(objs('car', null), 0.3)).toHaveLength(1);
    expect(lookalikePairs(objs(null, null), 0.3)).toHaveLength(1);
    expect(categoriesCompatible('', 'dog')).toBe(true);
  });

  it('treats the threshold as inclusive and skips objects without a histogram', () => {
    const d = histogramDistance(red, nearRed);
    const objs = [
      { localId: 1, category: null, hist: red },
      { localId: 2, category: null, hist: nearRed },
      { localId: 3, category: null, hist: null },
    ];
    expect(lookalikePairs(objs, d)).toHaveLength(1);
    expect(lookalikePairs(objs, d - 1e-9)).toHaveLength(0);
    expect(lookalikePairs(objs, 1)).toHaveLength(1);
  });

  it('returns every compatible pair at threshold 1 and only identical ones at 0', () => {
    fc.assert(
      fc.property(fc.array(distribution, { minLength: 0, maxLength: 6 }), (hists) => {
        const objs = hists.map((hist, i) => ({ localId: i + 1, category: null, hist }));
        const all = lookalikePairs(objs, 1);
        expect(all).toHaveLength((hists.length * (hists.length - 1)) / 2);
        for (let i = 1; i < all.length; i++) expect(all[i].distance).toBeGreaterThanOrEqual(all[i - 1].distance);
        expect(lookalikePairs(objs, 0).every((p) => p.distance === 0)).toBe(true);
      }),
    );
  });
});

describe('suggestion', () => {
  const rules = { curationMinObjects: 3, curationMinMoving: 2 };

  it('suggests a video with enough objects and movers, naming a missing look-alike pair without blocking', () => {
    expect(suggestion({ objectCount: 3, movingCount: 2, lookalikePairs: 1, sparseObjects: 0 }, rules)).toEqual({ suggested: true, reasons: [] });
    expect(suggestion({ objectCount: 5, movingCount: 4, lookalikePairs: 0, sparseObjects: 0 }, rules)).toEqual({ suggested: true, reasons: ['no look-alike pair'] });
  });

  it('says which rules failed', () => {
    expect(suggestion({ objectCount: 2, movingCount: 1, lookalikePairs: 0, sparseObjects: 0 }, rules)).toEqual({
      suggested: false,
      reasons: ['2 objects, fewer than 3', '1 moving object, fewer than 2', 'no look-alike pair'],
    });
    expect(suggestion({ objectCount: 1, movingCount: 0, lookalikePairs: 0, sparseObjects: 0 }, rules).reasons.slice(0, 2)).toEqual(['1 object, fewer than 3', '0 moving objects, fewer than 2']);
  });

  it('never suggests a video with objects masked on key frames only, and says how many', () => {
    expect(suggestion({ objectCount: 4, movingCount: 4, lookalikePairs: 1, sparseObjects: 2 }, rules)).toEqual({
      suggested: false,
      reasons: ['2 of 4 objects masked on only part of their track (key frames)'],
    });
    expect(suggestion({ objectCount: 1, movingCount: 1, lookalikePairs: 0, sparseObjects: 1 }, rules)).toEqual({
      suggested: false,
      reasons: ['1 object, fewer than 3', '1 moving object, fewer than 2', '1 of 1 object masked on only part of its track (key frames)', 'no look-alike pair'],
    });
  });

  it('blocks on a missing look-alike pair only when required', () => {
    expect(suggestion({ objectCount: 4, movingCount: 4, lookalikePairs: 0, sparseObjects: 0 }, { ...rules, requireLookalike: true }).suggested).toBe(false);
    expect(suggestion({ objectCount: 4, movingCount: 4, lookalikePairs: 2, sparseObjects: 0 }, { ...rules, requireLookalike: true }).suggested).toBe(true);
  });
});
