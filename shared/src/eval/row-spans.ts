/**
 * Per row, the first and last foreground column (-1, -1 for an empty row). Everything left of
 * `first` and right of `last` is background, so the boundary and overlap loops can skip it: masks
 * cover a few percent of a frame, and scanning background four bytes at a time made F ~5× faster
 * on 1280×720 frames.
 */
export function rowSpans(d: Uint8Array, width: number, height: number, first: Int32Array, last: Int32Array): void {
  // Word reads need 4-byte alignment of the view; a mask sliced out of a bigger buffer may not have it.
  const words = d.byteOffset % 4 === 0 ? new Uint32Array(d.buffer, d.byteOffset, d.length >> 2) : null;
  for (let y = 0; y < height; y++) {
    const start = y * width;
    const end = start + width;
    const f = firstNonZero(d, words, start, end);
    if (f < 0) {
      first[y] = -1;
      last[y] = -1;
    } else {
      first[y] = f - start;
      last[y] = lastNonZero(d, words, f, end) - start;
    }
  }
}

function firstNonZero(d: Uint8Array, words: Uint32Array | null, start: number, end: number): number {
  let i = start;
  if (words) {
    for (; i < end && (i & 3) !== 0; i++) if (d[i] !== 0) return i;
    // A row shorter than the way to the next word boundary is done: going on would step back to
    // that row's aligned start, into the row before (found by the property test, width 1).
    if (i >= end) return -1;
    let k = i >> 2;
    const kEnd = end >> 2;
    while (k < kEnd && words[k] === 0) k++;
    i = k << 2;
  }
  for (; i < end; i++) if (d[i] !== 0) return i;
  return -1;
}

function lastNonZero(d: Uint8Array, words: Uint32Array | null, start: number, end: number): number {
  let i = end - 1;
  if (words) {
    for (; i >= start && ((i + 1) & 3) !== 0; i--) if (d[i] !== 0) return i;
    let k = ((i + 1) >> 2) - 1;
    const kStart = (start + 3) >> 2;
    while (k >= kStart && words[k] === 0) k--;
    i = ((k + 1) << 2) - 1;
  }
  for (; i >= start; i--) if (d[i] !== 0) return i;
  return -1;
}
