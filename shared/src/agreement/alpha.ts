/**
 * Krippendorff's α in the coincidence-matrix formulation (Krippendorff, "Computing Krippendorff's
 * Alpha-Reliability", 2011), for any kind of value and any distance δ:
 *
 *   α = 1 − D_o / D_e,  D_o = (1/n) Σ_u 1/(m_u − 1) Σ_{i≠j} δ(v_ui, v_uj),  D_e = 1/(n(n − 1)) Σ_{c,k} n_c n_k δ(c, k)
 *
 * where m_u is the number of values unit u got, n = Σ m_u over units with m_u ≥ 2 (the pairable
 * values) and n_c how many of them equal c. A missing rater is simply a value the unit does not
 * have; units with fewer than two values cannot be paired and are dropped.
 *
 * The data are prepared once (distinct values numbered, each unit's own disagreement summed) so
 * that α and each bootstrap resample cost O(values + distinct pairs), not O(n²).
 */
export interface ValueDistance<V> {
  /** Equal keys are equal values (the coincidence matrix's rows). */
  key(v: V): string;
  d(a: V, b: V): number;
  /**
   * For distances that are `base` for most pairs (set distances: 1 unless the sets share an
   * object): the pairs of distinct values (indices into `values`, a < b) whose distance may differ
   * from it. Without it every pair of distinct values is measured (fine for a few hundred values).
   */
  sparse?: { base: number; candidates(values: readonly V[]): Iterable<readonly [number, number]> };
}

export interface AlphaData {
  /** Pairable units (m_u ≥ 2). */
  readonly unitCount: number;
  /** Offsets of each unit's values in `values` (length unitCount + 1). */
  readonly offsets: Int32Array;
  /** Every pairable value as the index of its distinct value. */
  readonly values: Int32Array;
  /** Per unit: 1/(m_u − 1) Σ_{i≠j} δ. */
  readonly observed: Float64Array;
  /** Number of distinct values. */
  readonly distinct: number;
  readonly base: number;
  /** Pairs a < b of distinct values with δ ≠ base, and δ − base. */
  readonly pairA: Int32Array;
  readonly pairB: Int32Array;
  readonly pairExcess: Float64Array;
  /** Units left out for having fewer than two values. */
  readonly droppedUnits: number;
  /** Σ m_u(m_u − 1)/2: pairs of values within units that α compares. */
  readonly pairsWithinUnits: number;
}

/**
 * Builds AlphaData unit by unit, so a caller with many units can yield between slices (`add` is
 * O(m²) per unit, `finish` measures the distinct values' pairs once).
 */
export class AlphaBuilder<V> {
  private readonly index = new Map<string, number>();
  private readonly distinctValues: V[] = [];
  private readonly offsets: number[] = [0];
  private readonly values: number[] = [];
  private readonly observed: number[] = [];
  private dropped = 0;
  private pairsWithinUnits = 0;

  constructor(private readonly dist: ValueDistance<V>) {}

  add(unit: readonly V[]): void {
    const m = unit.length;
    if (m < 2) {
      this.dropped++;
      return;
    }
    let sum = 0;
    for (let i = 0; i < m; i++) for (let j = i + 1; j < m; j++) sum += 2 * this.dist.d(unit[i]!, unit[j]!);
    this.observed.push(sum / (m - 1));
    this.pairsWithinUnits += (m * (m - 1)) / 2;
    for (const v of unit) {
      const k = this.dist.key(v);
      let at = this.index.get(k);
      if (at === undefined) {
        at = this.distinctValues.length;
        this.index.set(k, at);
        this.distinctValues.push(v);
      }
      this.values.push(at);
    }
    this.offsets.push(this.values.length);
  }

  finish(): AlphaData {
    const { dist, distinctValues } = this;
    const pairA: number[] = [];
    const pairB: number[] = [];
    const pairExcess: number[] = [];
    const base = dist.sparse?.base ?? 0;
    const K = distinctValues.length;
    const candidates: Iterable<readonly [number, number]> = dist.sparse ? dist.sparse.candidates(distinctValues) : allPairs(K);
    for (const [a, b] of candidates) {
      const excess = dist.d(distinctValues[a]!, distinctValues[b]!) - base;
      if (excess !== 0) {
        pairA.push(a);
        pairB.push(b);
        pairExcess.push(excess);
      }
    }
    return {
      unitCount: this.observed.length,
      offsets: Int32Array.from(this.offsets),
      values: Int32Array.from(this.values),
      observed: Float64Array.from(this.observed),
      distinct: K,
      base,
      pairA: Int32Array.from(pairA),
      pairB: Int32Array.from(pairB),
      pairExcess: Float64Array.from(pairExcess),
      droppedUnits: this.dropped,
      pairsWithinUnits: this.pairsWithinUnits,
    };
  }
}

export function prepareAlpha<V>(units: readonly (readonly V[])[], dist: ValueDistance<V>): AlphaData {
  const b = new AlphaBuilder(dist);
  for (const u of units) b.add(u);
  return b.finish();
}

function* allPairs(k: number): Generator<readonly [number, number]> {
  for (let a = 0; a < k; a++) for (let b = a + 1; b < k; b++) yield [a, b];
}

/** α from totals: n values, Σ observed, and the value counts n_c. null when D_e = 0 (no variation: α is undefined). */
export function alphaFromCounts(data: AlphaData, n: number, observedSum: number, counts: Float64Array | Int32Array): number | null {
  let squares = 0;
  for (let c = 0; c < data.distinct; c++) squares += counts[c]! * counts[c]!;
  let expected = data.base * (n * n - squares);
  for (let p = 0; p < data.pairA.length; p++) expected += 2 * counts[data.pairA[p]!]! * counts[data.pairB[p]!]! * data.pairExcess[p]!;
  if (n < 2 || !(expected > 1e-12)) return null;
  return 1 - ((n - 1) * observedSum) / expected;
}

/** α of the prepared data; null when it is undefined (no pairable units, or every value the same). */
export function alpha(data: AlphaData): number | null {
  const counts = new Int32Array(data.distinct);
  for (const v of data.values) counts[v]!++;
  let observedSum = 0;
  for (const o of data.observed) observedSum += o;
  return alphaFromCounts(data, data.values.length, observedSum, counts);
}
