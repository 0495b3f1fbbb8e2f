import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../prng.ts';
import { alpha, prepareAlpha } from './alpha.ts';
import { bootstrapAlpha } from './bootstrap.ts';
import { jaccardDistance, masiDistance } from './distance.ts';
import { prepareSetAlpha, setAlpha, setValueDistance } from './sets.ts';
import { randomSet } from './simulate.ts';

describe('MASI and Jaccard on hand-made sets', () => {
  // Passonneau (2006): MASI = 1 − J·M; M = 1 equal, 2/3 subset, 1/3 overlap, 0 disjoint.
  const cases: [number[], number[], number, number][] = [
    [[1, 2], [1, 2], 0, 0],
    [[], [], 0, 0],
    [[1], [1, 2], 1 - (1 / 2) * (2 / 3), 1 / 2], // subset: J = 1/2, M = 2/3 → 2/3
    [[1, 2, 3], [2], 1 - (1 / 3) * (2 / 3), 2 / 3], // superset
    [[1, 2], [2, 3], 1 - (1 / 3) * (1 / 3), 2 / 3], // overlap: J = 1/3, M = 1/3 → 8/9
    [[1, 2], [3, 4], 1, 1], // disjoint
    [[], [1], 1, 1], // "no target" against a target: ∅ is a subset, but J = 0
    [[1, 2, 3, 4], [1, 2, 3, 5], 1 - (3 / 5) * (1 / 3), 2 / 5],
  ];
  it.each(cases)('%j vs %j: MASI %d, Jaccard %d', (a, b, masi, jaccard) => {
    expect(masiDistance(a, b)).toBeCloseTo(masi, 12);
    expect(masiDistance(b, a)).toBeCloseTo(masi, 12);
    expect(jaccardDistance(a, b)).toBeCloseTo(jaccard, 12);
    // MASI never forgives more than Jaccard (M ≤ 1).
    expect(masiDistance(a, b)).toBeGreaterThanOrEqual(jaccardDistance(a, b) - 1e-12);
  });
});

describe('α on target sets', () => {
  const random = mulberry32(42);
  const objectsOf = Array.from({ length: 3000 }, () => 2 + Math.floor(random() * 7));

  it('is 1 when everyone agrees, with 0, 1 or several targets and missing raters', () => {
    const units = objectsOf.map((k, i) => {
      const s = randomSet(random, k);
      return Array.from({ length: 2 + (i % 3) }, () => s);
    });
    for (const d of ['masi', 'jaccard', 'nominal'] as const) expect(setAlpha(units, d)).toBeCloseTo(1, 12);
  });

  it('is about 0 when every rater picks a random set (simulation, 3,000 units)', () => {
    // Videos of one size: with sizes mixed, raters of a small video share its few object ids,
    // which α rightly counts as a little agreement beyond the pooled chance (about +0.05 here).
    const units = objectsOf.map(() => Array.from({ length: 3 }, () => randomSet(random, 5)));
    for (const d of ['masi', 'jaccard', 'nominal'] as const) {
      const prepared = prepareSetAlpha(units, d).data;
      const a = alpha(prepared)!;
      expect(Math.abs(a), `${d}: α = ${a}`).toBeLessThan(0.03);
      const ci = bootstrapAlpha(prepared, 300, 1);
      expect(ci.low!).toBeLessThan(0);
      expect(ci.high!).toBeGreaterThan(0);
    }
  });

  it('leaves rejections out of α and counts them apart', () => {
    const units = [[[1], [1], null], [[2], null], [[1, 2], [1, 2]], [[], []]];
    const p = prepareSetAlpha(units, 'masi');
    expect(p.rejections).toBe(2);
    expect(p.setAnswers).toBe(7);
    expect(p.data.unitCount).toBe(3); // [[2], null] has one set left: not pairable
    expect(alpha(p.data)).toBeCloseTo(1, 12);
  });

  it('the sparse pair search gives the same α as measuring every pair', () => {
    const units = objectsOf.slice(0, 400).map((k) => Array.from({ length: 2 + Math.floor(random() * 2) }, () => (random() < 0.6 ? [1] : randomSet(random, k))));
    for (const name of ['masi', 'jaccard'] as const) {
      const { key, d } = setValueDistance(name);
      expect(alpha(prepareAlpha(units, setValueDistance(name)))).toBeCloseTo(alpha(prepareAlpha(units, { key, d }))!, 10);
    }
  });

  it('MASI credits partial overlap: higher than nominal α when raters differ by one object', () => {
    const units = objectsOf.slice(0, 500).map((k, i) => {
      const s = randomSet(random, k);
      const near = i % 4 === 0 && s.length > 0 ? s.slice(1) : s;
      return [s, near];
    });
    expect(setAlpha(units, 'masi')!).toBeGreaterThan(setAlpha(units, 'nominal')!);
    expect(setAlpha(units, 'jaccard')!).toBeGreaterThanOrEqual(setAlpha(units, 'masi')!);
  });
});
