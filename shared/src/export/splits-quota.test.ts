import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { allocateByQuota, hashUnit, MEVIS_PROPORTIONS, quotaCounts, SPLITS, tallySplits, type SplitProportions } from './splits.ts';

const proportions = fc
  .tuple(fc.nat(1000), fc.nat(1000), fc.nat(1000), fc.nat(1000))
  .filter((w) => w.some((x) => x > 0))
  .map(([a, b, c, d]): SplitProportions => {
    const sum = a + b + c + d;
    return { train: a / sum, valid_u: b / sum, valid: c / sum, test: d / sum };
  });

describe('quota allocation of videos without a split', () => {
  it('hands out exactly n seats, none to a split without a share, one to each split with a share once n allows', () => {
    fc.assert(
      fc.property(fc.nat(300), proportions, (n, p) => {
        const c = quotaCounts(n, p);
        const positive = SPLITS.filter((s) => p[s] > 0);
        return (
          SPLITS.reduce((t, s) => t + c[s], 0) === n &&
          SPLITS.every((s) => c[s] >= 0 && (p[s] > 0 || c[s] === 0)) &&
          (n < positive.length || positive.every((s) => c[s] >= 1))
        );
      }),
    );
  });

  it('is largest remainder (each split within one seat of its exact share) when every share reaches a whole video', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 500 }), proportions, (n, p) => {
        fc.pre(SPLITS.every((s) => p[s] === 0 || p[s] * n >= 1));
        const c = quotaCounts(n, p);
        return SPLITS.every((s) => Math.abs(c[s] - p[s] * n) < 1);
      }),
    );
  });

  it('gives MeViS proportions their known counts', () => {
    // 2,006 videos: the MeViS release itself.
    expect(quotaCounts(2006, MEVIS_PROPORTIONS)).toEqual({ train: 1662, valid_u: 50, valid: 140, test: 154 });
    // 40: exact 33.14 / 0.997 / 2.79 / 3.07 → floors 33, 0, 2, 3; valid_u's minimum seat makes 39; the
    // last seat goes to the largest remainder left, valid's 0.79.
    expect(quotaCounts(40, MEVIS_PROPORTIONS)).toEqual({ train: 33, valid_u: 1, valid: 3, test: 3 });
    // 4: one each — the seats come from train, the only split above its share.
    expect(quotaCounts(4, MEVIS_PROPORTIONS)).toEqual({ train: 1, valid_u: 1, valid: 1, test: 1 });
    // 3: fewer videos than splits, no minimum: train's 2.49 and remainder 0.49 take all three.
    expect(quotaCounts(3, MEVIS_PROPORTIONS)).toEqual({ train: 3, valid_u: 0, valid: 0, test: 0 });
    // 20 (the small project of the issue): the old per-video hash gave valid_u none in most such projects.
    expect(quotaCounts(20, MEVIS_PROPORTIONS).valid_u).toBe(1);
    expect(quotaCounts(0, MEVIS_PROPORTIONS)).toEqual({ train: 0, valid_u: 0, valid: 0, test: 0 });
  });

  it('refuses a bad count or proportions', () => {
    expect(() => quotaCounts(-1, MEVIS_PROPORTIONS)).toThrow(/non-negative integer/);
    expect(() => quotaCounts(3, { train: 0.5, valid_u: 0.1, valid: 0.1, test: 0.1 })).toThrow(/sum to 1/);
  });

  it('assigns by the seeded name hash in blocks, whatever order the names come in', () => {
    const names = Array.from({ length: 37 }, (_, i) => `video-${(i * 7919).toString(36)}`);
    const a = allocateByQuota(names, 2006, MEVIS_PROPORTIONS);
    const b = allocateByQuota([...names].reverse(), 2006, MEVIS_PROPORTIONS);
    expect([...b].sort()).toEqual([...a].sort());
    const counts = Object.fromEntries(SPLITS.map((s) => [s, [...a.values()].filter((x) => x === s).length]));
    expect(counts).toEqual(quotaCounts(37, MEVIS_PROPORTIONS));
    // The lowest hashes are train, the highest test: splits are contiguous runs of the hash order.
    const byHash = [...names].sort((x, y) => hashUnit(x, 2006) - hashUnit(y, 2006));
    const runs = byHash.map((n) => a.get(n)!).filter((s, i, all) => i === 0 || all[i - 1] !== s);
    expect(runs).toEqual(['train', 'valid_u', 'valid', 'test']);
    // Another seed reorders the names, so other videos land outside train.
    const c = allocateByQuota(names, 7, MEVIS_PROPORTIONS);
    expect(names.filter((n) => c.get(n) !== a.get(n)).length).toBeGreaterThan(0);
  });

  it('tallies per split and origin in a fixed key order', () => {
    const t = tallySplits([
      { split: 'valid_u', origin: 'source' },
      { split: 'train', origin: 'quota' },
      { split: 'train', origin: 'pinned' },
      { split: 'valid_u', origin: 'source' },
    ]);
    expect(JSON.stringify(t)).toBe('{"train":{"pinned":1,"quota":1},"valid_u":{"source":2}}');
  });
});
