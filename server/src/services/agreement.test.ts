import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { round3, setAlpha, weekOf, type SetAnswer } from '#shared/agreement/index.ts';
import type { ValidationAnswer } from '#shared/domain.ts';
import { QualityQuery } from '#shared/schemas/quality.ts';
import { expressions, validations } from '../db/schema/index.ts';
import { callerFor, makeUser, testApp, type TestApp } from '../testing/app.ts';
import { addExpression, importVideo } from '../testing/factories.ts';
import { qualityReport } from './agreement.ts';
import { createRelease } from './export/plan.ts';
import { writeRelease } from './export/write.ts';

/** A stored answer: a set (∅ = "no target") or null for a rejection. */
async function answer(app: TestApp, expressionId: number, validatorId: number, round: number, a: SetAnswer): Promise<void> {
  const kind: ValidationAnswer = a === null ? 'reject' : a.length === 0 ? 'no_target' : 'targets';
  await app.db.transaction((tx) =>
    tx.insert(validations).values({
      expressionId,
      validatorId,
      round,
      answer: kind,
      targets: kind === 'targets' ? JSON.stringify(a) : null,
      rejectReason: kind === 'reject' ? 'ambiguous' : null,
      durationMs: 1000,
      createdAt: Date.now(),
    }),
  );
}

