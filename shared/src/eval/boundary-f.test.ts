import { describe, expect, it } from 'vitest';
import { boundaryCounts, boundaryF, createBoundaryWorkspace } from './boundary-f.ts';
import { boundaryToDense, createBoundaryMap, seg2bmap } from './boundary-map.ts';
import { boundaryRadius, diskHalfWidths } from './disk.ts';
import { jaccard } from './jaccard.ts';
import { mask, maskWhere, toRows } from './test-support/masks.ts';

// Expected values below were derived by hand and confirmed with the official tools/metrics.py
// (henghuiding/MeViS@7c0620b) on the same arrays.

const bmap = (m: ReturnType<typeof mask>) => toRows(boundaryToDense(seg2bmap(m, createBoundaryMap())), m.width, m.height);

describe('seg2bmap (Berkeley boundary, half a pixel towards the origin)', () => {
  it('marks the 2×2 blocks that are not uniform', () => {
    expect(bmap(mask('0000', '0110', '0110', '0000'))).toEqual(['1110', '1010', '1110', '0000']);
  });

  it('a mask filling the frame has no boundary at all', () => {
    expect(bmap(mask('111', '111', '111'))).toEqual(['000', '000', '000']);
  });

  it('the last column compares only downwards, the last row only rightwards', () => {
    expect(bmap(mask('001', '001', '001'))).toEqual(['010', '010', '010']);
    expect(bmap(mask('000', '000', '111'))).toEqual(['000', '111', '000']);
  });

  it('one-pixel-wide and one-pixel-high frames', () => {
    expect(bmap(mask('0110'))).toEqual(['1010']);
    expect(bmap(mask('0', '1', '1', '0'))).toEqual(['1', '0', '1', '0']);
  });

  it('any non-zero byte is foreground', () => {
    const a = mask('0000', '0110', '0110', '0000');
    const b = { ...a, data: a.data.map((v, i) => (v ? 1 + (i % 254) : 0)) };
    expect(bmap(b)).toEqual(bmap(a));
  });
});

describe('boundary tolerance', () => {
  it('is ceil(0.008 × diagonal)', () => {
    expect(boundaryRadius(854, 480)).toBe(8);
    expect(boundaryRadius(1280, 720)).toBe(12);
    expect(boundaryRadius(100, 100)).toBe(2);
    expect(boundaryRadius(641, 361)).toBe(6);
    expect(boundaryRadius(1, 1)).toBe(1);
  });

  it('the disk holds exactly the offsets with dx² + dy² ≤ r²', () => {
    expect(Array.from(diskHalfWidths(2))).toEqual([2, 1, 0]);
    expect(Array.from(diskHalfWidths(5))).toEqual([5, 4, 4, 4, 3, 0]);
  });
});

describe('boundary F on hand-made masks', () => {
  const gt = maskWhere(100, 100, (x) => x >= 50); // boundary: column 49, r = 2

  it('a boundary 3 px away is outside r = 2: P = R = 0, F = 0', () => {
    const pred = maskWhere(100, 100, (x) => x >= 53, 255);
    expect(boundaryF(gt, pred)).toBe(0);
    expect(jaccard(gt, pred)).toBe(0.94);
  });

  it('2 px away is inside: F = 1', () => {
    const pred = maskWhere(100, 100, (x) => x >= 52, 255);
    expect(boundaryF(gt, pred)).toBe(1);
    expect(jaccard(gt, pred)).toBe(0.96);
  });

  it('a step in the prediction: counts by hand', () => {
    const pred = maskWhere(100, 100, (x, y) => (y < 50 ? x >= 52 : x >= 55), 255);
    const c = boundaryCounts(gt, pred);
    // column 51 rows 0–48, row 49 x 51–54, column 54 rows 50–99; only column 51 and (49, 51) lie
    // within 2 px of column 49, and of the truth only rows 0–49 see them (dy ≠ 0 needs dx ≤ 1)
    expect(c).toEqual({ predBoundary: 103, gtBoundary: 100, predMatched: 50, gtMatched: 50, radius: 2 });
    const p = 50 / 103;
    const r = 0.5;
    expect(boundaryF(gt, pred)).toBe((2 * p * r) / (p + r));
    expect(boundaryF(gt, pred)).toBe(0.49261083743842365); // the official output
  });

  it('special cases: both empty 1; one side empty 0', () => {
    const empty = maskWhere(5, 5, () => false);
    const square = mask('00000', '01100', '01100', '00000', '00000');
    expect(boundaryF(empty, empty)).toBe(1);
    expect(boundaryF(square, empty)).toBe(0); // empty prediction of a visible target
    expect(boundaryF(empty, square)).toBe(0); // foreground on a no-target frame
  });

  it('quirk kept from the official code: a frame-filling mask has no boundary, so F = 1 against an empty one', () => {
    const empty = maskWhere(5, 5, () => false);
    const full = maskWhere(5, 5, () => true);
    expect(boundaryF(empty, full)).toBe(1);
    expect(boundaryF(full, empty)).toBe(1);
    expect(jaccard(empty, full)).toBe(0);
  });

  it('rejects masks of different sizes', () => {
    expect(() => boundaryF(maskWhere(4, 4, () => true), maskWhere(4, 5, () => true))).toThrow(/sizes differ/);
  });

  it('a reused workspace gives the same answers across sizes', () => {
    const ws = createBoundaryWorkspace();
    const small = mask('0000', '0110', '0110', '0000');
    const pred = maskWhere(100, 100, (x, y) => (y < 50 ? x >= 52 : x >= 55), 255);
    expect(boundaryF(gt, pred, ws)).toBe(boundaryF(gt, pred));
    expect(boundaryF(small, small, ws)).toBe(1);
    expect(boundaryF(gt, pred, ws)).toBe(boundaryF(gt, pred));
  });
});
