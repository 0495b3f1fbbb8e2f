import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../prng.ts';
import { boundaryCounts, boundaryF, createBoundaryWorkspace } from './boundary-f.ts';
import { boundaryToDense, createBoundaryMap, seg2bmap } from './boundary-map.ts';
import { countWithinDisk } from './boundary-match.ts';
import { diskHalfWidths, dilateDisk } from './disk.ts';
import { jaccard, jaccardCounts, jaccardCountsInSpans } from './jaccard.ts';
import { rowSpans } from './row-spans.ts';
import type { BinaryMask } from './mask.ts';

/** Blobs (rectangles and discs, some touching the frame edge) plus speckle, from one seed. */
function randomMask(width: number, height: number, seed: number, value = 1): BinaryMask {
  const rnd = mulberry32(seed);
  const data = new Uint8Array(width * height);
  const blobs = Math.floor(rnd() * 4);
  for (let b = 0; b < blobs; b++) {
    const cx = rnd() * width;
    const cy = rnd() * height;
    const rx = 1 + rnd() * width * 0.6;
    const ry = 1 + rnd() * height * 0.6;
    const disc = rnd() < 0.5;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const u = (x - cx) / rx;
        const v = (y - cy) / ry;
        if (disc ? u * u + v * v <= 1 : Math.abs(u) <= 1 && Math.abs(v) <= 1) data[y * width + x] = value;
      }
    }
  }
  const speckle = rnd() * 0.05;
  for (let i = 0; i < data.length; i++) if (rnd() < speckle) data[i] = data[i] ? 0 : value;
  return { data, width, height };
}

const pair = fc.record({
  width: fc.integer({ min: 1, max: 40 }),
  height: fc.integer({ min: 1, max: 40 }),
  seedA: fc.integer(),
  seedB: fc.integer(),
  radius: fc.integer({ min: 1, max: 7 }),
});

/** seg2bmap transcribed literally from the numpy: e, s, se shifted copies, then the overrides. */
function referenceBmap(m: BinaryMask): Uint8Array {
  const { width: w, height: h } = m;
  const seg = (x: number, y: number) => (x < w && y < h && m.data[y * w + x] !== 0 ? 1 : 0);
  const b = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const s0 = seg(x, y);
      const e = seg(x + 1, y);
      const s = seg(x, y + 1);
      const se = seg(x + 1, y + 1);
      b[y * w + x] = (s0 ^ e) | (s0 ^ s) | (s0 ^ se);
    }
  }
  for (let x = 0; x < w; x++) b[(h - 1) * w + x] = seg(x, h - 1) ^ seg(x + 1, h - 1);
  for (let y = 0; y < h; y++) b[y * w + w - 1] = seg(w - 1, y) ^ seg(w - 1, y + 1);
  b[(h - 1) * w + w - 1] = 0;
  return b;
}

/** cv2.dilate(src, disk(r)) by brute force over the kernel, outside = background. */
function referenceDilate(src: Uint8Array, w: number, h: number, r: number): Uint8Array {
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      search: for (let dy = -r; dy <= r; dy++) {
        for (let dx = -r; dx <= r; dx++) {
          if (dx * dx + dy * dy > r * r) continue;
          const yy = y + dy;
          const xx = x + dx;
          if (yy >= 0 && yy < h && xx >= 0 && xx < w && src[yy * w + xx]) {
            out[y * w + x] = 1;
            break search;
          }
        }
      }
    }
  }
  return out;
}