describe('agreement from stored answers', () => {
  let app: TestApp;
  let admin: Awaited<ReturnType<typeof makeUser>>;
  const v: number[] = [];
  /** What each sample got, in the shape α reads: annotator's set first, then protocol answers. */
  const units: SetAnswer[][] = [];

  beforeAll(async () => {
    app = await testApp();
    admin = await makeUser(app, 'boss', ['admin']);
    const ann = await makeUser(app, 'ann', ['annotator']);
    for (const name of ['val1', 'val2', 'val3']) v.push((await makeUser(app, name, ['validator'])).id);
    const video = await importVideo(app, 'sheep', 'accepted', 4);
    const sample = async (targets: number[], status: 'accepted' | 'discarded' | 'rejected' | 'pending', answers: [number, SetAnswer][], gold = false) => {
      const id = await addExpression(app, { videoId: video, authorId: ann.id, status, targets });
      if (gold) await app.db.transaction((tx) => tx.update(expressions).set({ gold: true }).where(eq(expressions.id, id)));
      for (const [i, [who, a]] of answers.entries()) await answer(app, id, who, i + 1, a);
      units.push([targets, ...answers.map(([, a]) => a)]);
      return id;
    };
    await sample([1], 'accepted', [[v[0]!, [1]]]);
    await sample([1, 2], 'accepted', [
      [v[0]!, [1]],
      [v[1]!, [2, 1]],
    ]);
    await sample([3], 'discarded', [
      [v[1]!, [4]],
      [v[2]!, [4]],
    ]);
    await sample([], 'accepted', [
      [v[2]!, []],
    ]);
    await sample([2], 'discarded', [
      [v[0]!, []],
      [v[2]!, [2, 3]],
    ]);
    await sample([1], 'rejected', [[v[1]!, null]]);
    await sample([2, 3], 'rejected', [
      [v[0]!, [2]],
      [v[1]!, null],
    ]);
    await sample([4], 'pending', []);
    // A gold sample's answers (round 0) are not protocol answers: not in α.
    const gold = await sample([3], 'accepted', [[v[0]!, [3]]], true);
    await answer(app, gold, v[1]!, 0, [1]);
  });
  afterAll(async () => app.cleanup());

  const query = (q: Partial<QualityQuery> = {}) => QualityQuery.parse({ iterations: 200, minCount: 5, ...q });

  it('computes α over target sets as the shared domain does, rejections left out and counted', async () => {
    const r = await qualityReport(app.db, query());
    expect(r.overall.alpha).toBeCloseTo(setAlpha(units, 'masi')!, 12);
    // Pairable: every sample but the pending one and the one rejected at once.
    expect(r.overall.units).toBe(7);
    expect(r.overall.pairs).toBe(1 + 3 + 3 + 1 + 3 + 1 + 1);
    expect(r.overall.answers).toBe(12);
    expect(r.overall.rejections).toBe(2);
    expect(r.overall.low!).toBeLessThanOrEqual(r.overall.alpha!);
    expect(r.overall.high!).toBeGreaterThanOrEqual(r.overall.alpha!);
    const jaccard = await qualityReport(app.db, query({ distance: 'jaccard' }));
    expect(jaccard.overall.alpha).toBeCloseTo(setAlpha(units, 'jaccard')!, 12);
    expect(jaccard.overall.alpha).not.toBeCloseTo(r.overall.alpha!, 6);
    // One week, one split (the one the next release would give the video).
    expect(r.weeks).toEqual([expect.objectContaining({ week: weekOf(Date.now()), alpha: r.overall.alpha })]);
    expect(r.splits).toEqual([expect.objectContaining({ predicted: 9, alpha: r.overall.alpha })]);
    // A range without samples: nothing to compare.
    const empty = await qualityReport(app.db, query({ from: '2001-01-01', to: '2001-12-31' }));
    expect(empty.overall).toMatchObject({ alpha: null, low: null, units: 0 });
    expect(empty.weeks).toEqual([]);
  });

  it('reports each person against outcomes and gold, hiding rates below the minimum', async () => {
    const r = await qualityReport(app.db, query({ minCount: 5 }));
    const row = (name: string, role: string) => r.people.find((p) => p.username === name && p.role === role)!;
    // ann: 4 accepted (gold included), 2 discarded; rejected and pending samples are not counted.
    expect(row('ann', 'annotator').outcome).toMatchObject({ n: 6, k: 4, p: 4 / 6 });
    // val1: [1]=[1] ✓, [1]≠[1,2] ✗, [3] on the (then) accepted gold sample ✓; ∅ on a discarded sample
    // without consensus and [2] on a rejected one have no final set to agree with.
    expect(row('val1', 'validator').outcome).toMatchObject({ n: 3, k: 2, p: null });
    // val2: [2,1] ✓ (accepted [1,2]), [4] ✓ (discarded, both said [4]): 2/2; gold [1] ≠ [3].
    expect(row('val2', 'validator').outcome).toMatchObject({ n: 2, k: 2 });
    expect(row('val2', 'validator').gold).toMatchObject({ n: 1, k: 0 });
    expect(row('val2', 'validator').reject).toMatchObject({ n: 4, k: 2 });
    expect(row('val3', 'validator').noTarget).toMatchObject({ n: 3, k: 1 });
  });

  it('is cached until the data change, and refused to everyone but admins', async () => {
    const a = await qualityReport(app.db, query());
    const b = await qualityReport(app.db, query());
    expect(b.computedAt).toBe(a.computedAt);
    const [first] = await app.db.select({ id: expressions.id }).from(expressions).where(eq(expressions.status, 'pending'));
    await answer(app, first!.id, v[0]!, 1, [4]);
    units.find((u) => u.length === 1 && u[0]![0] === 4)!.push([4]);
    const c = await qualityReport(app.db, query());
    expect(c.overall.units).toBe(a.overall.units + 1);
    expect(c.overall.alpha).toBeCloseTo(setAlpha(units, 'masi')!, 12);

    const validator = await makeUser(app, 'nosy', ['validator', 'annotator', 'speaker']);
    await expect(callerFor(app, validator).admin.quality.report({})).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(callerFor(app, admin).admin.quality.report({ iterations: 1_000_000 })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(callerFor(app, admin).admin.quality.report({ from: '2025-02-01', to: '2025-01-01' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    const viaRouter = await callerFor(app, admin).admin.quality.report({ iterations: 200, minCount: 5 });
    expect(viaRouter.overall.alpha).toBe(c.overall.alpha);
  });

  it("writes the release's α into stats.json and the card, the same bytes on a second export", async () => {
    const release = await createRelease(app.db, { proportions: { train: 1, valid_u: 0, valid: 0, test: 0 } }, null);
    const one = await writeRelease(app.db, app.store, release, path.join(app.dir, 'out', 'one'));
    const two = await writeRelease(app.db, app.store, release, path.join(app.dir, 'out', 'two'));
    expect(two.manifestSha256).toBe(one.manifestSha256);
    const stats = JSON.parse(readFileSync(path.join(one.dir, 'stats.json'), 'utf8')) as { agreement: Record<string, unknown> & { ci95: number[] } };
    expect(stats.agreement).toMatchObject({ measure: 'krippendorff_alpha', distance: 'masi', alpha: round3(setAlpha(units, 'masi')), units: 8, bootstrap: { iterations: 1000, seed: 1, resample: 'units' } });
    expect(stats.agreement.rejected_share).toBe(round3(2 / 13));
    expect(stats.agreement.ci95[0]).toBeLessThanOrEqual(stats.agreement.alpha as number);
    expect((stats.agreement.splits as Record<string, unknown>).train).toMatchObject({ alpha: stats.agreement.alpha, units: 8 });
    const card = readFileSync(path.join(one.dir, 'README.md'), 'utf8');
    expect(card).toContain(`α = ${(stats.agreement.alpha as number).toFixed(3)} (95 % CI ${stats.agreement.ci95[0]!.toFixed(3)}–`);
    expect(card).toContain('Rejections (15.4 % of answers) are not target sets');
  });
});
