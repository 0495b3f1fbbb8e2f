/*
 * COCO runs follow column-major order, but walking a row-major raster down its columns (stride w)
 * measured ~1 ms per 854×480 frame. Instead: a value changes at column-major position p = x*h + y
 * exactly where pixel (x, y) differs from the one above it (y > 0) or, on row 0, from the bottom
 * pixel of the previous column. Rows are compared sequentially, only inside the span where either
 * row has a nonzero pixel (background is skipped 8 bytes at a time), and the few change positions
 * are bucketed by column. ~4× faster than the column walk on DAVIS frames (~90 % background).
 */

type Raster = Uint8Array | Uint16Array;

// Reused across calls, grown on demand.
let changeScratch: Uint32Array = new Uint32Array(8192);
let sortedScratch: Uint32Array = new Uint32Array(8192);
let spanStart = new Int32Array(1024);
let spanEnd = new Int32Array(1024);
let columnStart = new Int32Array(1024);

/**
 * Column-major positions, ascending, where the raw value differs from the previous pixel in
 * column-major order (the pixel before position 0 counts as 0). Returns a view into a scratch
 * buffer that the next call overwrites.
 */
export function findValueChanges(raster: Raster, h: number, w: number): Uint32Array {
  // The 8-byte view needs an aligned start; an odd subarray is rare enough to pay for a copy. Not
  // raster.slice(): on a Node Buffer that is a view with the same misaligned offset.
  const aligned = (raster.byteOffset & 7) === 0;
  const labels = aligned ? raster : raster instanceof Uint8Array ? new Uint8Array(raster) : new Uint16Array(raster);
  fillNonzeroSpans(labels, h, w);
  if (columnStart.length < w + 1) columnStart = new Int32Array(w + 1);
  else columnStart.fill(0, 0, w + 1);
  // columnStart[x + 1] counts the changes in column x, for the bucketing below.
  const count = columnStart;

  let changes = changeScratch;
  if (changes.length < w) changes = growChanges(w, 0);
  let t = 0;
  const lastRow = (h - 1) * w;
  for (let x = 0; x < w; x++) {
    const before = x === 0 ? 0 : labels[lastRow + x - 1];
    if (labels[x] !== before) {
      changes[t++] = x * h;
      count[x + 1]++;
    }
  }
  for (let y = 1; y < h; y++) {
    const lo = Math.min(spanStart[y], spanStart[y - 1]);
    const hi = Math.max(spanEnd[y], spanEnd[y - 1]);
    if (lo >= hi) continue;
    if (t + (hi - lo) > changes.length) changes = growChanges(t + (hi - lo), t);
    const row = y * w;
    for (let i = row + lo, end = row + hi; i < end; i++) {
      if (labels[i] !== labels[i - w]) {
        const x = i - row;
        changes[t++] = x * h + y;
        count[x + 1]++;
      }
    }
  }

  // Changes were found row by row; a stable counting sort by column puts them in column-major
  // order (within a column they are already ascending). Cheaper than a comparison sort.
  if (sortedScratch.length < t) sortedScratch = new Uint32Array(Math.max(t, sortedScratch.length * 2));
  const sorted = sortedScratch;
  for (let x = 1; x <= w; x++) count[x] += count[x - 1];
  for (let k = 0; k < t; k++) {
    const p = changes[k];
    sorted[count[(p / h) | 0]++] = p;
  }
  return sorted.subarray(0, t);
}

function growChanges(capacity: number, keep: number): Uint32Array {
  const grown = new Uint32Array(Math.max(capacity, changeScratch.length * 2));
  grown.set(changeScratch.subarray(0, keep));
  changeScratch = grown;
  return grown;
}

/** A float64 word whose 8 bytes are all zero. -0 also equals 0 but has its top byte set (0x80). */
function isZeroWord(v: number): boolean {
  return v === 0 && 1 / v > 0;
}

/** spanStart[y]..spanEnd[y] (exclusive) = the smallest column range holding every nonzero of row y. */
function fillNonzeroSpans(labels: Raster, h: number, w: number): void {
  if (spanStart.length < h) {
    spanStart = new Int32Array(h);
    spanEnd = new Int32Array(h);
  }
  // Elements per 8-byte word, its log2, and the in-word index mask.
  const per = labels.BYTES_PER_ELEMENT === 1 ? 8 : 4;
  const shift = per === 8 ? 3 : 2;
  const inWord = per - 1;
  const words = new Float64Array(labels.buffer, labels.byteOffset, (labels.length * labels.BYTES_PER_ELEMENT) >> 3);
  for (let y = 0; y < h; y++) {
    const s = y * w;
    const e = s + w;
    // First nonzero: single elements up to a word boundary, whole words, then single elements.
    let a = s;
    while (a < e && (a & inWord) !== 0 && labels[a] === 0) a++;
    if (a < e && labels[a] === 0) {
      let k = a >> shift;
      const kEnd = e >> shift;
      while (k < kEnd && isZeroWord(words[k])) k++;
      a = k << shift;
      while (a < e && labels[a] === 0) a++;
    }
    if (a === e) {
      spanStart[y] = w;
      spanEnd[y] = 0;
      continue;
    }
    // Last nonzero, the same way from the right, never crossing the first one.
    let b = e - 1;
    while (b > a && ((b + 1) & inWord) !== 0 && labels[b] === 0) b--;
    if (b > a && labels[b] === 0) {
      let k = (b + 1) >> shift;
      const kStart = (a >> shift) + 1;
      while (k > kStart && isZeroWord(words[k - 1])) k--;
      b = (k << shift) - 1;
      while (b > a && labels[b] === 0) b--;
    }
    spanStart[y] = a - s;
    spanEnd[y] = b - s + 1;
  }
}
