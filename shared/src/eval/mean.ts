/**
 * Sum and mean in numpy's order (`np.add.reduce` on a contiguous float64 array: pairwise
 * summation, eight interleaved partial sums per block of ≤ 128). The official evaluator averages
 * with `np.mean`; summing left to right instead differs in the last bits, and "identical numbers"
 * should mean identical, not close.
 */
export function numpySum(a: ArrayLike<number>): number {
  // numpy's reduction hands the loop 8192-element buffers and adds their pairwise sums in turn
  // (checked against numpy 1.24: 20,000 values differ in the last bit without this).
  let res = 0;
  for (let s = 0; s < a.length; s += 8192) res += pairwiseSum(a, s, Math.min(8192, a.length - s));
  return res;
}

function pairwiseSum(a: ArrayLike<number>, start: number, n: number): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += a[start + i];
    return res;
  }
  if (n <= 128) {
    let r0 = a[start], r1 = a[start + 1], r2 = a[start + 2], r3 = a[start + 3];
    let r4 = a[start + 4], r5 = a[start + 5], r6 = a[start + 6], r7 = a[start + 7];
    let i = 8;
    for (; i < n - (n % 8); i += 8) {
      const k = start + i;
      r0 += a[k]; r1 += a[k + 1]; r2 += a[k + 2]; r3 += a[k + 3];
      r4 += a[k + 4]; r5 += a[k + 5]; r6 += a[k + 6]; r7 += a[k + 7];
    }
    let res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
    for (; i < n; i++) res += a[start + i];
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, start, n2) + pairwiseSum(a, start + n2, n - n2);
}

/** `np.mean`; NaN for no values, as numpy gives (callers decide what an empty group shows). */
export function numpyMean(a: ArrayLike<number>): number {
  return numpySum(a) / a.length;
}
