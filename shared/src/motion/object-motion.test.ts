import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeRle, encodeMask, RleError, type Rle } from '../rle/index.ts';
import { DEFAULT_MOTION_THRESHOLDS, objectMotion, videoMotionSummary, type ObjectMotion } from './index.ts';
import { discMask, discTrack, flappingBird, jitteringDisc, type Disc } from './synthetic-tracks.ts';

// 480p-like frame: the pixel floor is 0.025 × 480 = 12 px.
const H = 480;
const W = 640;
const frames = (n: number, at: (f: number) => Disc) => Array.from({ length: n }, (_, f) => at(f));
const still = (d: Disc, n = 40) => discTrack(H, W, frames(n, () => d));

describe('objectMotion on tracks with known motion', () => {
  it('a still object with the same mask on every frame', () => {
    const m = objectMotion(still({ cx: 320, cy: 240, r: 25 }));
    const area = decodeRle(still({ cx: 320, cy: 240, r: 25 }, 1)[0]).reduce((s, v) => s + v, 0);
    expect(m).toEqual({
      visibleFrames: 40,
      frameCount: 40,
      size: Math.sqrt(area),
      travel: 0,
      displacement: 0,
      reach: 0,
      meanIou: 1,
      shapeIou: 1,
      areaChange: 0,
      leavesFrame: false,
      moving: false,
    } satisfies ObjectMotion);
  });

  it('a disc translating 2 px per frame', () => {
    const m = objectMotion(discTrack(H, W, frames(40, (f) => ({ cx: 200 + 2 * f, cy: 240, r: 20 }))));
    const expected = 78 / m.size;
    expect(m.travel).toBeCloseTo(expected, 6);
    expect(m.displacement).toBeCloseTo(expected, 6);
    expect(m.reach).toBeCloseTo(expected, 6);
    // Analytic IoU of two r=20 discs 2 px apart: 0.880.
    expect(m.meanIou).toBeGreaterThan(0.87);
    expect(m.meanIou).toBeLessThan(0.89);
    expect(m.shapeIou).toBe(0);
    expect(m.moving).toBe(true);
  });

  it('a slow translation that the overlap cue sees before the centroid cue does', () => {
    // 19.5 px in 40 frames: reach 0.55 of its size, but the last frames barely overlap the first.
    const track = discTrack(H, W, frames(40, (f) => ({ cx: 200 + 0.5 * f, cy: 240, r: 20 })));
    const m = objectMotion(track);
    expect(m.reach).toBeLessThan(DEFAULT_MOTION_THRESHOLDS.minReach);
    expect(m.shapeIou).toBeLessThan(DEFAULT_MOTION_THRESHOLDS.maxShapeIou);
    expect(m.moving).toBe(true);
    expect(objectMotion(track, { maxShapeIou: 0 }).moving).toBe(false);
    expect(objectMotion(track, { maxShapeIou: 0, minReach: 0.5 }).moving).toBe(true);
  });

  it.each([10, 20, 40, 80])('a still disc of radius %i with ±1 px segmentation jitter is not moving', (r) => {
    for (const seed of [1, 2, 3]) {
      const m = objectMotion(jitteringDisc(H, W, { cx: 320, cy: 240, r }, 50, 1, seed));
      expect(m.moving).toBe(false);
      expect(m.reach).toBeLessThan(0.2);
      expect(m.shapeIou).toBeGreaterThan(0.7);
      // Why travel is not the verdict: the path length adds the jitter up frame after frame.
      expect(m.travel).toBeGreaterThan(10 * m.reach);
    }
  });

  it('a tiny object (20 px) with ±3 px jitter is held back by the pixel floor alone', () => {
    for (const seed of [1, 2, 3]) {
      const track = jitteringDisc(H, W, { cx: 320, cy: 240, r: 10 }, 50, 3, seed);
      const m = objectMotion(track);
      expect(m.moving).toBe(false);
      // Relative to its size the jitter is large: without the floor it would count as motion.
      expect(m.shapeIou).toBeLessThan(DEFAULT_MOTION_THRESHOLDS.maxShapeIou);
      expect(objectMotion(track, { minShiftFrame: 0 }).moving).toBe(true);
    }
  });

  it('a tiny object that really moves (1 px per frame, 40 px in all) is moving', () => {
    const m = objectMotion(discTrack(H, W, frames(40, (f) => ({ cx: 300 + f, cy: 240, r: 10 }))));
    expect(m.reach * m.size).toBeCloseTo(39, 6);
    expect(m.moving).toBe(true);
  });

  it('a disc that grows and shrinks in place (radius 20 ↔ 34) is moving; a ±20 % breathing is not', () => {
    const pulse = (amp: number) => discTrack(H, W, frames(40, (f) => ({ cx: 320, cy: 240, r: 20 + (amp * (1 - Math.cos((2 * Math.PI * f) / 20))) / 2 })));
    const big = objectMotion(pulse(14));
    expect(big.reach).toBeLessThan(0.02);
    expect(big.areaChange).toBeGreaterThan(0.9);
    expect(big.moving).toBe(true);
    const mild = objectMotion(pulse(8));
    expect(mild.shapeIou).toBeGreaterThan(DEFAULT_MOTION_THRESHOLDS.maxShapeIou);
    expect(mild.moving).toBe(false);
  });

  it('a bird flapping in place is moving although its centre stays put', () => {
    for (const period of [4, 8, 16]) {
      const m = objectMotion(flappingBird(H, W, 320, 240, 20, 40, period));
      expect(m.reach).toBeLessThan(0.5);
      expect(m.shapeIou).toBeLessThan(0.45);
      expect(m.moving).toBe(true);
    }
  });

  it('an object that leaves the frame', () => {
    const out: (Rle | null)[] = discTrack(H, W, frames(40, (f) => ({ cx: 560 + 8 * f, cy: 240, r: 20 })));
    // Its left edge passes x = 640 after frame 12; later masks are empty, half of them given as null.
    for (let f = 13; f < out.length; f += 2) out[f] = null;
    const m = objectMotion(out);
    expect(m.visibleFrames).toBe(13);
    expect(m.leavesFrame).toBe(true);
    expect(m.moving).toBe(true);
  });

  it('a still object at the border that disappears or appears counts as leaving or entering', () => {
    const atEdge = still({ cx: 630, cy: 240, r: 20 });
    const leaving = objectMotion([...atEdge.slice(0, 20), ...new Array<null>(20).fill(null)]);
    expect(leaving.reach).toBe(0);
    expect(leaving.leavesFrame).toBe(true);
    expect(leaving.moving).toBe(true);
    const entering = objectMotion([...new Array<null>(10).fill(null), ...atEdge.slice(0, 30)]);
    expect(entering.leavesFrame).toBe(true);
    expect(entering.moving).toBe(true);
  });

  it('a still object hidden for a while away from the border is not moving', () => {
    const d = still({ cx: 320, cy: 240, r: 20 });
    const m = objectMotion([...d.slice(0, 10), ...new Array<null>(10).fill(null), ...d.slice(20)]);
    expect(m).toMatchObject({ visibleFrames: 30, frameCount: 40, leavesFrame: false, moving: false, travel: 0 });
  });

  it('an object that is still at the border on every frame is not leaving', () => {
    const m = objectMotion(still({ cx: 5, cy: 240, r: 20 }));
    expect(m.leavesFrame).toBe(false);
    expect(m.moving).toBe(false);
  });

  it('counts the jump across frames where the object was absent', () => {
    const a = still({ cx: 150, cy: 240, r: 20 }, 10);
    const b = still({ cx: 450, cy: 240, r: 20 }, 10);
    const m = objectMotion([...a, ...new Array<null>(10).fill(null), ...b]);
    expect(m.travel * m.size).toBeCloseTo(300, 6);
    expect(m.displacement * m.size).toBeCloseTo(300, 6);
    expect(m.meanIou).toBeCloseTo(18 / 19, 9);
    expect(m.moving).toBe(true);
  });

  it('ignores a spurious blob that lasts one frame', () => {
    const base = { cx: 200, cy: 240, r: 30 };
    const track = still(base);
    const glitch = discMask(H, W, base);
    const blob = discMask(H, W, { cx: 500, cy: 240, r: 15 });
    for (let i = 0; i < glitch.length; i++) glitch[i] |= blob[i];
    track[20] = encodeMask(glitch, H, W);
    const m = objectMotion(track);
    // The blob pulls the centroid 1.1 sizes away for one frame: counted in travel, not in reach.
    expect(m.travel).toBeGreaterThan(2);
    expect(m.reach).toBe(0);
    expect(m.shapeIou).toBe(1);
    expect(m.moving).toBe(false);
  });

  it('an object never visible, or a track without frames', () => {
    const empty = encodeMask(new Uint8Array(H * W), H, W);
    const none = { visibleFrames: 0, size: 0, travel: 0, displacement: 0, reach: 0, meanIou: 1, shapeIou: 1, areaChange: 0, leavesFrame: false, moving: false };
    expect(objectMotion([null, empty, null])).toEqual({ ...none, frameCount: 3 });
    expect(objectMotion([])).toEqual({ ...none, frameCount: 0 });
  });

  it('one visible frame gives no motion', () => {
    const m = objectMotion([null, still({ cx: 320, cy: 240, r: 20 }, 1)[0], null]);
    expect(m).toMatchObject({ visibleFrames: 1, travel: 0, reach: 0, meanIou: 1, shapeIou: 1, moving: false });
  });

  it('rejects masks of different sizes and bad thresholds', () => {
    const a = encodeMask(new Uint8Array(12).fill(1), 3, 4);
    const b = encodeMask(new Uint8Array(12).fill(1), 4, 3);
    expect(() => objectMotion([a, b])).toThrow(RleError);
    // Also when the odd one out is empty: its size still has to match.
    expect(() => objectMotion([a, encodeMask(new Uint8Array(12), 4, 3)])).toThrow(/frame 1 has size \[4, 3\]/);
    expect(() => objectMotion([a], { minReach: Number.NaN })).toThrow(RangeError);
    expect(() => objectMotion([a], { maxShapeIou: -1 })).toThrow(RangeError);
  });
});

