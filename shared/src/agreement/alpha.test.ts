import { describe, expect, it } from 'vitest';
import { alpha, prepareAlpha, type ValueDistance } from './alpha.ts';
import { bootstrapAlpha } from './bootstrap.ts';

// Krippendorff, K. (2011). "Computing Krippendorff's Alpha-Reliability". Annenberg School for
// Communication, University of Pennsylvania, Departmental Papers (ASC) 43.
// https://repository.upenn.edu/asc_papers/43 — the worked examples of its sections A, B and C.

const nominal: ValueDistance<number | string> = { key: String, d: (a, b) => (a === b ? 0 : 1), sparse: { base: 1, candidates: () => [] } };
// The same distance measured on every pair (no sparse shortcut): both paths must agree.
const nominalDense: ValueDistance<number | string> = { key: String, d: (a, b) => (a === b ? 0 : 1) };
const interval: ValueDistance<number> = { key: String, d: (a, b) => (a - b) ** 2 };
const ratio: ValueDistance<number> = { key: String, d: (a, b) => ((a - b) / (a + b)) ** 2 };

/** Reliability data as printed (coders × units, null = missing), turned into units of values. */
function units<V>(rows: (V | null)[][]): V[][] {
  return rows[0]!.map((_, u) => rows.map((r) => r[u]).filter((v): v is V => v !== null && v !== undefined));
}

const round3 = (x: number | null) => (x === null ? null : Math.round(x * 1000) / 1000);

describe("Krippendorff's α on the published worked examples (Krippendorff 2011)", () => {
  it('A. binary data, two observers, no missing data: α = 0.095', () => {
    const data = units([
      [0, 1, 0, 0, 0, 0, 0, 0, 1, 0],
      [1, 1, 1, 0, 0, 1, 0, 0, 0, 0],
    ]);
    expect(round3(alpha(prepareAlpha(data, nominal)))).toBe(0.095);
  });

  it('B. nominal data, two observers, no missing data: α = 0.692', () => {
    const data = units([
      ['a', 'a', 'b', 'b', 'd', 'c', 'c', 'c', 'e', 'd', 'd', 'a'],
      ['b', 'a', 'b', 'b', 'b', 'c', 'c', 'c', 'e', 'd', 'd', 'd'],
    ]);
    expect(round3(alpha(prepareAlpha(data, nominal)))).toBe(0.692);
  });

  // C. Four observers, 12 units, values 1–5 with missing data; unit 12 has one value and drops out.
  const c = units([
    [1, 2, 3, 3, 2, 1, 4, 1, 2, null, null, null],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, null, 3],
    [null, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, null],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, null],
  ]);

  it('C. any number of observers, missing data: nominal α = 0.743, interval 0.849, ratio 0.797', () => {
    const prepared = prepareAlpha(c, nominal);
    expect(prepared.unitCount).toBe(11);
    expect(prepared.droppedUnits).toBe(1);
    expect(prepared.values.length).toBe(40); // n.. = 40 pairable values in the paper's coincidence matrix
    expect(round3(alpha(prepared))).toBe(0.743);
    expect(round3(alpha(prepareAlpha(c, nominalDense)))).toBe(0.743);
    expect(round3(alpha(prepareAlpha(c, interval)))).toBe(0.849);
    expect(round3(alpha(prepareAlpha(c, ratio)))).toBe(0.797);
  });

  it('is undefined without pairable units or without any variation', () => {
    expect(alpha(prepareAlpha([[1], [2]], nominal))).toBeNull();
    expect(alpha(prepareAlpha([[1, 1], [1, 1, 1]], nominal))).toBeNull();
  });

  it('bootstrap: a seeded interval that contains α, the same on every run, wider on less data', () => {
    const data = prepareAlpha(c, nominal);
    const a = alpha(data)!;
    const ci = bootstrapAlpha(data, 2000, 7);
    expect(ci.low!).toBeLessThan(a);
    expect(ci.high!).toBeGreaterThanOrEqual(a);
    expect(bootstrapAlpha(data, 2000, 7)).toEqual(ci);
    expect(bootstrapAlpha(data, 2000, 8)).not.toEqual(ci);
    // Ten copies of the same units: nearly the same α (n − 1 in D_e moves it a little), a narrower interval.
    const more = prepareAlpha(Array.from({ length: 10 }, () => c).flat(), nominal);
    expect(alpha(more)).toBeCloseTo(a, 1);
    const narrow = bootstrapAlpha(more, 2000, 7);
    expect(narrow.high! - narrow.low!).toBeLessThan(ci.high! - ci.low!);
  });
});
