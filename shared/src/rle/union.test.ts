import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeRle, encodeMask, rleUnion } from './index.ts';

describe('rleUnion', () => {
  it('is the pixel-wise OR of the two masks, encoded as the codec encodes it', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 12 }),
        fc.array(fc.boolean(), { minLength: 144, maxLength: 144 }),
        fc.array(fc.boolean(), { minLength: 144, maxLength: 144 }),
        (h, w, pa, pb) => {
          const a = Uint8Array.from(pa.slice(0, h * w), Number);
          const b = Uint8Array.from(pb.slice(0, h * w), Number);
          const union = rleUnion(encodeMask(a, h, w), encodeMask(b, h, w));
          const want = a.map((px, i) => px | b[i]!);
          expect(Array.from(decodeRle(union))).toEqual(Array.from(want));
          expect(union).toEqual(encodeMask(want, h, w));
        },
      ),
    );
  });

  it('refuses masks of different sizes', () => {
    const a = encodeMask(new Uint8Array(6), 2, 3);
    const b = encodeMask(new Uint8Array(6), 3, 2);
    expect(() => rleUnion(a, b)).toThrow(/sizes \[2, 3\] and \[3, 2\]/);
  });
});