describe('videoMotionSummary', () => {
  it('counts the moving objects and applies the thresholds to each', () => {
    const tracks = [
      still({ cx: 320, cy: 240, r: 25 }),
      discTrack(H, W, frames(40, (f) => ({ cx: 100 + 3 * f, cy: 100, r: 20 }))),
      [...still({ cx: 630, cy: 400, r: 20 }, 20), ...new Array<null>(20).fill(null)],
    ];
    const summary = videoMotionSummary(tracks);
    expect(summary.objects.map((o) => o.moving)).toEqual([false, true, true]);
    expect(summary.movingObjects).toBe(2);
    // A floor of the whole frame height leaves only the object that leaves the frame.
    expect(videoMotionSummary(tracks, { minShiftFrame: 1 }).movingObjects).toBe(1);
    expect(videoMotionSummary([]).movingObjects).toBe(0);
    expect(() => videoMotionSummary(tracks, { minShiftFrame: Infinity })).toThrow(RangeError);
  });
});

// ---- The same statistics from decoded masks, pixel by pixel, to check the run arithmetic ----

function quantile(values: number[], p: number): number {
  const s = [...values].sort((a, b) => a - b);
  const at = p * (s.length - 1);
  const lo = Math.floor(at);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (at - lo);
}

function reference(track: (Uint8Array | null)[], h: number, w: number) {
  const vis: { f: number; m: Uint8Array; area: number; x: number; y: number; border: boolean }[] = [];
  track.forEach((m, f) => {
    if (!m) return;
    let area = 0;
    let sx = 0;
    let sy = 0;
    let border = false;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        if (!m[y * w + x]) continue;
        area++;
        sx += x + 0.5;
        sy += y + 0.5;
        if (x === 0 || y === 0 || x === w - 1 || y === h - 1) border = true;
      }
    }
    if (area > 0) vis.push({ f, m, area, x: sx / area, y: sy / area, border });
  });
  const iou = (a: Uint8Array, b: Uint8Array) => {
    let i = 0;
    let u = 0;
    for (let k = 0; k < a.length; k++) {
      if (a[k] && b[k]) i++;
      if (a[k] || b[k]) u++;
    }
    return i / u;
  };
  const n = vis.length;
  const size = Math.sqrt(quantile(vis.map((v) => v.area), 0.5));
  let travel = 0;
  let iouSum = 0;
  for (let k = 1; k < n; k++) {
    travel += Math.hypot(vis[k].x - vis[k - 1].x, vis[k].y - vis[k - 1].y);
    iouSum += iou(vis[k].m, vis[k - 1].m);
  }
  const med = (a: number, b: number, c: number) => [a, b, c].sort((p, q) => p - q)[1];
  const fx = vis.map((v, k) => (k === 0 || k === n - 1 ? v.x : med(vis[k - 1].x, v.x, vis[k + 1].x)));
  const fy = vis.map((v, k) => (k === 0 || k === n - 1 ? v.y : med(vis[k - 1].y, v.y, vis[k + 1].y)));
  let reach = 0;
  for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) reach = Math.max(reach, Math.hypot(fx[a] - fx[b], fy[a] - fy[b]));
  let leaves = false;
  vis.forEach((v, k) => {
    const gapBefore = k === 0 ? v.f > 0 : vis[k - 1].f < v.f - 1;
    const gapAfter = k === n - 1 ? v.f < track.length - 1 : vis[k + 1].f > v.f + 1;
    if (v.border && (gapBefore || gapAfter)) leaves = true;
  });
  const areas = vis.map((v) => v.area);
  return {
    visibleFrames: n,
    size,
    travel: travel / size,
    displacement: Math.hypot(vis[n - 1].x - vis[0].x, vis[n - 1].y - vis[0].y) / size,
    reach: reach / size,
    meanIou: n < 2 ? 1 : iouSum / (n - 1),
    shapeIou: n < 2 ? 1 : quantile(vis.slice(1).map((v) => iou(v.m, vis[0].m)), 0.1),
    areaChange: (quantile(areas, 0.9) - quantile(areas, 0.1)) / quantile(areas, 0.5),
    leavesFrame: leaves,
  };
}

