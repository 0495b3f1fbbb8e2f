import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { asc, eq, sql } from 'drizzle-orm';
import type { AnswerInput } from '#shared/schemas/validate.ts';
import { expressions, leases, validations } from '../db/schema/index.ts';
import { callerFor, makeUser, testApp, type TestApp } from '../testing/app.ts';
import { addExpression, importVideo } from '../testing/factories.ts';
import { updateSettings } from './settings.ts';
import { inconsistentSamples, nextSample, submitAnswer, validatorStats } from './validation.ts';

type User = Awaited<ReturnType<typeof makeUser>>;

describe('validation protocol on the server', () => {
  let app: TestApp;
  let videoId: number;
  let ann: User;
  let v1: User;
  let v2: User;
  let v3: User;
  beforeEach(async () => {
    app = testApp();
    videoId = await importVideo(app, 'clip', 'accepted', 3);
    ann = await makeUser(app, 'ann', ['annotator']);
    v1 = await makeUser(app, 'v1', ['validator']);
    v2 = await makeUser(app, 'v2', ['validator']);
    v3 = await makeUser(app, 'v3', ['validator']);
  });
  afterEach(() => app.cleanup());

  const status = (id: number) => app.db.select({ s: expressions.status, r: expressions.rejectReason }).from(expressions).where(eq(expressions.id, id)).get()!;

  it('mismatch → second validator → match: accepted, with blind views and feedback', async () => {
    const e = addExpression(app, { videoId, authorId: ann.id, targets: [1, 2] });
    const sample = await callerFor(app, v1).validate.next();
    expect(Object.keys(sample!).sort()).toEqual(['expiresAt', 'expressionId', 'text', 'videoId']);
    expect(sample!.expressionId).toBe(e);
    const f1 = await callerFor(app, v1).validate.answer({ expressionId: e, answer: { kind: 'targets', targets: [1] } });
    expect(f1).toEqual({ alreadyAnswered: false, agreed: false, outcome: null, correctTargets: null, points: 0 });
    expect(status(e).s).toBe('second_round');
    expect(await callerFor(app, v1).validate.next()).toBeNull();
    const s2 = await callerFor(app, v2).validate.next();
    expect(s2!.expressionId).toBe(e);
    const f2 = await callerFor(app, v2).validate.answer({ expressionId: e, answer: { kind: 'targets', targets: [2, 1] } });
    expect(f2).toEqual({ alreadyAnswered: false, agreed: true, outcome: 'accepted', correctTargets: [1, 2], points: 1 });
    expect(status(e).s).toBe('accepted');
    const rounds = app.db.select({ r: validations.round, v: validations.validatorId }).from(validations).orderBy(asc(validations.id)).all();
    expect(rounds).toEqual([
      { r: 1, v: v1.id },
      { r: 2, v: v2.id },
    ]);
    expect((await callerFor(app, ann).annotate.mine({ limit: 5 })).expressions[0]!.status).toBe('accepted');
  });

  it('two mismatches discard; a reject rejects with its reason; ∅ = ∅ accepts', async () => {
    const a = addExpression(app, { videoId, authorId: ann.id, targets: [3] });
    await callerFor(app, v1).validate.next();
    await callerFor(app, v1).validate.answer({ expressionId: a, answer: { kind: 'no_target' } });
    await callerFor(app, v2).validate.next();
    const f = await callerFor(app, v2).validate.answer({ expressionId: a, answer: { kind: 'targets', targets: [1, 3] } });
    expect(f).toMatchObject({ outcome: 'discarded', correctTargets: [3], points: 0 });
    expect(status(a).s).toBe('discarded');

    const b = addExpression(app, { videoId, authorId: ann.id, targets: [1] });
    await callerFor(app, v1).validate.next();
    const r = await callerFor(app, v1).validate.answer({ expressionId: b, answer: { kind: 'reject', reason: 'single_frame' } });
    expect(r).toMatchObject({ agreed: null, outcome: 'rejected', correctTargets: null, points: 1 });
    expect(status(b)).toEqual({ s: 'rejected', r: 'single_frame' });

    const c = addExpression(app, { videoId, authorId: ann.id, targets: [] });
    await callerFor(app, v3).validate.next();
    expect((await callerFor(app, v3).validate.answer({ expressionId: c, answer: { kind: 'no_target' } })).outcome).toBe('accepted');
  });

  it('never gives a validator their own sample, or samples of a video they wrote for (unless switched off)', async () => {
    const both = await makeUser(app, 'both', ['annotator', 'validator']);
    const own = addExpression(app, { videoId, authorId: both.id });
    const other = addExpression(app, { videoId, authorId: ann.id });
    expect(await callerFor(app, both).validate.next()).toBeNull();
    await expect(callerFor(app, both).validate.answer({ expressionId: own, answer: { kind: 'no_target' } })).rejects.toThrow('nobody validates their own expression');
    updateSettings(app.db, { validatorSkipsOwnVideos: false }, null);
    expect((await callerFor(app, both).validate.next())!.expressionId).toBe(other);
    expect(status(own).s).toBe('pending');
  });

  it('leases: one holder per sample and round, expiry returns it, late answers only while nobody else has it', () => {
    const e = addExpression(app, { videoId, authorId: ann.id, targets: [1] });
    const t0 = 1_000_000_000_000;
    expect(nextSample(app.db, v1.id, { now: t0 })!.expressionId).toBe(e);
    // The holder gets the same lease back; nobody else gets the sample meanwhile.
    expect(nextSample(app.db, v1.id, { now: t0 + 1000 })!.expiresAt).toBe(t0 + 10 * 60_000);
    expect(nextSample(app.db, v2.id, { now: t0 + 1000 })).toBeNull();
    // After the lease runs out the sample goes back to the queue.
    expect(nextSample(app.db, v2.id, { now: t0 + 11 * 60_000 })!.expressionId).toBe(e);
    expect(() => submitAnswer(app.db, v1.id, e, { kind: 'targets', targets: [1] }, t0 + 12 * 60_000)).toThrow('your time for this sample ran out');
    expect(submitAnswer(app.db, v2.id, e, { kind: 'targets', targets: [9] }, t0 + 12 * 60_000).outcome).toBeNull();
    // A late answer is still taken when nobody else holds the sample.
    expect(nextSample(app.db, v3.id, { now: t0 + 13 * 60_000 })!.expressionId).toBe(e);
    expect(submitAnswer(app.db, v3.id, e, { kind: 'targets', targets: [1] }, t0 + 30 * 60_000).outcome).toBe('accepted');
    expect(app.db.select().from(leases).all()).toEqual([]);
  });

  it('serves the oldest sample first and never the same one to two validators at once', () => {
    const first = addExpression(app, { videoId, authorId: ann.id });
    const second = addExpression(app, { videoId, authorId: ann.id });
    const now = Date.now();
    expect(nextSample(app.db, v1.id, { now })!.expressionId).toBe(first);
    expect(nextSample(app.db, v2.id, { now })!.expressionId).toBe(second);
    expect(nextSample(app.db, v3.id, { now })).toBeNull();
    expect(app.db.select({ n: sql<number>`count(distinct ${leases.expressionId})` }).from(leases).get()!.n).toBe(2);
  });

  it('a retried answer returns the stored feedback and stores nothing new', async () => {
    const e = addExpression(app, { videoId, authorId: ann.id, targets: [2] });
    await callerFor(app, v1).validate.next();
    const first = await callerFor(app, v1).validate.answer({ expressionId: e, answer: { kind: 'targets', targets: [2] } });
    const again = await callerFor(app, v1).validate.answer({ expressionId: e, answer: { kind: 'targets', targets: [2] } });
    expect(again).toEqual({ ...first, alreadyAnswered: true });
    expect(app.db.select().from(validations).all()).toHaveLength(1);
  });

  it('gold samples look like any other, score the validator, and never change state', async () => {
    const admin = await makeUser(app, 'boss', ['admin']);
    const goldId = addExpression(app, { videoId, authorId: ann.id, status: 'accepted', targets: [2] });
    await callerFor(app, admin).admin.expressions.setGold({ expressionId: goldId, gold: true });
    const real = addExpression(app, { videoId, authorId: ann.id });
    await expect(callerFor(app, admin).admin.expressions.setGold({ expressionId: real, gold: true })).rejects.toThrow('only accepted expressions can be gold samples');
    await callerFor(app, admin).admin.settings.update({ goldShare: 0.5 });
    // Gold is mixed into real work only; the dice decide (random < 0.5 → gold).
    const sample = nextSample(app.db, v1.id, { random: () => 0.1 })!;
    expect(sample.expressionId).toBe(goldId);
    expect(Object.keys(sample).sort()).toEqual(['expiresAt', 'expressionId', 'text', 'videoId']);
    const f = submitAnswer(app.db, v1.id, goldId, { kind: 'targets', targets: [1] });
    expect(f).toMatchObject({ agreed: false, outcome: 'accepted', correctTargets: [2], points: 0 });
    expect(status(goldId).s).toBe('accepted');
    expect(app.db.select({ r: validations.round }).from(validations).get()!.r).toBe(0);
    expect(nextSample(app.db, v1.id, { random: () => 0.9 })!.expressionId).toBe(real);
    const [stats] = validatorStats(app.db, [v1.id]);
    expect(stats).toMatchObject({ answered: 1, goldAnswered: 1, goldCorrect: 0, goldAccuracy: 0 });
  });

  it('the stored answers alone give every sample its status (replayed through the machine)', async () => {
    const truth = new Map<number, number>();
    for (let i = 0; i < 12; i++) truth.set(addExpression(app, { videoId, authorId: ann.id, targets: [1 + (i % 3)] }), 1 + (i % 3));
    const ids = [...truth.keys()];
    const validators = [v1, v2, v3];
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let k = 0; k < 60; k++) {
      const v = validators[k % 3]!;
      const s = nextSample(app.db, v.id);
      if (!s) continue;
      const r = rand();
      const t = truth.get(s.expressionId)!;
      const answer: AnswerInput = r < 0.15 ? { kind: 'reject', reason: 'ambiguous' } : { kind: 'targets', targets: [r < 0.55 ? t : 1 + (t % 3)] };
      submitAnswer(app.db, v.id, s.expressionId, answer);
    }
    expect(inconsistentSamples(app.db)).toEqual([]);
    // The check can fail: a status that its answers do not support is reported.
    const victim = ids.find((id) => status(id).s === 'accepted')!;
    app.db.update(expressions).set({ status: 'discarded' }).where(eq(expressions.id, victim)).run();
    expect(inconsistentSamples(app.db)).toEqual([victim]);
    app.db.update(expressions).set({ status: 'accepted' }).where(eq(expressions.id, victim)).run();
    const statuses = new Set(ids.map((id) => status(id).s));
    expect(statuses.size).toBeGreaterThanOrEqual(3);
  });

  it('ranks validators by accuracy-weighted points', async () => {
    for (let i = 0; i < 6; i++) {
      const e = addExpression(app, { videoId, authorId: ann.id, targets: [1] });
      nextSample(app.db, v1.id);
      submitAnswer(app.db, v1.id, e, { kind: 'targets', targets: [i < 5 ? 1 : 2] });
      if (i === 5) {
        nextSample(app.db, v2.id);
        submitAnswer(app.db, v2.id, e, { kind: 'targets', targets: [1] });
      }
    }
    const board = await callerFor(app, v2).validate.leaderboard();
    expect(board.map((b) => b.username)).toEqual(['v1', 'v2']);
    expect(board[0]).toMatchObject({ rank: 1, answered: 6, scored: 6, correct: 5 });
    expect(board[0]!.points).toBeGreaterThan(board[1]!.points);
    const mine = await callerFor(app, v1).validate.stats();
    expect(mine.accuracy).toBeCloseTo(5 / 6);
  });
});