describe('evaluator properties (fast-check, random blob masks up to 40×40)', () => {
  it('J and F are symmetric and lie in [0, 1]', () => {
    fc.assert(
      fc.property(pair, ({ width, height, seedA, seedB, radius }) => {
        const a = randomMask(width, height, seedA);
        const b = randomMask(width, height, seedB, 255);
        const j = jaccard(a, b);
        const f = boundaryF(a, b, undefined, radius);
        expect(j).toBe(jaccard(b, a));
        expect(f).toBe(boundaryF(b, a, undefined, radius));
        expect(j >= 0 && j <= 1).toBe(true);
        expect(f >= 0 && f <= 1).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('a perfect prediction scores J = F = 1, whatever its foreground value', () => {
    fc.assert(
      fc.property(pair, ({ width, height, seedA, radius }) => {
        const gt = randomMask(width, height, seedA);
        const pred = { ...gt, data: gt.data.map((v) => v * 255) };
        expect(jaccard(gt, pred)).toBe(1);
        expect(boundaryF(gt, pred)).toBe(1);
        expect(boundaryF(gt, pred, undefined, radius)).toBe(1);
      }),
      { numRuns: 200 },
    );
  });

  it('seg2bmap equals a literal transcription of the official numpy', () => {
    fc.assert(
      fc.property(pair, ({ width, height, seedA }) => {
        const m = randomMask(width, height, seedA);
        expect(boundaryToDense(seg2bmap(m, createBoundaryMap()))).toEqual(referenceBmap(m));
      }),
      { numRuns: 300 },
    );
  });

  it('dense disk dilation equals brute-force cv2.dilate with the disk kernel', () => {
    fc.assert(
      fc.property(pair, ({ width, height, seedA, radius }) => {
        const src = referenceBmap(randomMask(width, height, seedA));
        expect(dilateDisk(src, width, height, radius)).toEqual(referenceDilate(src, width, height, radius));
      }),
      { numRuns: 200 },
    );
  });

  it('the sparse matcher counts exactly sum(a · dilate(b))', () => {
    const ws = createBoundaryWorkspace();
    fc.assert(
      fc.property(pair, ({ width, height, seedA, seedB, radius }) => {
        const gt = randomMask(width, height, seedA);
        const pred = randomMask(width, height, seedB);
        const gb = referenceBmap(gt);
        const pb = referenceBmap(pred);
        const gd = referenceDilate(gb, width, height, radius);
        const pd = referenceDilate(pb, width, height, radius);
        let predMatched = 0;
        let gtMatched = 0;
        for (let i = 0; i < gb.length; i++) {
          predMatched += pb[i] & gd[i];
          gtMatched += gb[i] & pd[i];
        }
        const c = boundaryCounts(gt, pred, ws, radius);
        expect([c.predMatched, c.gtMatched]).toEqual([c.predBoundary && c.gtBoundary ? predMatched : 0, c.predBoundary && c.gtBoundary ? gtMatched : 0]);
        // and the standalone matcher agrees too
        const a = seg2bmap(pred, createBoundaryMap());
        const b = seg2bmap(gt, createBoundaryMap());
        expect(countWithinDisk(a, b, diskHalfWidths(radius), new Uint8Array(width))).toBe(predMatched);
      }),
      { numRuns: 300 },
    );
  });

  it('row spans (word-at-a-time scan) equal a byte scan, aligned or not; J over spans equals J over all pixels', () => {
    fc.assert(
      fc.property(pair, fc.integer({ min: 0, max: 3 }), ({ width, height, seedA, seedB }, shift) => {
        const m = randomMask(width, height, seedA);
        // the same bytes at a 0–3 byte offset into a bigger buffer: the unaligned path
        const backing = new Uint8Array(m.data.length + 4);
        backing.set(m.data, shift);
        const data = backing.subarray(shift, shift + m.data.length);
        const first = new Int32Array(height);
        const last = new Int32Array(height);
        rowSpans(data, width, height, first, last);
        for (let y = 0; y < height; y++) {
          const row = Array.from(m.data.subarray(y * width, (y + 1) * width));
          expect([first[y], last[y]]).toEqual([row.findIndex((v) => v !== 0), row.findLastIndex((v) => v !== 0)]);
        }
        const shifted = { ...m, data };
        expect(boundaryToDense(seg2bmap(shifted, createBoundaryMap()))).toEqual(referenceBmap(m));
        const other = randomMask(width, height, seedB, 255);
        const ws = createBoundaryWorkspace();
        boundaryCounts(shifted, other, ws);
        expect(jaccardCountsInSpans(shifted, other, ws.gt.first, ws.gt.last, ws.pred.first, ws.pred.last)).toEqual(jaccardCounts(m, other));
      }),
      { numRuns: 300 },
    );
  });
});
