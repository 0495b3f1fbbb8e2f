import { mulberry32 } from '../prng.ts';
import { alphaFromCounts, type AlphaData } from './alpha.ts';

export interface BootstrapResult {
  /** Percentile interval of the resampled α (e.g. 2.5 % and 97.5 % for a 95 % interval). */
  low: number | null;
  high: number | null;
  /** Resamples with a defined α (a resample of identical values has none). */
  used: number;
  iterations: number;
  seed: number;
}

/**
 * Bootstrap confidence interval for α by resampling units with replacement (each resample draws
 * as many units as the data has and recomputes both D_o and D_e). Seeded, so the same data give
 * the same interval: releases must rebuild byte for byte.
 *
 * Runs in steps (`step(k)` does k resamples) so a server can yield between them instead of
 * holding its event loop for the whole run.
 */
export class AlphaBootstrap {
  private readonly random: () => number;
  private readonly alphas: number[] = [];
  private done = 0;
  private readonly counts: Float64Array;

  constructor(
    private readonly data: AlphaData,
    readonly iterations: number,
    readonly seed: number,
    private readonly level = 0.95,
  ) {
    this.random = mulberry32(seed);
    this.counts = new Float64Array(data.distinct);
  }

  get finished(): boolean {
    return this.done >= this.iterations || this.data.unitCount === 0;
  }

  /** Cost of one resample in elementary steps, to size the chunks a caller runs between yields. */
  get costPerIteration(): number {
    return this.data.values.length + this.data.unitCount + this.data.distinct + this.data.pairA.length;
  }

  step(maxIterations: number): void {
    const { data, counts } = this;
    const U = data.unitCount;
    const end = Math.min(this.iterations, this.done + maxIterations);
    for (; this.done < end && U > 0; this.done++) {
      counts.fill(0);
      let n = 0;
      let observed = 0;
      for (let draw = 0; draw < U; draw++) {
        const u = Math.floor(this.random() * U);
        const from = data.offsets[u]!;
        const to = data.offsets[u + 1]!;
        n += to - from;
        observed += data.observed[u]!;
        for (let i = from; i < to; i++) counts[data.values[i]!]!++;
      }
      const a = alphaFromCounts(data, n, observed, counts);
      if (a !== null) this.alphas.push(a);
    }
  }

  result(): BootstrapResult {
    const sorted = [...this.alphas].sort((a, b) => a - b);
    const tail = (1 - this.level) / 2;
    return { low: quantile(sorted, tail), high: quantile(sorted, 1 - tail), used: sorted.length, iterations: this.iterations, seed: this.seed };
  }
}

/** Linear interpolation between order statistics (R's type 7). */
export function quantile(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/** The whole bootstrap at once (tests, scripts, small data). */
export function bootstrapAlpha(data: AlphaData, iterations: number, seed: number, level = 0.95): BootstrapResult {
  const b = new AlphaBootstrap(data, iterations, seed, level);
  b.step(iterations);
  return b.result();
}
