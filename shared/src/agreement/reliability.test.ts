import { describe, expect, it } from 'vitest';
import { alpha } from './alpha.ts';
import { bootstrapAlpha } from './bootstrap.ts';
import { binomialTails, twoProportionZ, wilson } from './proportions.ts';
import { finalSet, personReliability, type SampleRecord } from './reliability.ts';
import { alphaUnits, prepareSetAlpha } from './sets.ts';
import { simulateProject } from './simulate.ts';

describe('Wilson interval and two-proportion z', () => {
  it('match known values', () => {
    // Wilson (1927) / Newcombe (1998), method 3: 81/263 → 0.2553–0.3662.
    const w = wilson(81, 263)!;
    expect(w.low).toBeCloseTo(0.2553, 4);
    expect(w.high).toBeCloseTo(0.3662, 4);
    // 0/10 and 10/10 stay inside [0, 1] with a one-sided width.
    expect(wilson(0, 10)).toEqual({ low: 0, high: expect.closeTo(0.2775, 4) });
    expect(wilson(10, 10)!.high).toBeCloseTo(1, 12);
    expect(wilson(0, 0)).toBeNull();
    // 45/100 vs 30/100: pooled 0.375, z = 0.15 / sqrt(0.375·0.625·0.02) = 2.191.
    expect(twoProportionZ(45, 100, 30, 100)).toBeCloseTo(2.191, 3);
    expect(twoProportionZ(0, 10, 0, 10)).toBeNull();
    // Binomial(30, 0.919): P(X ≤ 21) = 4.44e-4 (scipy.stats.binom.cdf(21, 30, 0.919)); the tails overlap at k.
    const t = binomialTails(21, 30, 0.919);
    expect(t.lower).toBeCloseTo(4.4434e-4, 7);
    expect(t.upper).toBeCloseTo(1 - binomialTails(20, 30, 0.919).lower, 12);
    expect(binomialTails(3, 10, 0.5)).toEqual({ lower: expect.closeTo(176 / 1024, 12), upper: expect.closeTo(968 / 1024, 12) });
  });
});

describe('per-person reliability', () => {
  const s = (o: Partial<SampleRecord>): SampleRecord => ({ authorId: 1, status: 'accepted', targets: [1], gold: false, answers: [], ...o });

  it("knows each sample's final set", () => {
    expect(finalSet(s({}))).toEqual([1]);
    const twoSame = [
      { validatorId: 2, round: 1, answer: [2] },
      { validatorId: 3, round: 2, answer: [2] },
    ];
    expect(finalSet(s({ status: 'discarded', answers: twoSame }))).toEqual([2]);
    expect(finalSet(s({ status: 'discarded', answers: [twoSame[0]!, { validatorId: 3, round: 2, answer: [] }] }))).toBeNull();
    expect(finalSet(s({ status: 'rejected', answers: [{ validatorId: 2, round: 1, answer: null }] }))).toBeNull();
  });

  it('shows no rate below the minimum count, and counts gold rejections as misses', () => {
    const samples = [s({ gold: true, answers: [{ validatorId: 9, round: 0, answer: null }] }), s({ gold: true, answers: [{ validatorId: 9, round: 0, answer: [1] }] })];
    const [v] = personReliability(samples, { minCount: 2, flagP: 0.001 }).filter((p) => p.role === 'validator');
    expect(v!.gold).toMatchObject({ n: 2, k: 1, p: 0.5 });
    const [w] = personReliability(samples, { minCount: 3, flagP: 0.001 }).filter((p) => p.role === 'validator');
    expect(w!.gold).toMatchObject({ n: 2, k: 1, p: null, low: null, high: null, z: null, tailLow: null });
  });

  it('finds the planted unreliable raters of a simulated project, and nobody else (seeded)', () => {
    const sim = simulateProject({ seed: 2026, samples: 6000, annotators: 12, validators: 20, randomAnnotators: 1, randomValidators: 2, noTargetValidators: 1 });
    const people = personReliability(sim.samples);
    const flagged = (f: string) => people.filter((p) => p.flags.includes(f as never)).map((p) => p.userId).sort();
    expect(flagged('outcome_low').filter((id) => sim.annotatorIds.includes(id))).toEqual(sim.randomAnnotatorIds);
    expect(flagged('gold_low')).toEqual(sim.randomValidatorIds);
    expect(flagged('no_target_high')).toEqual(sim.noTargetValidatorIds);
    const planted = new Set([...sim.randomAnnotatorIds, ...sim.randomValidatorIds, ...sim.noTargetValidatorIds]);
    expect(people.filter((p) => p.flags.length > 0 && !planted.has(p.userId))).toEqual([]);
    // Every planted person is flagged (the "no target" one also on outcomes and gold).
    for (const id of planted) expect(people.some((p) => p.userId === id && p.flags.length > 0)).toBe(true);

    const prepared = prepareSetAlpha(alphaUnits(sim.samples), 'masi');
    const a = alpha(prepared.data)!;
    const ci = bootstrapAlpha(prepared.data, 500, 1);
    expect(a).toBeGreaterThan(0.5);
    expect(a).toBeLessThan(0.95);
    expect(ci.low!).toBeLessThan(a);
    expect(ci.high!).toBeGreaterThan(a);
    // Without the planted raters the same project agrees more.
    const clean = simulateProject({ seed: 2026, samples: 6000, annotators: 12, validators: 20 });
    expect(alpha(prepareSetAlpha(alphaUnits(clean.samples), 'masi').data)!).toBeGreaterThan(a);
    expect(personReliability(clean.samples).filter((p) => p.flags.length > 0)).toEqual([]);
  });
});
