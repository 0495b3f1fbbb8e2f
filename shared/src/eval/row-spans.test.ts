import { describe, expect, it } from 'vitest';
import { rowSpans } from './row-spans.ts';

describe('rowSpans', () => {
  // Rows narrower than a word: the word scan once stepped back into the row before (width 1,
  // a foreground pixel only in row 0 made rows 1 and 2 report column -1 as foreground).
  it('rows narrower than a word never read their neighbours', () => {
    for (const width of [1, 2, 3, 5]) {
      const height = 6;
      const d = new Uint8Array(width * height);
      d[0] = 1; // row 0, column 0 only
      const first = new Int32Array(height);
      const last = new Int32Array(height);
      rowSpans(d, width, height, first, last);
      expect([...first], `width ${width}`).toEqual([0, -1, -1, -1, -1, -1]);
      expect([...last], `width ${width}`).toEqual([0, -1, -1, -1, -1, -1]);
    }
  });
});
