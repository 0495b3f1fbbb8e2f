import { describe, expect, it } from 'vitest';
import { davisPalette } from './davis-palette.ts';

describe('davisPalette', () => {
  it('is the PASCAL VOC / DAVIS palette', () => {
    const p = davisPalette();
    expect(p).toHaveLength(256);
    // The colours every DAVIS annotation shows: background, dark red, dark green, olive, navy…
    expect(p.slice(0, 6)).toEqual([[0, 0, 0], [128, 0, 0], [0, 128, 0], [128, 128, 0], [0, 0, 128], [128, 0, 128]]);
    expect(p[255]).toEqual([224, 224, 192]);
  });
});
