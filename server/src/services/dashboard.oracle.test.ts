import { afterEach, describe, expect, it } from 'vitest';
import { desc, eq } from 'drizzle-orm';
import { mulberry32 } from '#shared/prng.ts';
import type { AnswerInput } from '#shared/schemas/validate.ts';
import { expressions, expressionTargets, objects, recordings, validations, videos } from '../db/schema/index.ts';
import { makeUser, testApp, type TestApp } from '../testing/app.ts';
import { addExpression, importVideo } from '../testing/factories.ts';
import { dashboard } from './dashboard.ts';
import { setGold } from './expressions-admin.ts';
import { updateSettings } from './settings.ts';
import { nextSample, submitAnswer, validatorStats } from './validation.ts';

/*
 * The dashboard's queries lean on the protocol machine and on covering indexes to avoid joins
 * (see the comments in dashboard.ts); this test holds them to a naive recount of the raw rows
 * after random protocol runs: random expressions (0–6 targets, annotated or imported), random
 * answers (right, wrong, no target, reject; gold draws included) by random validators over days,
 * random clips. The dashboard is also looked at during the run, so the validations log's running
 * sums (answer-sums.ts) are checked after folding in answers bit by bit. Seeded, so a
 * failure names the seed that reproduces it.
 */

const DAY = 86_400_000;
const D0 = Date.UTC(2025, 2, 3);
const SEEDS = [1, 2, 3, 4];

type Answer = { validatorId: number; expressionId: number; round: number; agrees: boolean; answer: string; durationMs: number };

/**
 * Scores by definition: an answer (rounds 1–2) is scored when its sample ended accepted or
 * rejected, correct when it matched (agreed with an accepted sample, rejected a rejected one); the
 * median time is the upper middle of the answers given under a lease.
 */
function naiveScores(answers: Answer[], status: Map<number, string>) {
  const out = new Map<number, { answered: number; scored: number; correct: number; goldAnswered: number; goldCorrect: number; times: number[]; medianSeconds: number | null }>();
  for (const v of answers) {
    let n = out.get(v.validatorId);
    if (!n) out.set(v.validatorId, (n = { answered: 0, scored: 0, correct: 0, goldAnswered: 0, goldCorrect: 0, times: [], medianSeconds: null }));
    n.answered++;
    if (v.durationMs > 0) n.times.push(v.durationMs);
    if (v.round === 0) {
      n.goldAnswered++;
      if (v.agrees) n.goldCorrect++;
      continue;
    }
    const s = status.get(v.expressionId);
    if (s !== 'accepted' && s !== 'rejected') continue;
    n.scored++;
    if ((s === 'accepted' && v.agrees) || (s === 'rejected' && v.answer === 'reject')) n.correct++;
  }
  for (const n of out.values()) {
    const t = n.times.sort((x, y) => x - y);
    n.medianSeconds = t.length ? t[Math.floor(t.length / 2)]! / 1000 : null;
  }
  return out;
}

