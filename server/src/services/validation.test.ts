import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { asc, eq, sql } from 'drizzle-orm';
import type { AnswerInput } from '#shared/schemas/validate.ts';
import { lockRow, rowLockTransaction } from '../db/client.ts';
import { DIALECT } from '../db/dialect.ts';
import { expressions, leaseHistory, leases, probes, validations } from '../db/schema/index.ts';
import { newTrace, traces } from '../db/trace.ts';
import { callerFor, makeUser, testApp, type TestApp } from '../testing/app.ts';
import { untilSomeoneWaitsForALock } from '../testing/lock-wait.ts';
import { addExpression, importVideo } from '../testing/factories.ts';
import { answersWithoutLease, leaseCacheMismatches, overlappingLeases, releaseLeasesOf, sweepExpiredMarks } from './leases.ts';
import { setUserDisabled } from './users.ts';
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
    app = await testApp();
    videoId = await importVideo(app, 'clip', 'accepted', 3);
    ann = await makeUser(app, 'ann', ['annotator']);
    v1 = await makeUser(app, 'v1', ['validator']);
    v2 = await makeUser(app, 'v2', ['validator']);
    v3 = await makeUser(app, 'v3', ['validator']);
  });
  afterEach(async () => app.cleanup());

  const status = async (id: number) => (await app.db.select({ s: expressions.status, r: expressions.rejectReason }).from(expressions).where(eq(expressions.id, id)))[0]!;

  it('mismatch → second validator → match: accepted, with blind views and feedback', async () => {
    const e = await addExpression(app, { videoId, authorId: ann.id, targets: [1, 2] });
    const sample = await callerFor(app, v1).validate.next();
    expect(Object.keys(sample!).sort()).toEqual(['expiresAt', 'expressionId', 'text', 'videoId']);
    expect(sample!.expressionId).toBe(e);
    const f1 = await callerFor(app, v1).validate.answer({ expressionId: e, answer: { kind: 'targets', targets: [1] } });
    expect(f1).toEqual({ alreadyAnswered: false, agreed: false, outcome: null, correctTargets: null, points: 0 });
    expect((await status(e)).s).toBe('second_round');
    expect(await callerFor(app, v1).validate.next()).toBeNull();
    const s2 = await callerFor(app, v2).validate.next();
    expect(s2!.expressionId).toBe(e);
    const f2 = await callerFor(app, v2).validate.answer({ expressionId: e, answer: { kind: 'targets', targets: [2, 1] } });
    expect(f2).toEqual({ alreadyAnswered: false, agreed: true, outcome: 'accepted', correctTargets: [1, 2], points: 1 });
    expect((await status(e)).s).toBe('accepted');
    const rounds = (await app.db.select({ r: validations.round, v: validations.validatorId }).from(validations).orderBy(asc(validations.id)));
    expect(rounds).toEqual([
      { r: 1, v: v1.id },
      { r: 2, v: v2.id },
    ]);
    expect((await callerFor(app, ann).annotate.mine({ limit: 5 })).expressions[0]!.status).toBe('accepted');
  });

  it('a discarded sample whose two validators agreed with each other offers their answer to its annotator, and only then', async () => {
    const answerBoth = async (id: number, first: AnswerInput, second: AnswerInput) => {
      expect((await callerFor(app, v1).validate.next())!.expressionId).toBe(id);
      await callerFor(app, v1).validate.answer({ expressionId: id, answer: first });
      expect((await callerFor(app, v2).validate.next())!.expressionId).toBe(id);
      await callerFor(app, v2).validate.answer({ expressionId: id, answer: second });
    };
    const agreedOnOther = await addExpression(app, { videoId, authorId: ann.id, targets: [1], text: 'the one leaving first' });
    await answerBoth(agreedOnOther, { kind: 'targets', targets: [3, 2] }, { kind: 'targets', targets: [2, 3] });
    const agreedOnNone = await addExpression(app, { videoId, authorId: ann.id, targets: [2], text: 'the one circling twice' });
    await answerBoth(agreedOnNone, { kind: 'no_target' }, { kind: 'no_target' });
    const splitThree = await addExpression(app, { videoId, authorId: ann.id, targets: [1], text: 'the one that stops' });
    await answerBoth(splitThree, { kind: 'targets', targets: [2] }, { kind: 'targets', targets: [3] });
    const accepted = await addExpression(app, { videoId, authorId: ann.id, targets: [1], text: 'the one that speeds up' });
    await answerBoth(accepted, { kind: 'targets', targets: [2] }, { kind: 'targets', targets: [1] });
    // Still open after one answer: nothing is revealed.
    const open = await addExpression(app, { videoId, authorId: ann.id, targets: [1], text: 'the one that turns back' });
    await callerFor(app, v1).validate.next();
    await callerFor(app, v1).validate.answer({ expressionId: open, answer: { kind: 'targets', targets: [2] } });

    const mine = new Map((await callerFor(app, ann).annotate.mine({ limit: 10 })).expressions.map((e) => [e.id, e]));
    expect(mine.get(agreedOnOther)).toMatchObject({ status: 'discarded', targets: [1], suggestedTargets: [2, 3] });
    expect(mine.get(agreedOnNone)).toMatchObject({ status: 'discarded', suggestedTargets: [] });
    expect(mine.get(splitThree)).toMatchObject({ status: 'discarded', suggestedTargets: null });
    expect(mine.get(accepted)).toMatchObject({ status: 'accepted', suggestedTargets: null });
    expect(mine.get(open)).toMatchObject({ status: 'second_round', suggestedTargets: null });
  });

  it('two mismatches discard; a reject rejects with its reason; ∅ = ∅ accepts', async () => {
    const a = await addExpression(app, { videoId, authorId: ann.id, targets: [3] });
    await callerFor(app, v1).validate.next();
    await callerFor(app, v1).validate.answer({ expressionId: a, answer: { kind: 'no_target' } });
    await callerFor(app, v2).validate.next();
    const f = await callerFor(app, v2).validate.answer({ expressionId: a, answer: { kind: 'targets', targets: [1, 3] } });
    expect(f).toMatchObject({ outcome: 'discarded', correctTargets: [3], points: 0 });
    expect((await status(a)).s).toBe('discarded');

    const b = await addExpression(app, { videoId, authorId: ann.id, targets: [1] });
    await callerFor(app, v1).validate.next();
    const r = await callerFor(app, v1).validate.answer({ expressionId: b, answer: { kind: 'reject', reason: 'single_frame' } });
    expect(r).toMatchObject({ agreed: null, outcome: 'rejected', correctTargets: null, points: 1 });
    expect((await status(b))).toEqual({ s: 'rejected', r: 'single_frame' });

    const c = await addExpression(app, { videoId, authorId: ann.id, targets: [] });
    await callerFor(app, v3).validate.next();
    expect((await callerFor(app, v3).validate.answer({ expressionId: c, answer: { kind: 'no_target' } })).outcome).toBe('accepted');
  });

  it('never gives a validator their own sample, or samples of a video they wrote for (unless switched off)', async () => {
    const both = await makeUser(app, 'both', ['annotator', 'validator']);
    const own = await addExpression(app, { videoId, authorId: both.id });
    const other = await addExpression(app, { videoId, authorId: ann.id });
    expect(await callerFor(app, both).validate.next()).toBeNull();
    await expect(callerFor(app, both).validate.answer({ expressionId: own, answer: { kind: 'no_target' } })).rejects.toThrow('not assigned to you');
    await updateSettings(app.db, { validatorSkipsOwnVideos: false }, null);
    expect((await callerFor(app, both).validate.next())!.expressionId).toBe(other);
    expect((await status(own)).s).toBe('pending');
  });

  it('checks eligibility again at answer time: writing for the video after taking the sample releases it', async () => {
    const both = await makeUser(app, 'both', ['annotator', 'validator']);
    const e = await addExpression(app, { videoId, authorId: ann.id, targets: [1] });
    expect((await callerFor(app, both).validate.next())!.expressionId).toBe(e);
    // Now they annotate the same video (their own expression is theirs, so nobody else's sample).
    await addExpression(app, { videoId, authorId: both.id, targets: [2] });
    await expect(callerFor(app, both).validate.answer({ expressionId: e, answer: { kind: 'targets', targets: [1] } })).rejects.toThrow('you wrote expressions for this video');
    expect((await status(e)).s).toBe('pending');
    expect((await app.db.select().from(validations))).toEqual([]);
    // The lease was released: the sample goes to the next validator at once.
    expect((await app.db.select().from(leases))).toEqual([]);
    expect((await callerFor(app, v1).validate.next())!.expressionId).toBe(e);
    expect((await app.db.select({ r: leaseHistory.endReason }).from(leaseHistory).orderBy(asc(leaseHistory.id))).map((r) => r.r)).toEqual(['released', null]);
  });

  it('refuses answers without a lease: an annotator plus a friendly validator cannot skip the queue', async () => {
    const older = await addExpression(app, { videoId, authorId: ann.id, targets: [1] });
    // The annotator's own submission returns its id; the friend answers it straight away.
    const { expressionId: id } = await callerFor(app, ann).annotate.submit({
      uid: '6d2f5a51-3f8c-4b8e-9a57-7a0c2d6c1e11',
      videoId,
      targets: [2],
      text: 'the second object moving slowly to the left',
      acknowledged: ['static_target', 'static_attributes'],
    });
    for (const v of [v1, v2]) {
      await expect(callerFor(app, v).validate.answer({ expressionId: id, answer: { kind: 'targets', targets: [2] } })).rejects.toThrow('not assigned to you');
    }
    // Ids that do not exist get the same words (no oracle), and nothing was stored.
    await expect(callerFor(app, v1).validate.answer({ expressionId: 999_999, answer: { kind: 'no_target' } })).rejects.toThrow('not assigned to you');
    expect((await status(id)).s).toBe('pending');
    expect((await app.db.select().from(validations))).toEqual([]);
    // Holding a lease on one sample gives no right to answer another.
    expect((await callerFor(app, v1).validate.next())!.expressionId).toBe(older);
    await expect(callerFor(app, v1).validate.answer({ expressionId: id, answer: { kind: 'targets', targets: [2] } })).rejects.toThrow('not assigned to you');
    expect((await status(id)).s).toBe('pending');
  });

  it('gold feedback only for gold the server served: stepping through ids reveals nothing', async () => {
    const gold = await addExpression(app, { videoId, authorId: ann.id, status: 'accepted', targets: [3] });
    await app.db.transaction((tx) => tx.update(expressions).set({ gold: true }).where(eq(expressions.id, gold)));
    for (let id = 1; id <= gold + 3; id++) {
      const err = await callerFor(app, v1).validate.answer({ expressionId: id, answer: { kind: 'targets', targets: [1] } }).catch((e: Error) => e);
      expect(err, `answer to ${id}`).toBeInstanceOf(Error);
      expect((err as Error).message).not.toMatch(/\[3\]|correct/);
    }
    expect((await app.db.select().from(validations))).toEqual([]);
  });

  it('leases: one holder per sample and round, expiry returns it, late answers only while nobody else has it', async () => {
    const e = await addExpression(app, { videoId, authorId: ann.id, targets: [1] });
    const t0 = 1_000_000_000_000;
    expect((await nextSample(app.db, v1.id, { now: t0 }))!.expressionId).toBe(e);
    // The holder gets the same lease back; nobody else gets the sample meanwhile.
    expect((await nextSample(app.db, v1.id, { now: t0 + 1000 }))!.expiresAt).toBe(t0 + 10 * 60_000);
    expect(await nextSample(app.db, v2.id, { now: t0 + 1000 })).toBeNull();
    // After the lease runs out the sample goes back to the queue.
    expect((await nextSample(app.db, v2.id, { now: t0 + 11 * 60_000 }))!.expressionId).toBe(e);
    await expect(submitAnswer(app.db, v1.id, e, { kind: 'targets', targets: [1] }, t0 + 12 * 60_000)).rejects.toThrow('not assigned to you');
    expect((await submitAnswer(app.db, v2.id, e, { kind: 'targets', targets: [9] }, t0 + 12 * 60_000)).outcome).toBeNull();
    // A late answer is still taken when nobody else holds the sample.
    expect((await nextSample(app.db, v3.id, { now: t0 + 13 * 60_000 }))!.expressionId).toBe(e);
    expect((await submitAnswer(app.db, v3.id, e, { kind: 'targets', targets: [1] }, t0 + 30 * 60_000)).outcome).toBe('accepted');
    expect((await app.db.select().from(leases))).toEqual([]);
    // The server's own history: v1 ended when v2 took over, v2 and v3 by their answers; no overlap.
    const history = (await app.db.select().from(leaseHistory).orderBy(asc(leaseHistory.id)));
    expect(history.map((h) => [h.validatorId, h.round, h.endReason])).toEqual([
      [v1.id, 1, 'expired'],
      [v2.id, 1, 'answered'],
      [v3.id, 2, 'answered'],
    ]);
    expect(history[0]!.endedAt).toBe(t0 + 11 * 60_000);
    expect(await overlappingLeases(app.db)).toBe(0);
    expect(await answersWithoutLease(app.db)).toBe(0);
  });

  it('a holder whose time ran out gets the same sample back, renewed, while nobody took it over', async () => {
    const e = await addExpression(app, { videoId, authorId: ann.id, targets: [1] });
    const t0 = 1_000_000_000_000;
    await nextSample(app.db, v1.id, { now: t0 });
    const again = (await nextSample(app.db, v1.id, { now: t0 + 20 * 60_000 }))!;
    expect(again).toMatchObject({ expressionId: e, expiresAt: t0 + 30 * 60_000 });
    expect((await app.db.select().from(leaseHistory))).toHaveLength(1);
    expect(await nextSample(app.db, v2.id, { now: t0 + 21 * 60_000 })).toBeNull();
  });

  it("each sample's queue mark follows its lease through grant, renewal, sweep, take-over, answer and release", async () => {
    const e = await addExpression(app, { videoId, authorId: ann.id, targets: [1] });
    const other = await addExpression(app, { videoId, authorId: ann.id, targets: [2] });
    const t0 = 1_000_000_000_000;
    const mark = async (id: number) => (await app.db.select({ m: expressions.leaseExpiresAt }).from(expressions).where(eq(expressions.id, id)))[0]!.m;
    const lease = 10 * 60_000;
    await nextSample(app.db, v1.id, { now: t0 });
    expect(await mark(e)).toBe(t0 + lease);
    expect(await leaseCacheMismatches(app.db, t0)).toBe(0);
    // The held sample is not in the queue: the next validator gets the other one.
    expect((await nextSample(app.db, v2.id, { now: t0 + 1 }))!.expressionId).toBe(other);
    // Renewed after running out: the mark moves with the lease.
    await nextSample(app.db, v1.id, { now: t0 + lease + 5000 });
    expect(await mark(e)).toBe(t0 + 2 * lease + 5000);
    // Ran out and swept (the lease stays, its holder may still answer): back in the queue, and
    // taken over by the next validator who asks.
    const late = t0 + 3 * lease;
    expect(await nextSample(app.db, v3.id, { now: late })).toMatchObject({ expressionId: e });
    expect(await mark(e)).toBe(late + lease);
    expect(await leaseCacheMismatches(app.db, late)).toBe(0);
    // Answered: unmarked, and waiting for its second round in the queue.
    await submitAnswer(app.db, v3.id, e, { kind: 'targets', targets: [2] }, late + 1000);
    expect(await mark(e)).toBeNull();
    // A disabled validator's samples go back at once.
    expect((await nextSample(app.db, v1.id, { now: late + 2000 }))!.expressionId).toBe(e);
    expect(await mark(e)).not.toBeNull();
    await setUserDisabled(app.db, v1.id, true, null);
    expect(await mark(e)).toBeNull();
    expect(await leaseCacheMismatches(app.db, late + 3000)).toBe(0);
    // The check can fail: a mark without a lease, and a live lease without its mark.
    await app.db.transaction((tx) => tx.update(expressions).set({ leaseExpiresAt: late + lease }).where(eq(expressions.id, e)));
    expect(await leaseCacheMismatches(app.db, late + 3000)).toBe(1);
    await app.db.transaction((tx) => tx.update(expressions).set({ leaseExpiresAt: null }).where(eq(expressions.id, other)));
    expect(await leaseCacheMismatches(app.db, t0 + 2)).toBe(2);
  });

  it('the overlap check on the lease history can fail', async () => {
    const e = await addExpression(app, { videoId, authorId: ann.id, targets: [1] });
    await nextSample(app.db, v1.id, { now: 1000 });
    await app.db.transaction((tx) => tx.insert(leaseHistory).values({ id: 99, expressionId: e, validatorId: v2.id, round: 1, issuedAt: 2000, expiresAt: 9000 }));
    expect(await overlappingLeases(app.db)).toBe(1);
    await app.db.transaction((tx) => tx.insert(validations).values({ expressionId: e, validatorId: v3.id, round: 1, answer: 'no_target', durationMs: 1, createdAt: 3000 }));
    expect(await answersWithoutLease(app.db)).toBe(1);
  });

  it('serves the oldest sample first and never the same one to two validators at once', async () => {
    const first = await addExpression(app, { videoId, authorId: ann.id });
    const second = await addExpression(app, { videoId, authorId: ann.id });
    const now = Date.now();
    expect((await nextSample(app.db, v1.id, { now }))!.expressionId).toBe(first);
    expect((await nextSample(app.db, v2.id, { now }))!.expressionId).toBe(second);
    expect(await nextSample(app.db, v3.id, { now })).toBeNull();
    expect((await app.db.select({ n: sql<number>`count(distinct ${leases.expressionId})` }).from(leases))[0]!.n).toBe(2);
  });

  it('a retried answer returns the stored feedback and stores nothing new', async () => {
    const e = await addExpression(app, { videoId, authorId: ann.id, targets: [2] });
    await callerFor(app, v1).validate.next();
    const first = await callerFor(app, v1).validate.answer({ expressionId: e, answer: { kind: 'targets', targets: [2] } });
    const again = await callerFor(app, v1).validate.answer({ expressionId: e, answer: { kind: 'targets', targets: [2] } });
    expect(again).toEqual({ ...first, alreadyAnswered: true });
    expect((await app.db.select().from(validations))).toHaveLength(1);
  });

  it.runIf(DIALECT === 'postgres')('an answer waits for the database twice: the row lock with its read, the writes with the COMMIT', async () => {
    const e = await addExpression(app, { videoId, authorId: ann.id, targets: [2] });
    await nextSample(app.db, v1.id);
    const trace = newTrace();
    const feedback = await traces.run(trace, () => submitAnswer(app.db, v1.id, e, { kind: 'targets', targets: [2] }));
    expect(feedback.agreed).toBe(true);
    expect((await status(e)).s).toBe('accepted');
    // [BEGIN + lock, the read] and [the writes, COMMIT], pipelined (db/postgres.ts): four waits unpipelined.
    expect({ statements: trace.statements, roundTrips: trace.roundTrips }).toEqual({ statements: 4, roundTrips: 2 });
  });

  it.runIf(DIALECT === 'postgres')('a hand-out that loses a race runs again instead of failing: the lease being renewed was ended meanwhile', async () => {
    const e = await addExpression(app, { videoId, authorId: ann.id, targets: [2] });
    const t0 = 1_000_000_000_000;
    const first = (await nextSample(app.db, v1.id, { now: t0 }))!;
    const late = t0 + 20 * 60_000;
    // Swept already (its queue mark cleared), so that v1's hand-out below meets the sample's row
    // lock only in the renewal of its run-out lease.
    await rowLockTransaction(app.db, (tx) => sweepExpiredMarks(tx, late));
    let asked: Promise<unknown> | undefined;
    await app.db.transaction(async (tx) => {
      await lockRow(tx, 'expressions', e);
      asked = nextSample(app.db, v1.id, { now: late });
      asked.catch(() => {});
      // Until v1's renewal waits for this transaction's lock on the sample.
      await untilSomeoneWaitsForALock(app.db);
      // The lease ends under it (an admin disabling the account does this), as a take-over would.
      await releaseLeasesOf(tx, v1.id, late);
    });
    // The renewal found its lease gone (RaceLost) after the hand-out statement had counted a
    // commit; run again, the hand-out grants the sample afresh instead of failing the request.
    const again = await asked;
    expect(again).toMatchObject({ expressionId: e, expiresAt: late + 10 * 60_000 });
    const history = await app.db.select({ id: leaseHistory.id, v: leaseHistory.validatorId, reason: leaseHistory.endReason }).from(leaseHistory).orderBy(asc(leaseHistory.id));
    expect(history).toEqual([
      { id: history[0]!.id, v: v1.id, reason: 'released' },
      { id: history[1]!.id, v: v1.id, reason: null },
    ]);
    expect(first.expiresAt).toBe(t0 + 10 * 60_000);
    expect(await overlappingLeases(app.db)).toBe(0);
    expect(await leaseCacheMismatches(app.db, late)).toBe(0);
  });

  it('gold samples look like any other, score the validator, and never change state', async () => {
    const admin = await makeUser(app, 'boss', ['admin']);
    const goldId = await addExpression(app, { videoId, authorId: ann.id, status: 'accepted', targets: [2] });
    await callerFor(app, admin).admin.expressions.setGold({ expressionId: goldId, gold: true });
    const real = await addExpression(app, { videoId, authorId: ann.id });
    await expect(callerFor(app, admin).admin.expressions.setGold({ expressionId: real, gold: true })).rejects.toThrow('only accepted expressions can be gold samples');
    await callerFor(app, admin).admin.settings.update({ goldShare: 0.5 });
    // Gold is mixed into real work only; the dice decide (random < 0.5 → gold).
    const sample = (await nextSample(app.db, v1.id, { random: () => 0.1 }))!;
    expect(sample.expressionId).toBe(goldId);
    expect(Object.keys(sample).sort()).toEqual(['expiresAt', 'expressionId', 'text', 'videoId']);
    const f = await submitAnswer(app.db, v1.id, goldId, { kind: 'targets', targets: [1] });
    expect(f).toMatchObject({ agreed: false, outcome: 'accepted', correctTargets: [2], points: 0 });
    expect((await status(goldId)).s).toBe('accepted');
    expect((await app.db.select({ r: validations.round }).from(validations))[0]!.r).toBe(0);
    expect((await nextSample(app.db, v1.id, { random: () => 0.9 }))!.expressionId).toBe(real);
    const [stats] = await validatorStats(app.db, [v1.id]);
    expect(stats).toMatchObject({ answered: 1, goldAnswered: 1, goldCorrect: 0, goldAccuracy: 0 });
  });

  it('the stored answers alone give every sample its status (replayed through the machine)', async () => {
    const truth = new Map<number, number>();
    for (let i = 0; i < 12; i++) truth.set(await addExpression(app, { videoId, authorId: ann.id, targets: [1 + (i % 3)] }), 1 + (i % 3));
    const ids = [...truth.keys()];
    const validators = [v1, v2, v3];
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let k = 0; k < 60; k++) {
      const v = validators[k % 3]!;
      const s = await nextSample(app.db, v.id);
      if (!s) continue;
      const r = rand();
      const t = truth.get(s.expressionId)!;
      const answer: AnswerInput = r < 0.15 ? { kind: 'reject', reason: 'ambiguous' } : { kind: 'targets', targets: [r < 0.55 ? t : 1 + (t % 3)] };
      await submitAnswer(app.db, v.id, s.expressionId, answer);
    }
    expect(await inconsistentSamples(app.db)).toEqual([]);
    expect(await overlappingLeases(app.db)).toBe(0);
    expect(await answersWithoutLease(app.db)).toBe(0);
    // The check can fail: a status that its answers do not support is reported.
    const all = await Promise.all(ids.map(async (id) => ({ id, s: (await status(id)).s })));
    const victim = all.find((x) => x.s === 'accepted')!.id;
    await app.db.transaction((tx) => tx.update(expressions).set({ status: 'discarded' }).where(eq(expressions.id, victim)));
    expect(await inconsistentSamples(app.db)).toEqual([victim]);
    // An admin's rejection after the single-frame probe overrides the answers: not a mismatch.
    await app.db.transaction(async (tx) => {
      await tx.update(expressions).set({ status: 'rejected', rejectReason: 'single_frame' }).where(eq(expressions.id, victim));
      await tx.insert(probes).values({ expressionId: victim, frameIdx: 0, createdAt: 1, decision: 'reject', decidedAt: 2 });
    });
    expect(await inconsistentSamples(app.db)).toEqual([]);
    await app.db.transaction((tx) => tx.delete(probes).where(eq(probes.expressionId, victim)));
    await app.db.transaction((tx) => tx.update(expressions).set({ status: 'accepted', rejectReason: null }).where(eq(expressions.id, victim)));
    const statuses = new Set(await Promise.all(ids.map(async (id) => (await status(id)).s)));
    expect(statuses.size).toBeGreaterThanOrEqual(3);
  });

  it('ranks validators by accuracy-weighted points', async () => {
    for (let i = 0; i < 6; i++) {
      const e = await addExpression(app, { videoId, authorId: ann.id, targets: [1] });
      await nextSample(app.db, v1.id);
      await submitAnswer(app.db, v1.id, e, { kind: 'targets', targets: [i < 5 ? 1 : 2] });
      if (i === 5) {
        await nextSample(app.db, v2.id);
        await submitAnswer(app.db, v2.id, e, { kind: 'targets', targets: [1] });
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
