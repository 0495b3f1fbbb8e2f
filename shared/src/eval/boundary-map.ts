import type { BinaryMask } from './mask.ts';
import { rowSpans } from './row-spans.ts';

/**
 * A one-pixel-wide boundary map stored sparsely: the boundary pixels of row y are
 * `xs[rowStart[y] .. rowStart[y + 1])`, ascending. Boundaries are a few thousand pixels of a
 * 400k-pixel frame, so matching them sparsely is what makes F cheap (see boundary-match.ts).
 */
export interface BoundaryMap {
  width: number;
  height: number;
  /** height + 1 entries. */
  rowStart: Int32Array;
  xs: Int32Array;
  count: number;
  /** Per row, the first / last foreground column of the mask (-1 when the row is empty). */
  first: Int32Array;
  last: Int32Array;
}

export function createBoundaryMap(): BoundaryMap {
  return { width: 0, height: 0, rowStart: new Int32Array(1), xs: new Int32Array(4096), count: 0, first: new Int32Array(0), last: new Int32Array(0) };
}

/**
 * Boundary pixels exactly as Berkeley's `seg2bmap` (the official `_seg2bmap`, same width and
 * height as the mask) marks them: a pixel is boundary when it differs from its right, lower or
 * lower-right neighbour; on the last row only the right neighbour counts, on the last column
 * only the lower one, and the bottom-right pixel never is. The map is the 2×2-block test
 * "not all four equal", shifted half a pixel towards the origin — so a foreground pixel on the
 * right or bottom image edge is NOT a boundary unless its in-image neighbour differs. Getting
 * this wrong moves F by up to a few points on objects that touch the frame edge.
 *
 * Writes into `out` (reused across frames; its arrays grow only when a frame needs more room).
 */
export function seg2bmap(mask: BinaryMask, out: BoundaryMap): BoundaryMap {
  const { width: w, height: h, data: d } = mask;
  if (out.rowStart.length < h + 1) out.rowStart = new Int32Array(h + 1);
  if (out.first.length < h) {
    out.first = new Int32Array(h);
    out.last = new Int32Array(h);
  }
  out.width = w;
  out.height = h;
  const { first, last } = out;
  rowSpans(d, w, h, first, last);
  let xs = out.xs;
  let n = 0;
  const rowStart = out.rowStart;
  for (let y = 0; y < h; y++) {
    rowStart[y] = n;
    // Only columns lo-1 .. hi can differ from a neighbour: outside, this row and the next are
    // background (the pixel left of the first foreground one is a boundary pixel itself).
    const next = y < h - 1 ? y + 1 : y;
    const f0 = first[y];
    const f1 = first[next];
    if (f0 < 0 && f1 < 0) continue;
    const lo = f0 < 0 ? f1 : f1 < 0 ? f0 : Math.min(f0, f1);
    const hi = Math.max(last[y], last[next]);
    const xFrom = lo > 0 ? lo - 1 : 0;
    // Worst case a row adds w pixels (a checkerboard); grow before the row, never inside it.
    if (xs.length - n < w) {
      const bigger = new Int32Array(Math.max(xs.length * 2, n + w));
      bigger.set(xs.subarray(0, n));
      xs = bigger;
    }
    const r0 = y * w;
    const xTo = hi < w - 1 ? hi : w - 2;
    if (y < h - 1) {
      const r1 = r0 + w;
      let cur = d[r0 + xFrom] !== 0;
      let below = d[r1 + xFrom] !== 0;
      for (let x = xFrom; x <= xTo; x++) {
        const right = d[r0 + x + 1] !== 0;
        const belowRight = d[r1 + x + 1] !== 0;
        if (cur !== right || cur !== below || cur !== belowRight) xs[n++] = x;
        cur = right;
        below = belowRight;
      }
      if (hi === w - 1 && (d[r0 + w - 1] !== 0) !== (d[r1 + w - 1] !== 0)) xs[n++] = w - 1;
    } else {
      let cur = d[r0 + xFrom] !== 0;
      for (let x = xFrom; x <= xTo; x++) {
        const right = d[r0 + x + 1] !== 0;
        if (cur !== right) xs[n++] = x;
        cur = right;
      }
    }
  }
  rowStart[h] = n;
  out.xs = xs;
  out.count = n;
  return out;
}

/** The boundary map as a dense 0/1 image (tests and debugging; the metric never needs it). */
export function boundaryToDense(b: BoundaryMap): Uint8Array {
  const dense = new Uint8Array(b.width * b.height);
  for (let y = 0; y < b.height; y++) {
    for (let i = b.rowStart[y]; i < b.rowStart[y + 1]; i++) dense[y * b.width + b.xs[i]] = 1;
  }
  return dense;
}
