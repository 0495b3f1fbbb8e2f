import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asc, eq, inArray } from 'drizzle-orm';
import type { AnswerInput } from '#shared/schemas/validate.ts';
import { expressions, leaseHistory, leases, probes, raterExclusions, releaseExpressions, validations } from '../db/schema/index.ts';
import { callerFor, makeUser, testApp, type TestApp } from '../testing/app.ts';
import { addExpression, importVideo } from '../testing/factories.ts';
import { loadAgreementSamples } from './agreement-data.ts';
import { qualityReport, releaseAgreement } from './agreement.ts';
import { answerSums } from './answer-sums.ts';
import { dashboard } from './dashboard.ts';
import { createRelease } from './export/plan.ts';
import { setGold } from './expressions-admin.ts';
import { leaseCacheMismatches, overlappingLeases } from './leases.ts';
import { excludeRater, listExclusions, previewExclusion } from './rater-exclusion.ts';
import { rolesOf } from './users.ts';
import { inconsistentSamples, nextSample, submitAnswer, validatorStats } from './validation.ts';

const AGREE: AnswerInput = { kind: 'targets', targets: [1] };
const OTHER: AnswerInput = { kind: 'targets', targets: [2] };
const REJECT: AnswerInput = { kind: 'reject', reason: 'ambiguous' };

type User = Awaited<ReturnType<typeof makeUser>>;

/**
 * What every answer that still counts says, recounted from the raw rows by the definitions in
 * answer-sums.ts: scored when its sample ended accepted or rejected, correct when it matched; per
 * sample, the first answer left and whether the sample was decided.
 */
async function naive(app: TestApp) {
  const status = new Map((await app.db.select({ id: expressions.id, status: expressions.status }).from(expressions)).map((e) => [e.id, e.status]));
  const answers = (await app.db.select().from(validations).orderBy(asc(validations.id))).filter((v) => v.voidedAt === null);
  const per = new Map<number, { answered: number; scored: number; correct: number; goldAnswered: number }>();
  const firstOf = new Map<number, (typeof answers)[number]>();
  for (const v of answers) {
    const n = per.get(v.validatorId) ?? per.set(v.validatorId, { answered: 0, scored: 0, correct: 0, goldAnswered: 0 }).get(v.validatorId)!;
    n.answered++;
    if (v.round === 0) {
      n.goldAnswered++;
      continue;
    }
    if (!firstOf.has(v.expressionId)) firstOf.set(v.expressionId, v);
    const s = status.get(v.expressionId);
    if (s !== 'accepted' && s !== 'rejected') continue;
    n.scored++;
    if ((s === 'accepted' && v.agrees) || (s === 'rejected' && v.answer === 'reject')) n.correct++;
  }
  const firsts = [...firstOf.values()];
  return { per, firstAnswers: firsts.length, agreed: firsts.filter((v) => v.agrees).length };
}

/** The running sums (validator page, leaderboard, dashboard) hold to the naive recount. */
async function expectSumsMatchNaive(app: TestApp) {
  const n = await naive(app);
  const stats = await validatorStats(app.db);
  expect(stats.map((s) => s.validatorId).sort((a, b) => a - b)).toEqual([...n.per.keys()].sort((a, b) => a - b));
  for (const s of stats) expect([s.validatorId, s.answered, s.scored, s.correct, s.goldAnswered]).toEqual([s.validatorId, ...Object.values(n.per.get(s.validatorId)!)]);
  const days = (await answerSums(app.db)).days;
  const total = (k: 'firstAnswers' | 'agreed' | 'accepted' | 'rejected' | 'discarded') => days.reduce((sum, d) => sum + d[k], 0);
  const annotated = await app.db.select({ status: expressions.status }).from(expressions).where(eq(expressions.origin, 'annotated'));
  const counted = (s: string) => annotated.filter((e) => e.status === s).length;
  expect({ first: total('firstAnswers'), agreed: total('agreed'), accepted: total('accepted'), rejected: total('rejected'), discarded: total('discarded') }).toEqual({
    first: n.firstAnswers,
    agreed: n.agreed,
    accepted: counted('accepted'),
    rejected: counted('rejected'),
    discarded: counted('discarded'),
  });
}