const trackArb = fc
  .record({ h: fc.integer({ min: 3, max: 24 }), w: fc.integer({ min: 3, max: 24 }), n: fc.integer({ min: 1, max: 10 }) })
  .chain(({ h, w, n }) => {
    const box = fc.record({ x: fc.nat(w - 1), y: fc.nat(h - 1), rw: fc.integer({ min: 1, max: w }), rh: fc.integer({ min: 1, max: h }) });
    const noise = fc.uint8Array({ minLength: h * w, maxLength: h * w }).map((b) => b.map((v) => (v < 60 ? 1 : 0)));
    const boxes = fc.array(box, { minLength: 1, maxLength: 3 }).map((bs) => {
      const m = new Uint8Array(h * w);
      for (const b of bs) for (let y = b.y; y < Math.min(h, b.y + b.rh); y++) for (let x = b.x; x < Math.min(w, b.x + b.rw); x++) m[y * w + x] = 1;
      return m;
    });
    const frame = fc.oneof(boxes, noise, fc.constant(null), fc.constant(new Uint8Array(h * w)));
    return fc.array(frame, { minLength: n, maxLength: n }).map((masks) => ({ h, w, masks }));
  });

describe('objectMotion against a pixel-by-pixel reference', () => {
  it('agrees on random tracks with gaps, empty masks and border contact', () => {
    fc.assert(
      fc.property(trackArb, ({ h, w, masks }) => {
        const got = objectMotion(masks.map((m) => (m ? encodeMask(m, h, w) : null)));
        if (!masks.some((m) => m?.some((v) => v))) {
          expect(got.visibleFrames).toBe(0);
          return;
        }
        const want = reference(masks, h, w);
        expect(got.visibleFrames).toBe(want.visibleFrames);
        expect(got.leavesFrame).toBe(want.leavesFrame);
        for (const key of ['size', 'travel', 'displacement', 'reach', 'meanIou', 'shapeIou', 'areaChange'] as const) {
          expect(got[key], key).toBeCloseTo(want[key], 9);
        }
      }),
      { numRuns: 300 },
    );
  });
});
