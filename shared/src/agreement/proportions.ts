/** Small-sample statistics for per-person rates (agreement, "no target" share). */

/** z for a two-sided 95 % interval. */
export const Z95 = 1.959963984540054;

/**
 * Wilson score interval for k successes in n trials. Unlike the normal approximation it stays
 * inside [0, 1] and is honest at 0/n and n/n, which is where a new person's first answers sit.
 */
export function wilson(k: number, n: number, z = Z95): { low: number; high: number } | null {
  if (n <= 0) return null;
  const p = k / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / denom;
  return { low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/**
 * Two-proportion z statistic of k1/n1 against k2/n2 with the pooled variance (positive when the
 * first rate is higher). null when either side is empty or the pooled rate is 0 or 1 (no variance:
 * everyone answered alike, nothing stands out).
 */
export function twoProportionZ(k1: number, n1: number, k2: number, n2: number): number | null {
  if (n1 <= 0 || n2 <= 0) return null;
  const pooled = (k1 + k2) / (n1 + n2);
  const variance = pooled * (1 - pooled) * (1 / n1 + 1 / n2);
  if (!(variance > 0)) return null;
  return (k1 / n1 - k2 / n2) / Math.sqrt(variance);
}

/**
 * Exact binomial tails P(X ≤ k) and P(X ≥ k) for X ~ Binomial(n, p): how surprising k of n is if
 * the person answered like their peers (rate p). Exact rather than z, because z is liberal at a few
 * dozen trials near p = 0.9, which is where gold agreement sits.
 */
export function binomialTails(k: number, n: number, p: number): { lower: number; upper: number } {
  if (n <= 0) return { lower: 1, upper: 1 };
  if (p <= 0) return { lower: 1, upper: k <= 0 ? 1 : 0 };
  if (p >= 1) return { lower: k >= n ? 1 : 0, upper: 1 };
  const lp = Math.log(p);
  const lq = Math.log1p(-p);
  let logC = 0;
  let lower = 0;
  let upper = 0;
  for (let i = 0; i <= n; i++) {
    if (i > 0) logC += Math.log(n - i + 1) - Math.log(i);
    const pmf = Math.exp(logC + i * lp + (n - i) * lq);
    if (i <= k) lower += pmf;
    if (i >= k) upper += pmf;
  }
  return { lower: Math.min(1, lower), upper: Math.min(1, upper) };
}
