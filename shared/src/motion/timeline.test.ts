import { describe, expect, it } from 'vitest';
import { encodeMask } from '../rle/encode-mask.ts';
import { ABSENT, MOVING, objectTimeline, STILL } from './timeline.ts';

const H = 40;
const W = 60;
/** A 6×6 square at (x, y), as COCO counts. */
function square(x: number, y: number): string {
  const m = new Uint8Array(H * W);
  // COCO RLE is column-major.
  for (let c = x; c < x + 6; c++) for (let r = y; r < y + 6; r++) m[c * H + r] = 1;
  return encodeMask(m, H, W).counts;
}

describe('objectTimeline', () => {
  it('marks frames where the object is absent, still and moving', () => {
    const counts: (string | null)[] = [null, square(5, 5), square(5, 5), square(5, 5), square(5, 5), square(8, 5), square(11, 5), square(14, 5), square(17, 5), null];
    const lane = Array.from(objectTimeline(counts, [H, W]));
    expect(lane[0]).toBe(ABSENT);
    expect(lane[9]).toBe(ABSENT);
    expect(lane.slice(1, 3)).toEqual([STILL, STILL]);
    expect(lane.slice(5, 9)).toEqual([MOVING, MOVING, MOVING, MOVING]);
  });
  it('an object that never moves is still everywhere it is seen, and an empty mask counts as absent', () => {
    const still = Array.from({ length: 8 }, () => square(20, 10));
    expect(Array.from(objectTimeline(still, [H, W]))).toEqual(Array(8).fill(STILL));
    const empty = encodeMask(new Uint8Array(H * W), H, W).counts;
    expect(Array.from(objectTimeline([empty, square(1, 1)], [H, W]))).toEqual([ABSENT, STILL]);
  });
});
