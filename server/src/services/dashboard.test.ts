import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { and, count, eq, gte, lt } from 'drizzle-orm';
import type { AnswerInput } from '#shared/schemas/validate.ts';
import { createSession } from '../auth/sessions.ts';
import { clipVotes, expressions, recordings, users, validations } from '../db/schema/index.ts';
import { callerFor, makeUser, testApp, type TestApp } from '../testing/app.ts';
import { addExpression, addRecording, importVideo } from '../testing/factories.ts';
import { dashboard } from './dashboard.ts';
import { speakerOverview } from './overview.ts';
import { setGold } from './expressions-admin.ts';
import { setUserDisabled } from './users.ts';
import { updateSettings } from './settings.ts';
import { nextSample, submitAnswer, validatorStats } from './validation.ts';

type User = Awaited<ReturnType<typeof makeUser>>;

const HOUR = 3_600_000;
const MIN = 60_000;
const DAY = 24 * HOUR;
/** Day 0 of the scenario: Monday 6 January 2025, 00:00 UTC. */
const D0 = Date.UTC(2025, 0, 6);
const day = (n: number) => D0 + n * DAY;
const POLICY = { idleMs: 12 * HOUR, maxMs: 48 * HOUR };

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

describe('admin dashboard', () => {
  let app: TestApp;
  beforeEach(async () => (app = await testApp()));
  afterEach(async () => app.cleanup());

  /** An annotated expression created at a chosen time. */
  const create = async (author: User | null, videoId: number, targets: number[], at: number, status?: 'accepted') => {
    const id = await addExpression(app, { videoId, authorId: author?.id ?? null, targets, status });
    await app.db.transaction((tx) => tx.update(expressions).set({ createdAt: at }).where(eq(expressions.id, id)));
    return id;
  };

  /** The real protocol: take the next sample under a lease, answer it durMs later at `at`. */
  const answerNext = async (v: User, expected: number, answer: AnswerInput, at: number, durMs: number, gold = false) => {
    const sample = await nextSample(app.db, v.id, { now: at - durMs, random: () => (gold ? 0 : 1) });
    expect(sample?.expressionId).toBe(expected);
    return submitAnswer(app.db, v.id, expected, answer, at);
  };

  it('an empty project: zeros, a week of empty days, no quiet, JSON-serialisable', async () => {
    const now = day(3) + 12 * HOUR;
    const d = await dashboard(app.db, now);
    expect(JSON.parse(JSON.stringify(d))).toEqual(d);
    expect(d.counts.expressions).toEqual({ pending: 0, second_round: 0, accepted: 0, discarded: 0, rejected: 0 });
    expect(d.counts.videos).toEqual({ candidate: 0, accepted: 0, excluded: 0 });
    expect(d.counts.audio).toEqual({ needAudio: 0, submitted: 0, verified: 0, failed: 0, verifiedSecondsHuman: 0, verifiedSecondsTts: 0 });
    expect(d.progress.expressions).toEqual({ value: 0, target: 0, ratio: null });
    expect(d.progress.noTargetShare).toEqual({ value: 0, target: 0.1, ratio: 0, part: 0, whole: 0 });
    expect(d.series.days).toEqual([-3, -2, -1, 0, 1, 2, 3].map((i) => day(i) / 1000));
    expect(d.series.submissions).toEqual([0, 0, 0, 0, 0, 0, 0]);
    expect(d.series.agreement).toEqual(new Array(7).fill(null));
    // Default target 16 per video: bins 0…15 and "16+".
    expect(d.distributions.expressionsPerVideo.labels).toHaveLength(17);
    expect(d.distributions.expressionsPerVideo.labels.at(-1)).toBe('16+');
    expect(d.distributions.targetsPerExpression).toEqual({ labels: ['0', '1', '2', '3', '4+'], counts: [0, 0, 0, 0, 0] });
    expect(d.users).toEqual({ annotators: [], validators: [], speakers: [] });
    expect(d.quiet).toEqual({ quiet: false, minutesSinceLastSubmission: null, activeUsers: 0, lastSubmissionAt: null, quietMinutes: 30 });
  });

  it('counts, targets, daily series, distributions and per-user numbers of a protocol run', async () => {
    await makeUser(app, 'boss', ['admin']);
    const ann = await makeUser(app, 'ann', ['annotator']);
    const ann2 = await makeUser(app, 'ann2', ['annotator']);
    await makeUser(app, 'ann3', ['annotator']); // holds the role, has done nothing yet
    const v1 = await makeUser(app, 'v1', ['validator']);
    const v2 = await makeUser(app, 'v2', ['validator']);
    const v3 = await makeUser(app, 'v3', ['validator']);
    const sp = await makeUser(app, 'sp', ['speaker']);
    await makeUser(app, 'sp2', ['speaker']);
    // Disabled: listed only with recorded work (ann2 is disabled after writing, below).
    const gone = await makeUser(app, 'gone', ['annotator', 'validator']);
    await setUserDisabled(app.db, gone.id, true, null);
    const a = await importVideo(app, 'vid-a', 'accepted', 5);
    const b = await importVideo(app, 'vid-b', 'accepted', 2);
    await importVideo(app, 'vid-e', 'accepted', 2); // accepted, nothing written yet
    const c = await importVideo(app, 'vid-c', 'candidate', 2);
    await importVideo(app, 'vid-d', 'excluded', 2);
    await updateSettings(app.db, { targetExpressionsPerVideo: 3, targetNoTargetShare: 0.2, targetTtsShare: 0.5 }, null);

    // Day 0
    const e1 = await create(ann, a, [1], day(0) + 1 * HOUR);
    const e2 = await create(ann, a, [1, 2], day(0) + 1 * HOUR + MIN);
    await answerNext(v1, e1, { kind: 'targets', targets: [1] }, day(0) + 2 * HOUR, 10_000); // accepted
    await answerNext(v1, e2, { kind: 'targets', targets: [1] }, day(0) + 3 * HOUR, 20_000); // → second round
    // Day 1
    const e3 = await create(ann, a, [2], day(1) + 1 * HOUR);
    const e4 = await create(ann2, b, [], day(1) + 1 * HOUR + MIN);
    const e5 = await create(ann2, b, [1], day(1) + 1 * HOUR + 2 * MIN);
    await answerNext(v2, e2, { kind: 'targets', targets: [2, 1] }, day(1) + 2 * HOUR, 30_000); // accepted in round 2
    await answerNext(v2, e3, { kind: 'reject', reason: 'ambiguous' }, day(1) + 3 * HOUR, 40_000); // rejected
    await answerNext(v1, e4, { kind: 'no_target' }, day(1) + 4 * HOUR, 50_000); // accepted
    await answerNext(v1, e5, { kind: 'targets', targets: [2] }, day(1) + 5 * HOUR, 60_000); // → second round
    // Day 2
    const e7 = await create(ann, b, [1], day(2) + 1 * HOUR);
    const e6 = await create(ann2, a, [1], day(2) + 1 * HOUR + MIN);
    await answerNext(v3, e5, { kind: 'targets', targets: [2] }, day(2) + 2 * HOUR, 70_000); // discarded
    await answerNext(v3, e7, { kind: 'reject', reason: 'broken' }, day(2) + 3 * HOUR, 80_000); // rejected
    await setGold(app.db, e1, true, 1);
    expect((await answerNext(v3, e1, { kind: 'targets', targets: [1] }, day(2) + 4 * HOUR, 15_000, true)).points).toBe(1); // gold, right
    expect((await answerNext(v2, e1, { kind: 'targets', targets: [2] }, day(2) + 5 * HOUR, 25_000, true)).points).toBe(0); // gold, wrong
    // Day 3
    await answerNext(v1, e6, { kind: 'targets', targets: [2] }, day(3) + 1 * HOUR, 90_000); // → second round
    await create(ann, a, [1], day(3) + 2 * HOUR); // e10, pending
    await setUserDisabled(app.db, ann2.id, true, null);
    // Imported, already accepted: one on an accepted video (5 targets), one on a candidate video.
    await create(null, a, [1, 2, 3, 4, 5], day(0), 'accepted');
    await create(null, c, [1], day(0), 'accepted');

    // Audio: sp's clip of e1 verified, e2 failed then resubmitted, a TTS clip of e4 verified.
    await addRecording(app, e1, sp.id, 'verified');
    await addRecording(app, e2, sp.id, 'failed');
    await addRecording(app, e2, sp.id, 'submitted');
    await app.db.transaction((tx) =>
      tx
        .insert(recordings)
        .values({ uid: 'tts-e4', expressionId: e4, speakerId: null, kind: 'tts', status: 'verified', sha256: 'b'.repeat(64), sampleRate: 22050, durationMs: 6000, createdAt: day(3) }),
    );
    await app.db.transaction((tx) => tx.update(recordings).set({ createdAt: day(2) + 6 * HOUR }).where(eq(recordings.speakerId, sp.id)));

    const now = day(3) + 12 * HOUR;
    const d = await dashboard(app.db, now);
    expect(JSON.parse(JSON.stringify(d))).toEqual(d);

    expect(d.counts.expressions).toEqual({ pending: 1, second_round: 1, accepted: 5, discarded: 1, rejected: 2 });
    expect(d.counts.rejectedByReason).toEqual({ single_frame: 0, no_target_unrelated: 0, ambiguous: 1, inappropriate: 0, broken: 1 });
    expect(d.counts.videos).toEqual({ candidate: 1, accepted: 3, excluded: 1 });
    // Accepted needing audio: the two imported ones (e1 verified, e2 has a submitted take, e4 TTS).
    expect(d.counts.audio).toEqual({ needAudio: 2, submitted: 1, verified: 2, failed: 1, verifiedSecondsHuman: 2, verifiedSecondsTts: 6 });
    expect(d.counts.audio.needAudio).toBe((await speakerOverview(app.db, sp.id)).needAudio); // the speakers' own rule

    // Accepted on accepted videos: e1, e2, e4 and the imported one on vid-a (not the one on vid-c).
    expect(d.progress.expressions).toEqual({ value: 4, target: 9, ratio: 4 / 9 });
    expect(d.progress.noTargetShare).toEqual({ value: 0.25, target: 0.2, ratio: 1.25, part: 1, whole: 4 });
    expect(d.progress.ttsShare).toEqual({ value: 0.75, target: 0.5, ratio: 1.5, part: 6, whole: 8 });

    // A week ending today (day 3): days −3 … 3.
    expect(d.series.days).toEqual([-3, -2, -1, 0, 1, 2, 3].map((i) => day(i) / 1000));
    expect(d.series.submissions).toEqual([0, 0, 0, 2, 3, 2, 1]);
    expect(sum(d.series.submissions)).toBe(8); // annotated only, imported ones left out
    expect(d.series.accepted).toEqual([0, 0, 0, 1, 2, 0, 0]);
    expect(d.series.discarded).toEqual([0, 0, 0, 0, 0, 1, 0]);
    expect(d.series.rejected).toEqual([0, 0, 0, 0, 1, 1, 0]);
    // Counted from the deciding answers, the same as the expressions' decidedAt days.
    const decidedOn = (status: 'accepted' | 'discarded' | 'rejected') =>
      Promise.all(
        d.series.days.map(
          async (t) =>
            (
              await app.db
                .select({ n: count() })
                .from(expressions)
                .where(and(eq(expressions.origin, 'annotated'), eq(expressions.status, status), gte(expressions.decidedAt, t * 1000), lt(expressions.decidedAt, t * 1000 + DAY)))
            )[0]!.n,
        ),
      );
    expect([d.series.accepted, d.series.discarded, d.series.rejected]).toEqual([await decidedOn('accepted'), await decidedOn('discarded'), await decidedOn('rejected')]);
    // Round-1 answers: day 0 one of two agreed; day 1 one of three (a reject never agrees); then none.
    expect(d.series.firstAnswers).toEqual([0, 0, 0, 2, 3, 1, 1]);
    expect(d.series.agreement).toEqual([null, null, null, 0.5, 1 / 3, 0, 0]);

    // vid-a: 3 accepted (e1, e2, imported), vid-b: 1 (e4), vid-e: 0; cap at the target (3+).
    expect(d.distributions.expressionsPerVideo).toEqual({ labels: ['0', '1', '2', '3+'], counts: [1, 1, 0, 1] });
    // e4: 0 targets, e1: 1, e2: 2, imported: 5 → "4+".
    expect(d.distributions.targetsPerExpression).toEqual({ labels: ['0', '1', '2', '3', '4+'], counts: [1, 1, 1, 0, 1] });
    expect(d.distributions.rejectReasons).toEqual({ labels: ['single_frame', 'no_target_unrelated', 'ambiguous', 'inappropriate', 'broken'], counts: [0, 0, 1, 0, 1] });

    expect(d.users.annotators).toEqual([
      { userId: ann.id, username: 'ann', submitted: 5, open: 1, accepted: 2, discarded: 0, rejected: 2, acceptedRate: 0.5, discardedRate: 0, rejectedRate: 0.5 },
      { userId: ann2.id, username: 'ann2', submitted: 3, open: 1, accepted: 1, discarded: 1, rejected: 0, acceptedRate: 0.5, discardedRate: 0.5, rejectedRate: 0 },
      { userId: expect.any(Number), username: 'ann3', submitted: 0, open: 0, accepted: 0, discarded: 0, rejected: 0, acceptedRate: null, discardedRate: null, rejectedRate: null },
    ]);
    // v1: e1 ✓, e2 ✗ (accepted in round 2), e4 ✓ scored; e5 (discarded) and e6 (open) not.
    // v2: e2 ✓, e3 reject ✓, gold ✗.  v3: e5 (discarded) unscored, e7 reject ✓, gold ✓.
    expect(d.users.validators).toEqual([
      { userId: v1.id, username: 'v1', answered: 5, scored: 3, agreement: 2 / 3, goldAnswered: 0, goldAccuracy: null, medianSeconds: 50 },
      { userId: v2.id, username: 'v2', answered: 3, scored: 2, agreement: 1, goldAnswered: 1, goldAccuracy: 0, medianSeconds: 30 },
      { userId: v3.id, username: 'v3', answered: 3, scored: 1, agreement: 1, goldAnswered: 1, goldAccuracy: 1, medianSeconds: 70 },
    ]);
    // The same numbers the validators see on their own page.
    for (const s of await validatorStats(app.db)) {
      const row = d.users.validators.find((r) => r.userId === s.validatorId)!;
      expect([row.answered, row.scored, row.agreement, row.goldAnswered, row.goldAccuracy, row.medianSeconds]).toEqual([
        s.answered,
        s.scored,
        s.accuracy,
        s.goldAnswered,
        s.goldAccuracy,
        s.medianSeconds,
      ]);
    }
    expect(d.users.speakers).toEqual([
      { userId: sp.id, username: 'sp', clips: 3, submitted: 1, verified: 1, failed: 1, verifiedRate: 0.5, verifiedSeconds: 2 },
      { userId: expect.any(Number), username: 'sp2', clips: 0, submitted: 0, verified: 0, failed: 0, verifiedRate: null, verifiedSeconds: 0 },
    ]);

    // Last work: e10 at day 3 02:00, ten hours before `now`; nobody logged in, so not quiet.
    expect(d.quiet).toEqual({ quiet: false, minutesSinceLastSubmission: 600, activeUsers: 0, lastSubmissionAt: day(3) + 2 * HOUR, quietMinutes: 30 });
  });

  it('the daily series span from the first activity to today, at most a year back', async () => {
    const ann = await makeUser(app, 'ann', ['annotator']);
    const a = await importVideo(app, 'vid-a', 'accepted', 2);
    await create(ann, a, [1], day(-20) + 5 * HOUR);
    await create(ann, a, [1], day(0) + 23 * HOUR + 59 * MIN);
    await create(ann, a, [1], day(1));
    let d = await dashboard(app.db, day(2) + HOUR);
    expect(d.series.days[0]).toBe(day(-20) / 1000);
    expect(d.series.days.at(-1)).toBe(day(2) / 1000);
    expect(d.series.days).toHaveLength(23);
    expect(d.series.submissions.slice(-3)).toEqual([1, 1, 0]);
    expect(sum(d.series.submissions)).toBe(3);
    // Seen from two years later: the last 366 days, none of which had a submission.
    d = await dashboard(app.db, day(730));
    expect(d.series.days).toHaveLength(366);
    expect(d.series.days.at(-1)).toBe(day(730) / 1000);
    expect(sum(d.series.submissions)).toBe(0);
  });

  it('median time: the middle answer (upper one for an even count), as validators see it', async () => {
    const ann = await makeUser(app, 'ann', ['annotator']);
    const v = await makeUser(app, 'v', ['validator']);
    const a = await importVideo(app, 'vid-a', 'accepted', 2);
    // Durations 40, 10, 30, 20 s and one gold answer without a lease (0: not timed).
    for (const ms of [40_000, 10_000, 30_000, 20_000, 0]) {
      const e = await create(ann, a, [1], day(0));
      await app.db.transaction((tx) => tx.insert(validations).values({ expressionId: e, validatorId: v.id, round: 1, answer: 'no_target', durationMs: ms, createdAt: day(0) }));
    }
    const row = (await dashboard(app.db, day(1))).users.validators[0]!;
    expect(row).toMatchObject({ username: 'v', answered: 5, medianSeconds: 30 });
    expect(row.medianSeconds).toBe((await validatorStats(app.db))[0]!.medianSeconds);
  });

  describe('gone quiet', () => {
    let ann: User;
    let sp: User;
    let videoId: number;
    const T = day(10);
    beforeEach(async () => {
      await makeUser(app, 'boss', ['admin']);
      ann = await makeUser(app, 'ann', ['annotator']);
      sp = await makeUser(app, 'sp', ['speaker']);
      videoId = await importVideo(app, 'vid-a', 'accepted', 2);
      await updateSettings(app.db, { quietMinutes: 30 }, null);
    });
    const quiet = async (now: number) => (await dashboard(app.db, now)).quiet;

    it('never any work: quiet as soon as a non-admin is around, never for an admin alone', async () => {
      const [boss] = await app.db.select({ id: users.id }).from(users).where(eq(users.username, 'boss'));
      await createSession(app.db, boss!.id, POLICY, T - 5 * MIN);
      expect(await quiet(T)).toEqual({ quiet: false, minutesSinceLastSubmission: null, activeUsers: 0, lastSubmissionAt: null, quietMinutes: 30 });
      await createSession(app.db, ann.id, POLICY, T - 5 * MIN);
      expect(await quiet(T)).toMatchObject({ quiet: true, minutesSinceLastSubmission: null, activeUsers: 1 });
    });

    it('quiet once the last work is quietMinutes old while someone was active in that window', async () => {
      await create(ann, videoId, [1], T);
      // Two sessions of the same user count once.
      await createSession(app.db, ann.id, POLICY, T + 40 * MIN);
      await createSession(app.db, ann.id, POLICY, T + 41 * MIN);
      expect(await quiet(T + 29 * MIN)).toMatchObject({ quiet: false, minutesSinceLastSubmission: 29 });
      expect(await quiet(T + 45 * MIN)).toEqual({ quiet: true, minutesSinceLastSubmission: 45, activeUsers: 1, lastSubmissionAt: T, quietMinutes: 30 });
      // Activity more than quietMinutes ago does not count: idle, not quiet.
      expect(await quiet(T + 80 * MIN)).toMatchObject({ quiet: false, minutesSinceLastSubmission: 80, activeUsers: 0 });
      // The setting moves the threshold.
      await updateSettings(app.db, { quietMinutes: 60 }, null);
      expect(await quiet(T + 45 * MIN)).toMatchObject({ quiet: false, activeUsers: 1, quietMinutes: 60 });
    });

    it('an answer through the router counts at once (real clock)', async () => {
      const e = await create(ann, videoId, [1], Date.now() - 3 * HOUR);
      await createSession(app.db, ann.id, POLICY);
      expect((await dashboard(app.db)).quiet).toMatchObject({ quiet: true, minutesSinceLastSubmission: 180, activeUsers: 1 });
      const v = await makeUser(app, 'v', ['validator']);
      expect((await callerFor(app, v).validate.next())?.expressionId).toBe(e);
      await callerFor(app, v).validate.answer({ expressionId: e, answer: { kind: 'targets', targets: [1] } });
      const d = await dashboard(app.db);
      expect(d.quiet).toMatchObject({ quiet: false, minutesSinceLastSubmission: 0, activeUsers: 1 });
      // Today is the last day of the series: one first answer, agreeing, and one acceptance.
      expect([d.series.firstAnswers.at(-1), d.series.agreement.at(-1), d.series.accepted.at(-1)]).toEqual([1, 1, 1]);
      expect(d.users.validators).toMatchObject([{ username: 'v', answered: 1, scored: 1, agreement: 1 }]);
    });

    it('validation answers, human recordings and clip votes are work too', async () => {
      const e = await create(ann, videoId, [1], T, 'accepted');
      await createSession(app.db, sp.id, POLICY, T + 50 * MIN);
      expect(await quiet(T + 55 * MIN)).toMatchObject({ quiet: true, minutesSinceLastSubmission: 55 });
      const v = await makeUser(app, 'v', ['validator']);
      await app.db.transaction((tx) => tx.insert(validations).values({ expressionId: e, validatorId: v.id, round: 0, answer: 'no_target', durationMs: 0, createdAt: T + 40 * MIN }));
      expect(await quiet(T + 55 * MIN)).toMatchObject({ quiet: false, minutesSinceLastSubmission: 15, lastSubmissionAt: T + 40 * MIN });
      await addRecording(app, e, sp.id, 'verified');
      await app.db.transaction((tx) => tx.update(recordings).set({ createdAt: T + 50 * MIN }));
      expect(await quiet(T + 55 * MIN)).toMatchObject({ minutesSinceLastSubmission: 5 });
      const rec = (await app.db.select({ id: recordings.id }).from(recordings))[0]!;
      await app.db.transaction((tx) => tx.insert(clipVotes).values({ recordingId: rec.id, verifierId: ann.id, vote: 'match', createdAt: T + 54 * MIN }));
      expect(await quiet(T + 55 * MIN)).toMatchObject({ quiet: false, minutesSinceLastSubmission: 1 });
      // A synthesized clip is not somebody's work.
      await app.db.transaction((tx) =>
        tx
          .insert(recordings)
          .values({ uid: 'tts', expressionId: e, speakerId: null, kind: 'tts', status: 'verified', sha256: 'c'.repeat(64), sampleRate: 22050, durationMs: 1000, createdAt: T + 2 * HOUR }),
      );
      expect(await quiet(T + 2 * HOUR)).toMatchObject({ lastSubmissionAt: T + 54 * MIN });
    });
  });
});
