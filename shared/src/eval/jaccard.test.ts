import { describe, expect, it } from 'vitest';
import { isEmptyMask } from './mask.ts';
import { jaccard, jaccardCounts } from './jaccard.ts';
import { mask } from './test-support/masks.ts';

describe('J (region IoU)', () => {
  it('intersection over union', () => {
    const a = mask('1100', '1100');
    const b = mask('0110', '0110');
    expect(jaccardCounts(a, b)).toEqual({ intersection: 2, union: 6, gtArea: 4, predArea: 4 });
    expect(jaccard(a, b)).toBe(2 / 6);
  });

  it('both empty scores 1 (a correctly empty frame), one empty scores 0', () => {
    const empty = mask('000', '000');
    expect(jaccard(empty, empty)).toBe(1);
    expect(jaccard(mask('010', '000'), empty)).toBe(0);
    expect(jaccard(empty, mask('010', '000'))).toBe(0);
  });

  it('0/255, 0/1 and palette ids are all just foreground', () => {
    const a = mask('0110');
    const b = { ...a, data: Uint8Array.of(0, 255, 3, 0) };
    expect(jaccard(a, b)).toBe(1);
    expect(isEmptyMask(b)).toBe(false);
    expect(isEmptyMask(mask('0000'))).toBe(true);
  });
});