describe('admin dashboard against a naive recount', () => {
  let app: TestApp | null = null;
  afterEach(async () => {
    await app?.cleanup();
    app = null;
  });

  it.each(SEEDS)('seed %i: per-user numbers, distributions, audio and decisions per day', async (seed) => {
    const a = (app = await testApp());
    const rand = mulberry32(seed);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
    const annotators = [await makeUser(a, 'ann1', ['annotator']), await makeUser(a, 'ann2', ['annotator', 'validator'])];
    // One at a time: concurrent sign-ups would conflict on PostgreSQL and number users in any order.
    const validators = [annotators[1]!];
    for (const n of ['v1', 'v2', 'v3', 'v4']) validators.push(await makeUser(a, n, ['validator']));
    const speakers = [await makeUser(a, 'sp1', ['speaker']), await makeUser(a, 'sp2', ['speaker'])];
    const vids = [
      await importVideo(a, 'a1', 'accepted', 6),
      await importVideo(a, 'a2', 'accepted', 6),
      await importVideo(a, 'a3', 'accepted', 2),
      await importVideo(a, 'c1', 'candidate', 6),
      await importVideo(a, 'x1', 'excluded', 6),
    ];
    await updateSettings(a.db, { targetExpressionsPerVideo: 4, goldShare: 0.15 }, null);
    const objectCount = new Map<number, number>();
    for (const v of vids) objectCount.set(v, (await a.db.select().from(objects).where(eq(objects.videoId, v))).length);

    // Expressions over the first days; a third imported (accepted, no author).
    let clock = D0;
    for (let i = 0; i < 45; i++) {
      const videoId = pick(vids);
      const n = objectCount.get(videoId)!;
      const count = Math.min(n, Math.floor(rand() * 7));
      const targets = [...Array(n).keys()].map((k) => k + 1).sort(() => rand() - 0.5).slice(0, count);
      const imported = rand() < 0.3;
      const id = await addExpression(a, { videoId, authorId: imported ? null : pick(annotators).id, targets, status: imported ? 'accepted' : undefined });
      clock += Math.floor(rand() * 0.3 * DAY);
      const at = clock;
      await a.db.transaction((tx) => tx.update(expressions).set({ createdAt: at }).where(eq(expressions.id, id)));
      if (imported && rand() < 0.5) await setGold(a.db, id, true, annotators[0]!.id);
    }

    // Answers, not enough for every sample (some stay open): right, wrong, none, reject.
    // Second-round samples go first, so the last few answers disagree until one sample has been
    // discarded and another waits in round 2.
    const none = async (status: 'discarded' | 'second_round') => (await a.db.select().from(expressions).where(eq(expressions.status, status)).limit(1)).length === 0;
    for (let i = 0; i < 70 && (i < 48 || (await none('discarded')) || (await none('second_round'))); i++) {
      const v = pick(validators);
      const at = (clock += Math.floor(rand() * 0.2 * DAY));
      const s = await nextSample(a.db, v.id, { now: at - 1000 - Math.floor(rand() * 60_000), random: i < 48 ? rand : () => 1 });
      if (!s) continue;
      const truth = (
        await a.db
          .select({ localId: objects.localId })
          .from(expressionTargets)
          .innerJoin(objects, eq(objects.id, expressionTargets.objectId))
          .where(eq(expressionTargets.expressionId, s.expressionId))
      ).map((r) => r.localId);
      const r = i < 48 ? rand() : 0.7;
      const answer: AnswerInput =
        r < 0.5
          ? truth.length
            ? { kind: 'targets', targets: truth }
            : { kind: 'no_target' }
          : r < 0.75
            ? { kind: 'targets', targets: [truth.includes(1) ? 2 : 1] }
            : r < 0.85
              ? { kind: 'no_target' }
              : { kind: 'reject', reason: pick(['single_frame', 'ambiguous', 'broken'] as const) };
      await submitAnswer(a.db, v.id, s.expressionId, answer, at);
      // Looks in between fold the answers since into the dashboard's running sums.
      if (i % 7 === 3) await dashboard(a.db, at);
    }

    // Clips for some accepted expressions: human (either speaker) or TTS, any state.
    const accepted = await a.db.select({ id: expressions.id }).from(expressions).where(eq(expressions.status, 'accepted'));
    for (const { id } of accepted) {
      for (let k = Math.floor(rand() * 3); k > 0; k--) {
        const tts = rand() < 0.3;
        const row: typeof recordings.$inferInsert = {
          uid: `clip-${id}-${k}`,
          expressionId: id,
          speakerId: tts ? null : pick(speakers).id,
          kind: tts ? 'tts' : 'human',
          status: pick(['submitted', 'verified', 'failed'] as const),
          sha256: 'c'.repeat(64),
          sampleRate: 48_000,
          durationMs: 500 + Math.floor(rand() * 4000),
          createdAt: (clock += 1000),
        };
        await a.db.transaction((tx) => tx.insert(recordings).values(row));
      }
    }

    const d = await dashboard(a.db, clock);
    const allExpr = await a.db.select().from(expressions);
    const videoStatus = new Map((await a.db.select().from(videos)).map((v) => [v.id, v.status]));
    const targetCount = new Map<number, number>();
    for (const t of await a.db.select().from(expressionTargets)) targetCount.set(t.expressionId, (targetCount.get(t.expressionId) ?? 0) + 1);
    const clips = await a.db.select().from(recordings);
    const answers = await a.db.select().from(validations);
    // The run must have exercised what the queries special-case.
    expect(answers.filter((v) => v.round === 2).length).toBeGreaterThan(0);
    expect(answers.filter((v) => v.round === 0).length).toBeGreaterThan(0);
    expect(new Set(allExpr.map((e) => e.status)).size).toBe(5);

    // Validators: every answer against its sample's final status, one by one. The dashboard and
    // the validators' own page (validatorStats) both give exactly these numbers.
    const naive = naiveScores(answers, new Map(allExpr.map((e) => [e.id, e.status])));
    const stats = await validatorStats(a.db);
    expect(stats.map((s) => s.validatorId)).toEqual([...naive.keys()].sort((x, y) => x - y));
    for (const s of stats) {
      const n = naive.get(s.validatorId)!;
      const row = d.users.validators.find((r) => r.userId === s.validatorId)!;
      const want = [n.answered, n.scored, n.scored ? n.correct / n.scored : null, n.goldAnswered, n.goldAnswered ? n.goldCorrect / n.goldAnswered : null, n.medianSeconds];
      expect([row.answered, row.scored, row.agreement, row.goldAnswered, row.goldAccuracy, row.medianSeconds]).toEqual(want);
      expect([s.answered, s.scored, s.accuracy, s.goldAnswered, s.goldAccuracy, s.medianSeconds]).toEqual(want);
    }

    // Distributions over accepted expressions on accepted videos.
    const onAccepted = allExpr.filter((e) => e.status === 'accepted' && videoStatus.get(e.videoId) === 'accepted');
    const targetBins = [0, 0, 0, 0, 0];
    for (const e of onAccepted) targetBins[Math.min(4, targetCount.get(e.id) ?? 0)]! += 1;
    expect(d.distributions.targetsPerExpression.counts).toEqual(targetBins);
    const perVideo = [0, 0, 0, 0, 0];
    for (const [id, status] of videoStatus) if (status === 'accepted') perVideo[Math.min(4, onAccepted.filter((e) => e.videoId === id).length)]! += 1;
    expect(d.distributions.expressionsPerVideo.counts).toEqual(perVideo);
    expect(d.progress.expressions.value).toBe(onAccepted.length);

    // Annotators: their expressions by state.
    for (const u of annotators) {
      const mine = allExpr.filter((e) => e.authorId === u.id);
      const row = d.users.annotators.find((r) => r.userId === u.id)!;
      const n = (...st: string[]) => mine.filter((e) => st.includes(e.status)).length;
      expect([row.submitted, row.open, row.accepted, row.discarded, row.rejected]).toEqual([mine.length, n('pending', 'second_round'), n('accepted'), n('discarded'), n('rejected')]);
    }

    // Speakers and audio totals.
    for (const u of speakers) {
      const mine = clips.filter((c) => c.speakerId === u.id);
      const row = d.users.speakers.find((r) => r.userId === u.id)!;
      const n = (st: string) => mine.filter((c) => c.status === st).length;
      const verifiedMs = mine.filter((c) => c.status === 'verified').reduce((x, c) => x + c.durationMs, 0);
      expect([row.clips, row.submitted, row.verified, row.failed, row.verifiedSeconds]).toEqual([mine.length, n('submitted'), n('verified'), n('failed'), verifiedMs / 1000]);
    }
    const verifiedSeconds = (kind: string) => clips.filter((c) => c.status === 'verified' && c.kind === kind).reduce((x, c) => x + c.durationMs, 0) / 1000;
    expect(d.counts.audio.verifiedSecondsHuman).toBe(verifiedSeconds('human'));
    expect(d.counts.audio.verifiedSecondsTts).toBe(verifiedSeconds('tts'));
    expect(d.counts.audio.failed).toBe(clips.filter((c) => c.status === 'failed').length);

    // Decisions per day: the expressions' decidedAt days.
    for (const status of ['accepted', 'discarded', 'rejected'] as const) {
      const perDay = d.series.days.map((t) => allExpr.filter((e) => e.status === status && e.decidedAt !== null && e.decidedAt >= t * 1000 && e.decidedAt < t * 1000 + DAY).length);
      expect(d.series[status]).toEqual(perDay);
    }
    const firstRound = answers.filter((v) => v.round === 1);
    const onDay = (t: number) => firstRound.filter((v) => v.createdAt >= t * 1000 && v.createdAt < t * 1000 + DAY);
    expect(d.series.firstAnswers).toEqual(d.series.days.map((t) => onDay(t).length));
    expect(d.series.agreement).toEqual(d.series.days.map((t) => (onDay(t).length ? onDay(t).filter((v) => v.agrees).length / onDay(t).length : null)));
    expect(d.series.firstAnswers.reduce((x, y) => x + y, 0)).toBe(firstRound.length);
  });

  it('running sums start over if the validations log ever shrinks', async () => {
    const a = (app = await testApp());
    const ann = await makeUser(a, 'ann', ['annotator']);
    const vs = [await makeUser(a, 'v1', ['validator']), await makeUser(a, 'v2', ['validator'])];
    const videoId = await importVideo(a, 'v', 'accepted', 2);
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) ids.push(await addExpression(a, { videoId, authorId: ann.id, targets: [1] }));
    for (const [i, id] of ids.entries()) {
      const v = vs[i % 2]!;
      expect((await nextSample(a.db, v.id, { random: () => 1 }))?.expressionId).toBe(id);
      await submitAnswer(a.db, v.id, id, { kind: 'targets', targets: [i === 2 ? 2 : 1] });
    }
    expect((await dashboard(a.db)).users.validators.map((r) => r.answered)).toEqual([2, 1]);
    // Not something the product does (answers are final): the sums must still not go stale.
    const [last] = await a.db.select().from(validations).orderBy(desc(validations.id)).limit(1);
    await a.db.transaction((tx) => tx.delete(validations).where(eq(validations.id, last!.id)));
    const d = await dashboard(a.db);
    const naive = naiveScores(await a.db.select().from(validations), new Map((await a.db.select().from(expressions)).map((e) => [e.id, e.status])));
    for (const [userId, n] of naive) expect(d.users.validators.find((r) => r.userId === userId)!.answered).toBe(n.answered);
    expect(d.users.validators.map((r) => r.answered)).toEqual([1, 1]);
  });
});