describe('taking a validator’s answers out of the next round', () => {
  let app: TestApp;
  let admin: User;
  let ann: User;
  let bad: User;
  let v1: User;
  let v2: User;
  let v3: User;
  let video: number;
  const s: Record<string, number> = {};

  /** The sample the validator is handed next (never gold unless asked) must be `expected`; answered with `answer`. */
  async function give(who: User, expected: number, answer?: AnswerInput, gold = false) {
    const got = await nextSample(app.db, who.id, { random: () => (gold ? 0 : 1) });
    expect(got?.expressionId).toBe(expected);
    if (answer) await submitAnswer(app.db, who.id, expected, answer);
  }
  const sample = (name: string) => addExpression(app, { videoId: video, authorId: ann.id, targets: [1], text: `sample ${name}` }).then((id) => (s[name] = id));
  const state = async (id: number) => (await app.db.select().from(expressions).where(eq(expressions.id, id)))[0]!;

  beforeAll(async () => {
    app = await testApp();
    admin = await makeUser(app, 'boss', ['admin']);
    ann = await makeUser(app, 'ann', ['annotator']);
    bad = await makeUser(app, 'bad', ['validator', 'speaker']);
    v1 = await makeUser(app, 'v1', ['validator']);
    v2 = await makeUser(app, 'v2', ['validator']);
    v3 = await makeUser(app, 'v3', ['validator']);
    video = await importVideo(app, 'otters', 'accepted', 3);
    // Each sample runs through the real protocol, one at a time, so each hand-out is the sample named.
    await give(bad, await sample('acceptedByBad'), AGREE);
    await give(bad, await sample('rejectedByBad'), REJECT);
    await give(bad, await sample('badThenV1Accepts'), OTHER);
    await give(v1, s.badThenV1Accepts!, AGREE);
    await give(v1, await sample('v1ThenBadAccepts'), OTHER);
    await give(bad, s.v1ThenBadAccepts!, AGREE);
    await give(bad, await sample('discarded'), OTHER);
    await give(v1, s.discarded!, OTHER);
    await give(v1, await sample('untouchedAccepted'), AGREE);
    await give(bad, await sample('releasedByBad'), AGREE);
    // A gold sample (imported: no protocol answers) bad answered once.
    s.gold = await addExpression(app, { videoId: video, authorId: null, status: 'accepted', targets: [2], text: 'gold sample' });
    await setGold(app.db, s.gold, true, admin.id);
    // Everything accepted so far is in a release; what follows is not.
    s.release = (await createRelease(app.db, { proportions: { train: 1, valid_u: 0, valid: 0, test: 0 } }, admin.id)).id;
    await give(bad, await sample('roundTwoLeased'), OTHER);
    // v2 holds the round-2 lease of a sample whose round 1 was bad's.
    await give(v2, s.roundTwoLeased!);
    await give(v3, await sample('untouchedOpen'), OTHER);
    // Gold is mixed into real work only: the open sample above is that work.
    await give(bad, s.gold, { kind: 'targets', targets: [1] }, true);
  });
  afterAll(async () => app.cleanup());

  it('previews what it would do, changing nothing', async () => {
    const before = await app.db.select().from(validations).orderBy(asc(validations.id));
    const p = await previewExclusion(app.db, { userId: bad.id, role: 'validator' }, admin.id);
    expect(p).toMatchObject({ username: 'bad', role: 'validator', answers: 8, goldAnswers: 1, inRelease: 3, leases: 1, hasRole: true, canRemoveRole: true });
    expect(p.samples).toEqual(
      expect.arrayContaining([
        { from: 'accepted', to: 'pending', n: 2 },
        { from: 'rejected', to: 'pending', n: 1 },
        { from: 'accepted', to: 'second_round', n: 1 },
        { from: 'discarded', to: 'second_round', n: 1 },
        { from: 'second_round', to: 'pending', n: 1 },
      ]),
    );
    expect(p.samples).toHaveLength(5);
    expect(await app.db.select().from(validations).orderBy(asc(validations.id))).toEqual(before);
  });

  it('voids the answers and re-derives each sample through the protocol; everything else stays', async () => {
    const others = [s.untouchedAccepted!, s.untouchedOpen!, s.gold!, s.badThenV1Accepts!];
    const untouchedBefore = await app.db.select().from(expressions).where(inArray(expressions.id, others)).orderBy(asc(expressions.id));
    const othersAnswers = await app.db.select().from(validations).where(inArray(validations.validatorId, [v1.id, v2.id, v3.id])).orderBy(asc(validations.id));
    const releasedBefore = await app.db.select().from(releaseExpressions).orderBy(asc(releaseExpressions.expressionId));
    const agreementBefore = JSON.stringify(await releaseAgreement(app.db, s.release!));
    const reportBefore = await qualityReport(app.db, { distance: 'masi', iterations: 0, minCount: 5 });
    await expectSumsMatchNaive(app);

    const r = await excludeRater(app.db, { userId: bad.id, role: 'validator', note: 'flagged: outcome low' }, admin.id, Date.now() + 1000);
    expect(r).toMatchObject({ voidedAnswers: 8, reopenedSamples: 6, leasesReleased: 1, roleRemoved: false });
    expect(r.exclusionId).not.toBeNull();

    // The protocol's verdicts on the answers left.
    const expected: Record<string, [string, number]> = {
      acceptedByBad: ['pending', 0],
      rejectedByBad: ['pending', 0],
      badThenV1Accepts: ['accepted', 1], // v1's answer agrees on its own
      v1ThenBadAccepts: ['second_round', 1], // v1's mismatch is round 1 now
      discarded: ['second_round', 1],
      releasedByBad: ['pending', 0],
      roundTwoLeased: ['pending', 0],
    };
    for (const [name, [status, left]] of Object.entries(expected)) {
      const e = await state(s[name]!);
      expect([name, e.status, e.rejectReason, e.decidedAt === null]).toEqual([name, status, null, status !== 'accepted']);
      const counting = (await app.db.select().from(validations).where(eq(validations.expressionId, e.id))).filter((v) => v.voidedAt === null && v.round > 0);
      expect([name, counting.length]).toEqual([name, left]);
    }
    expect(await inconsistentSamples(app.db)).toEqual([]);
    // Every answer of bad's is voided, nobody else's.
    expect((await app.db.select().from(validations).where(eq(validations.validatorId, bad.id))).every((v) => v.voidedAt !== null)).toBe(true);
    expect(await app.db.select().from(validations).where(inArray(validations.validatorId, [v1.id, v2.id, v3.id])).orderBy(asc(validations.id))).toEqual(othersAnswers);
    expect(await app.db.select().from(expressions).where(inArray(expressions.id, others)).orderBy(asc(expressions.id))).toEqual(untouchedBefore);
    // v2's round-2 lease no longer fits a pending sample: ended, and the sample is back in the queue.
    expect(await app.db.select().from(leases).where(eq(leases.validatorId, v2.id))).toEqual([]);
    const [ended] = await app.db.select().from(leaseHistory).where(eq(leaseHistory.validatorId, v2.id));
    expect(ended).toMatchObject({ expressionId: s.roundTwoLeased, endReason: 'released' });
    expect(await leaseCacheMismatches(app.db)).toBe(0);
    expect(await overlappingLeases(app.db)).toBe(0);
    // The release is frozen: the same samples, and its agreement the same bytes (the answers were voided after it).
    expect(await app.db.select().from(releaseExpressions).orderBy(asc(releaseExpressions.expressionId))).toEqual(releasedBefore);
    expect(JSON.stringify(await releaseAgreement(app.db, s.release!))).toBe(agreementBefore);

    // Nothing of bad's counts on the quality page or the dashboard any more.
    const report = await qualityReport(app.db, { distance: 'masi', iterations: 0, minCount: 5 });
    expect(reportBefore.people.some((p) => p.username === 'bad')).toBe(true);
    expect(report.people.some((p) => p.username === 'bad')).toBe(false);
    expect(report.overall.answers).toBe(reportBefore.overall.answers - 7);
    const live = await loadAgreementSamples(app.db);
    expect(live.flatMap((x) => x.answers).some((a) => a.validatorId === bad.id)).toBe(false);
    expect((await validatorStats(app.db)).some((v) => v.validatorId === bad.id)).toBe(false);
    expect((await dashboard(app.db)).users.validators.find((v) => v.userId === bad.id)).toMatchObject({ answered: 0 });
    await expectSumsMatchNaive(app);

    const [record] = await listExclusions(app.db);
    expect(record).toMatchObject({ id: r.exclusionId, username: 'bad', role: 'validator', actor: 'boss', note: 'flagged: outcome low', voidedAnswers: 8, reopenedSamples: 6 });
  });

  it('is idempotent: a second exclusion finds nothing left to void and changes nothing', async () => {
    const before = [await app.db.select().from(validations).orderBy(asc(validations.id)), await app.db.select().from(expressions).orderBy(asc(expressions.id))];
    const p = await previewExclusion(app.db, { userId: bad.id, role: 'validator' }, admin.id);
    expect(p).toMatchObject({ answers: 0, samples: [], leases: 0 });
    const r = await excludeRater(app.db, { userId: bad.id, role: 'validator' }, admin.id);
    expect(r).toEqual({ exclusionId: null, voidedAnswers: 0, reopenedSamples: 0, leasesReleased: 0, roleRemoved: false });
    expect([await app.db.select().from(validations).orderBy(asc(validations.id)), await app.db.select().from(expressions).orderBy(asc(expressions.id))]).toEqual(before);
    expect(await app.db.select().from(raterExclusions)).toHaveLength(1);
  });

  it('hands the reopened samples to other validators, never to the excluded one, and the sums keep up', async () => {
    // Oldest first: the samples bad alone had decided are back, and validators who never saw them decide them.
    await give(v3, s.acceptedByBad!, AGREE);
    expect((await state(s.acceptedByBad!)).status).toBe('accepted');
    await give(v2, s.rejectedByBad!, AGREE);
    expect((await state(s.rejectedByBad!)).status).toBe('accepted');
    // v2 answers round 2 of the sample whose round 1 is v1's mismatch now.
    await give(v2, s.v1ThenBadAccepts!, AGREE);
    expect((await state(s.v1ThenBadAccepts!)).status).toBe('accepted');
    // bad answered every other open sample once (a voided answer still holds its slot): only the
    // one bad never saw is theirs to answer, and that answer counts (it came after the exclusion).
    await give(bad, s.untouchedOpen!, AGREE);
    expect((await state(s.untouchedOpen!)).status).toBe('accepted');
    expect(await nextSample(app.db, bad.id, { random: () => 1 })).toBeNull();
    expect(await inconsistentSamples(app.db)).toEqual([]);
    await expectSumsMatchNaive(app);
  });

  it('takes the role away when asked, in the same transaction, and only if another role is left', async () => {
    const lonely = await makeUser(app, 'lonely', ['validator']);
    const handed = await nextSample(app.db, lonely.id, { random: () => 1 });
    await submitAnswer(app.db, lonely.id, handed!.expressionId, OTHER);
    const answersBefore = await app.db.select().from(validations).orderBy(asc(validations.id));
    await expect(excludeRater(app.db, { userId: lonely.id, role: 'validator', removeRole: true }, admin.id)).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/only role/) });
    expect(await app.db.select().from(validations).orderBy(asc(validations.id))).toEqual(answersBefore);
    expect((await previewExclusion(app.db, { userId: lonely.id, role: 'validator' }, admin.id)).canRemoveRole).toBe(false);
    // bad keeps speaking, stops validating; the answer given since the first exclusion goes too.
    const r = await excludeRater(app.db, { userId: bad.id, role: 'validator', removeRole: true }, admin.id);
    expect(r).toMatchObject({ voidedAnswers: 1, reopenedSamples: 1, roleRemoved: true });
    expect((await state(s.untouchedOpen!)).status).toBe('second_round');
    expect(await rolesOf(app.db, bad.id)).toEqual(['speaker']);
    // Still excludable afterwards (their answers are theirs whatever their roles are now).
    expect((await previewExclusion(app.db, { userId: bad.id, role: 'validator' }, admin.id)).hasRole).toBe(false);
  });

  it('is for admins only, about a real person in that role, never oneself', async () => {
    const other = await makeUser(app, 'boss2', ['admin']);
    const speaker = await makeUser(app, 'quiet', ['speaker']);
    await expect(callerFor(app, v1).admin.quality.exclude({ userId: bad.id, role: 'validator' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(callerFor(app, v1).admin.quality.exclusionPreview({ userId: bad.id, role: 'validator' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(callerFor(app, null).admin.quality.exclusions()).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    const caller = callerFor(app, admin);
    await expect(caller.admin.quality.exclude({ userId: 999_999, role: 'validator' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(caller.admin.quality.exclude({ userId: admin.id, role: 'validator' })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/your own/) });
    await expect(caller.admin.quality.exclude({ userId: speaker.id, role: 'validator' })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/not a validator/) });
    await expect(caller.admin.quality.exclusionPreview({ userId: other.id, role: 'annotator' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(caller.admin.quality.exclude({ userId: v1.id, role: 'admin' } as never)).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(caller.admin.quality.exclude({ userId: v1.id, role: 'validator', note: 'x'.repeat(501) })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    expect((await caller.admin.quality.exclusions()).map((x) => [x.username, x.voidedAnswers])).toEqual([
      ['bad', 1],
      ['bad', 8],
    ]);
  });
});

describe('taking an annotator’s samples back to validation', () => {
  let app: TestApp;
  let admin: User;
  let ann: User;
  let v1: User;
  let v2: User;
  let v3: User;
  let video: number;
  const s: Record<string, number> = {};

  async function give(who: User, expected: number, answer?: AnswerInput) {
    const got = await nextSample(app.db, who.id, { random: () => 1 });
    expect(got?.expressionId).toBe(expected);
    if (answer) await submitAnswer(app.db, who.id, expected, answer);
  }
  const sample = (name: string) => addExpression(app, { videoId: video, authorId: ann.id, targets: [1], text: `sample ${name}` }).then((id) => (s[name] = id));
  const state = async (id: number) => (await app.db.select().from(expressions).where(eq(expressions.id, id)))[0]!;

  beforeAll(async () => {
    app = await testApp();
    admin = await makeUser(app, 'boss', ['admin']);
    ann = await makeUser(app, 'ann', ['annotator', 'speaker']);
    v1 = await makeUser(app, 'v1', ['validator']);
    v2 = await makeUser(app, 'v2', ['validator']);
    v3 = await makeUser(app, 'v3', ['validator']);
    video = await importVideo(app, 'beavers', 'accepted', 3);
    await give(v1, await sample('released'), AGREE);
    s.release = (await createRelease(app.db, { proportions: { train: 1, valid_u: 0, valid: 0, test: 0 } }, admin.id)).id;
    await give(v1, await sample('accepted'), AGREE);
    await give(v1, await sample('rejected'), REJECT);
    await give(v1, await sample('discarded'), OTHER);
    await give(v2, s.discarded!, OTHER);
    await give(v1, await sample('roundTwo'), OTHER);
    await give(v2, s.roundTwo!);
    await give(v3, await sample('pendingLeased'));
  });
  afterAll(async () => app.cleanup());

  it('restarts the unreleased accepted and round-2 samples at round 1, voiding every answer on them', async () => {
    const keep = [s.released!, s.rejected!, s.discarded!, s.pendingLeased!];
    const kept = await app.db.select().from(expressions).where(inArray(expressions.id, keep)).orderBy(asc(expressions.id));
    const keptAnswers = await app.db.select().from(validations).where(inArray(validations.expressionId, keep)).orderBy(asc(validations.id));
    const p = await previewExclusion(app.db, { userId: ann.id, role: 'annotator' }, admin.id);
    expect(p).toMatchObject({ role: 'annotator', answers: 2, releasedLeftAlone: 1, leases: 1, canRemoveRole: true });
    expect(p.samples).toEqual(expect.arrayContaining([{ from: 'accepted', to: 'pending', n: 1 }, { from: 'second_round', to: 'pending', n: 1 }]));

    const r = await excludeRater(app.db, { userId: ann.id, role: 'annotator', removeRole: true }, admin.id);
    expect(r).toMatchObject({ voidedAnswers: 2, reopenedSamples: 2, leasesReleased: 1, roleRemoved: true });
    for (const id of [s.accepted!, s.roundTwo!]) {
      expect(await state(id)).toMatchObject({ status: 'pending', decidedAt: null, rejectReason: null, leaseExpiresAt: null });
      expect((await app.db.select().from(validations).where(eq(validations.expressionId, id))).every((v) => v.voidedAt !== null)).toBe(true);
    }
    expect(await app.db.select().from(expressions).where(inArray(expressions.id, keep)).orderBy(asc(expressions.id))).toEqual(kept);
    expect(await app.db.select().from(validations).where(inArray(validations.expressionId, keep)).orderBy(asc(validations.id))).toEqual(keptAnswers);
    // v3's round-1 lease on the pending sample still fits it; v2's round-2 lease does not.
    expect((await app.db.select().from(leases).orderBy(asc(leases.id))).map((l) => [l.validatorId, l.expressionId])).toEqual([[v3.id, s.pendingLeased]]);
    expect(await rolesOf(app.db, ann.id)).toEqual(['speaker']);
    expect(await inconsistentSamples(app.db)).toEqual([]);
    expect(await leaseCacheMismatches(app.db)).toBe(0);
    await expectSumsMatchNaive(app);

    // v1 answered the accepted one before: never again; v2 is handed it (oldest first).
    const next = await nextSample(app.db, v1.id, { random: () => 1 });
    expect(next?.expressionId).not.toBe(s.accepted);
    await give(v2, s.accepted!, AGREE);
    expect((await state(s.accepted!)).status).toBe('accepted');
    await expectSumsMatchNaive(app);
    expect((await listExclusions(app.db))[0]).toMatchObject({ username: 'ann', role: 'annotator', voidedAnswers: 2, reopenedSamples: 2 });
  });
});

describe('a sample an admin rejected after the single-frame probe', () => {
  let app: TestApp;
  afterAll(async () => app.cleanup());

  it('stays rejected: the decision is the admin’s, not the answers’ (which are voided all the same)', async () => {
    app = await testApp();
    const admin = await makeUser(app, 'boss', ['admin']);
    const ann = await makeUser(app, 'ann', ['annotator']);
    const sloppy = await makeUser(app, 'sloppy', ['validator', 'speaker']);
    const prober = await makeUser(app, 'prober', ['validator']);
    const video = await importVideo(app, 'ducks', 'accepted', 3);
    const ids: number[] = [];
    for (const text of ['probed', 'plain']) {
      const id = await addExpression(app, { videoId: video, authorId: ann.id, targets: [1], text });
      expect((await nextSample(app.db, sloppy.id, { random: () => 1 }))?.expressionId).toBe(id);
      await submitAnswer(app.db, sloppy.id, id, AGREE);
      ids.push(id);
    }
    // As decideProbe leaves it: the prober found the target on one frame, the admin rejected V1.
    const now = Date.now();
    await app.db.transaction(async (tx) => {
      await tx.insert(probes).values({ expressionId: ids[0]!, frameIdx: 0, createdAt: now, answeredBy: prober.id, answer: 'targets', targets: '[1]', matched: true, durationMs: 1000, answeredAt: now, decision: 'reject', decidedBy: admin.id, decidedAt: now });
      await tx.update(expressions).set({ status: 'rejected', rejectReason: 'single_frame', decidedAt: now }).where(eq(expressions.id, ids[0]!));
    });
    const r = await excludeRater(app.db, { userId: sloppy.id, role: 'validator' }, admin.id);
    expect(r).toMatchObject({ voidedAnswers: 2, reopenedSamples: 1 });
    const [probed, plain] = await app.db.select().from(expressions).where(inArray(expressions.id, ids)).orderBy(asc(expressions.id));
    expect(probed).toMatchObject({ status: 'rejected', rejectReason: 'single_frame', decidedAt: now });
    expect(plain).toMatchObject({ status: 'pending', decidedAt: null });
    expect((await app.db.select().from(validations)).every((v) => v.voidedAt !== null)).toBe(true);
  });
});
