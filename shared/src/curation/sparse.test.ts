import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isSparseTrack } from './index.ts';

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
const every = (step: number, n: number, from = 0) => range(0, Math.ceil((n - from) / step)).map((k) => from + k * step);

describe('isSparseTrack', () => {
  it('full tracks, and tracks with the gaps real objects have, are not sparse', () => {
    expect(isSparseTrack(range(0, 87), 87)).toBe(false);
    // Occluded for a third of the video.
    expect(isSparseTrack([...range(0, 31), ...range(61, 87)], 87)).toBe(false);
    // Leaves the view after 11 frames and comes back for the last 6: gaps are most of its span, but
    // it is seen in two long runs.
    expect(isSparseTrack([...range(0, 11), ...range(81, 87)], 87)).toBe(false);
    // Enters late, leaves early.
    expect(isSparseTrack(range(40, 87), 87)).toBe(false);
    expect(isSparseTrack(range(0, 12), 87)).toBe(false);
    // Seen on two neighbouring frames only, and in a 2-frame video on both.
    expect(isSparseTrack([40, 41], 87)).toBe(false);
    expect(isSparseTrack([0, 1], 2)).toBe(false);
  });

  it('key frames are sparse: every 10th, 5 of 87, every 5th, pairs of key frames', () => {
    expect(isSparseTrack(every(10, 87), 87)).toBe(true);
    expect(isSparseTrack([0, 20, 43, 65, 86], 87)).toBe(true);
    expect(isSparseTrack(every(5, 87), 87)).toBe(true);
    expect(isSparseTrack(every(10, 87).flatMap((f) => [f, f + 1]), 87)).toBe(true);
    // Two key frames only.
    expect(isSparseTrack([0, 40], 87)).toBe(true);
  });

  it('the first frame only (or any single frame) is sparse in a video of two frames or more', () => {
    expect(isSparseTrack([0], 87)).toBe(true);
    expect(isSparseTrack([0], 2)).toBe(true);
    expect(isSparseTrack([30], 87)).toBe(true);
    expect(isSparseTrack([0], 1)).toBe(false);
  });

  it('no mask at all is not sparse, and a flickering mask (every other frame) is not key frames', () => {
    expect(isSparseTrack([], 87)).toBe(false);
    expect(isSparseTrack(every(2, 87), 87)).toBe(false);
  });

  it('takes the frames in any order, repeats included', () => {
    expect(isSparseTrack([80, 0, 40, 40, 20, 60], 87)).toBe(true);
    expect(isSparseTrack([...range(0, 87)].reverse(), 87)).toBe(false);
  });

  it('tracks made of runs of 3 frames or more are never sparse; key frames 3 or more apart always are', () => {
    fc.assert(
      fc.property(fc.array(fc.record({ gap: fc.integer({ min: 1, max: 40 }), run: fc.integer({ min: 3, max: 40 }) }), { minLength: 1, maxLength: 8 }), (parts) => {
        const frames: number[] = [];
        let f = 0;
        for (const p of parts) {
          f += p.gap;
          for (let k = 0; k < p.run; k++) frames.push(f++);
        }
        expect(isSparseTrack(frames, f + 5)).toBe(false);
      }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 3, max: 30 }), fc.integer({ min: 2, max: 20 }), fc.nat({ max: 10 }), (step, keys, from) => {
        const frames = range(0, keys).map((k) => from + k * step);
        expect(isSparseTrack(frames, frames.at(-1)! + 1 + from)).toBe(true);
      }),
    );
  });
});
