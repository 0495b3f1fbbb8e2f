import type { BoundaryMap } from './boundary-map.ts';

/**
 * How many pixels of boundary `a` lie inside the disk dilation of boundary `b`, i.e.
 * `sum(a * cv2.dilate(b, disk(r)))` of the official code, without building the dilated image.
 * For every row of `a` and every disk row dy, both rows' boundary pixels are sorted, so one
 * forward sweep finds, for each x of `a`, the first x' of `b` ≥ x − hw[|dy|]; it matches when
 * x' ≤ x + hw[|dy|]. Cost O((2r+1)·(|a| + |b|)) instead of O(w·h·(2r+1)).
 *
 * `flags` is scratch of at least `a.width` bytes.
 */
export function countWithinDisk(a: BoundaryMap, b: BoundaryMap, hw: Int32Array, flags: Uint8Array): number {
  const r = hw.length - 1;
  const h = a.height;
  const aStart = a.rowStart;
  const bStart = b.rowStart;
  const ax = a.xs;
  const bx = b.xs;
  let matched = 0;
  for (let y = 0; y < h; y++) {
    const s = aStart[y];
    const e = aStart[y + 1];
    if (s === e) continue;
    const n = e - s;
    flags.fill(0, 0, n);
    let rowMatched = 0;
    const yLo = y - r < 0 ? 0 : y - r;
    const yHi = y + r >= h ? h - 1 : y + r;
    for (let yy = yLo; yy <= yHi && rowMatched < n; yy++) {
      let j = bStart[yy];
      const bEnd = bStart[yy + 1];
      if (j === bEnd) continue;
      const k = hw[yy > y ? yy - y : y - yy];
      for (let i = 0; i < n; i++) {
        const x = ax[s + i];
        const lo = x - k;
        while (j < bEnd && bx[j] < lo) j++;
        if (j === bEnd) break;
        if (flags[i] === 0 && bx[j] <= x + k) {
          flags[i] = 1;
          rowMatched++;
        }
      }
    }
    matched += rowMatched;
  }
  return matched;
}
