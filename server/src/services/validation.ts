import { and, asc, count, eq, inArray, sql } from 'drizzle-orm';
import { accuracyWeightedPoints, agrees, answerTargets, isFinal, ProtocolError, replay, roundOf, step, type Answer, type AnswerEvent, type SampleFacts } from '#shared/protocol/index.ts';
import type { AnswerFeedback, AnswerInput, SampleView } from '#shared/schemas/validate.ts';
import { BUSY_DEADLINE_MS, isUniqueViolation, RaceLost, retryOnBusy } from '../db/busy.ts';
import { lockRowThen, rowLockTransaction, type Db, type DbOrTx } from '../db/client.ts';
import { commaList, fromJson, jsonArray, jsonObject } from '../db/portable.ts';
import { preparedPerDb } from '../db/prepared.ts';
import { commitWith, type PendingWrite } from '../db/write-together.ts';
import { expressions, expressionTargets, leases, objects, users, validations } from '../db/schema/index.ts';
import { answerSums, validationInsert } from './answer-sums.ts';
import { auditWrite, type AuditEntry } from './audit.ts';
import { badRequest, conflict } from './errors.ts';
import { endLease, endLeaseWrites, grantLease, renewLease, sweepExpiredMarks, takeOverExpired } from './leases.ts';
import { getSettings } from './settings.ts';
import { eligibleFor, goldQuery, handOutInOne, me, oldestQuery, outer, unleasedAt, type HeldRow } from './validation-queue.ts';

function toAnswer(a: AnswerInput): Answer {
  return a.kind === 'targets' ? { kind: 'targets', targets: a.targets } : a.kind === 'no_target' ? { kind: 'no_target' } : { kind: 'reject', reason: a.reason, note: a.note };
}

type ValidationRow = typeof validations.$inferSelect;

/** A stored protocol answer as a machine event. */
export function toEvent(v: Pick<ValidationRow, 'validatorId' | 'answer' | 'targets' | 'rejectReason' | 'rejectNote'>): AnswerEvent {
  const answer: Answer =
    v.answer === 'targets'
      ? { kind: 'targets', targets: JSON.parse(v.targets ?? '[]') as number[] }
      : v.answer === 'no_target'
        ? { kind: 'no_target' }
        : { kind: 'reject', reason: v.rejectReason!, note: v.rejectNote ?? undefined };
  return { validatorId: v.validatorId, answer };
}

/** What the replay reads of a stored answer (toEvent), as the answer path's read returns it. */
type StoredAnswer = Pick<ValidationRow, 'validatorId' | 'answer' | 'targets' | 'rejectReason' | 'rejectNote'>;
const STORED_ANSWER = jsonObject({ validatorId: sql`v.validator_id`, answer: sql`v.answer`, targets: sql`v.targets`, rejectReason: sql`v.reject_reason`, rejectNote: sql`v.reject_note` });

const byExpression = sql.placeholder('expressionId');
const byValidator = sql.placeholder('validatorId');

/** Reads of the answer path, prepared once (see db/prepared.ts). */
const answerStatements = preparedPerDb((db) => ({
  /**
   * Everything an answer checks about its sample in one round trip (run after the sample's row
   * lock, so it sees what committed before): the sample, this validator's lease on it, its targets
   * (a comma list: one row), whether the validator wrote for its video, and its answers so far.
   */
  sample: db
    .select({
      expression: expressions,
      lease: leases,
      targets: sql<string | null>`(select ${commaList(sql`cast(o.local_id as text)`)} from "expression_targets" t join "objects" o on o.id = t.object_id where t.expression_id = ${outer('id')})`,
      wroteOnVideo: sql<boolean>`exists (select 1 from "expressions" own where own.video_id = ${outer('video_id')} and own.author_id = ${byValidator})`,
      // Objects of the video an admin excluded: an answer may not name them (they are not shown).
      excluded: sql<string | null>`(select ${commaList(sql`cast(x.local_id as text)`)} from "objects" x where x.video_id = ${outer('video_id')} and x.excluded_at is not null)`,
      // The protocol answers so far, oldest first, for the replay (voided ones are out of it).
      events: sql<unknown>`(select ${jsonArray(STORED_ANSWER, sql`v.id`)} from "validations" v where v.expression_id = ${outer('id')} and v.round > 0 and v.voided_at is null)`,
    })
    .from(expressions)
    .leftJoin(leases, and(eq(leases.expressionId, expressions.id), eq(leases.validatorId, byValidator)))
    .where(eq(expressions.id, byExpression))
    .prepare('answer_sample'),
  targets: db
    .select({ localId: objects.localId })
    .from(expressionTargets)
    .innerJoin(objects, eq(objects.id, expressionTargets.objectId))
    .where(eq(expressionTargets.expressionId, byExpression))
    .prepare('answer_targets'),
  previous: db
    .select()
    .from(validations)
    .where(and(eq(validations.expressionId, byExpression), eq(validations.validatorId, byValidator)))
    .prepare('answer_previous'),
  // [issue 18, rater exclusions] Voided answers are out of the protocol: the state is a replay of the rest.
  events: db
    .select()
    .from(validations)
    .where(and(eq(validations.expressionId, byExpression), sql`${validations.round} > 0 and ${validations.voidedAt} is null`))
    .orderBy(asc(validations.id))
    .prepare('answer_events'),
}));

const nextStatements = preparedPerDb((db) => {
  const variant = (skipOwnVideos: boolean) => {
    const name = skipOwnVideos ? 'skip_own' : 'any_video';
    return {
      oldest: oldestQuery(db, skipOwnVideos).prepare(`next_queue_${name}`),
      gold: goldQuery(db, skipOwnVideos).prepare(`next_gold_${name}`),
    };
  };
  return {
    held: db
      .select({ lease: leases, videoId: expressions.videoId, text: expressions.text })
      .from(leases)
      .innerJoin(expressions, eq(expressions.id, leases.expressionId))
      .where(eq(leases.validatorId, me))
      .prepare('next_held'),
    skipOwn: variant(true),
    anyVideo: variant(false),
  };
});

/** How often (per process, in the caller's clock) nextSample sweeps run-out leases back into the queue. */
const SWEEP_EVERY_MS = 1000;
const lastSweep = new WeakMap<Db, number>();

/**
 * Samples whose lease ran out rejoin the queue (sweepExpiredMarks) at most once a second per
 * process: one indexed statement that finds nothing on most calls, so it need not run on each.
 * A sample is thus handed over up to a second after its lease ran out; leases last minutes.
 */
async function sweepNow(db: Db, now: number): Promise<void> {
  const last = lastSweep.get(db);
  if (last !== undefined && now >= last && now - last < SWEEP_EVERY_MS) return;
  lastSweep.set(db, now);
  await rowLockTransaction(db, (tx) => sweepExpiredMarks(tx, now));
}

/** How many samples wait for this validator (counts only: a home page must not describe samples). */
export async function waitingFor(db: DbOrTx, validatorId: number): Promise<number> {
  const s = await getSettings(db);
  const [row] = await db
    .select({ n: count() })
    .from(expressions)
    .where(and(sql`${outer('status')} in ('pending', 'second_round') and ${unleasedAt(Date.now())}`, eligibleFor(validatorId, s.validatorSkipsOwnVideos)));
  return row!.n;
}

const viewOf = (lease: { expressionId: number; expiresAt: number }, e: { videoId: number; text: string }): SampleView => ({
  expressionId: lease.expressionId,
  videoId: e.videoId,
  text: e.text,
  expiresAt: lease.expiresAt,
});

/**
 * Hands the validator a sample under a lease: the one they already hold (renewed if its time ran
 * out and nobody took it over), else (with the gold share's probability) a gold sample, else the
 * oldest sample they may answer that has no live lease. One transaction, so two validators can
 * never be given the same sample in the same round; an expired lease of someone else on the chosen
 * sample ends at that moment (history: 'expired'), so its late answer is refused from then on.
 * On PostgreSQL the common cases — no lease held, and the oldest sample free of leases or a gold
 * sample — are one statement (validation-queue.ts handOutInOne); the rest runs in the transaction.
 */
export async function nextSample(db: Db, validatorId: number, opts: { now?: number; random?: () => number } = {}): Promise<SampleView | null> {
  const now = opts.now ?? Date.now();
  const random = opts.random ?? Math.random;
  // A lease is not an acknowledged submission: losing one to a power cut only requeues a sample.
  // Row locks, not serializable isolation, keep two validators off one sample (rowLockTransaction):
  // the oldest-sample query locks its row and skips rows others hold, takeOverExpired re-reads the
  // sample's leases after that lock, and the unique indexes on leases (one per sample and round >
  // 0, one per validator) refuse whatever slipped through; each of those is a lost race, retried.
  await sweepNow(db, now);
  // Read outside the transaction: kept per process on PostgreSQL (services/settings.ts); the
  // transaction runs at READ COMMITTED there, where each statement reads afresh anyway.
  const s = await getSettings(db);
  const leaseMs = s.leaseMinutes * 60_000;
  // Gold is mixed into real work only, with the gold share's probability.
  const tryGold = random() < s.goldShare;
  // A lost race (the sample went to another validator, or an expired lease being renewed was
  // taken over) is retried here, not left to the request's retry (trpc/init.ts): that one redoes
  // only requests that committed nothing, and the sweep above or a hand-out statement that granted
  // nothing counts as a commit, so the validator got a 503 now and then under load (bench:validate
  // showed one or two a run). Redoing the hand-out is safe: what lost rolled back entirely.
  // Each try reads the clock afresh, as a redone request would.
  const handOutOnce = () => handOut(db, validatorId, s, { now: opts.now ?? Date.now(), leaseMs, tryGold, fixedNow: opts.now !== undefined });
  return retryOnBusy(handOutOnce, { deadlineMs: BUSY_DEADLINE_MS });
}

/** nextSample's hand-out once: what it grants, or a lost race (RaceLost) thrown with nothing written. */
async function handOut(
  db: Db,
  validatorId: number,
  s: { validatorSkipsOwnVideos: boolean },
  { now, leaseMs, tryGold, fixedNow }: { now: number; leaseMs: number; tryGold: boolean; fixedNow: boolean },
): Promise<SampleView | null> {
  // The common cases in one statement on PostgreSQL (validation-queue.ts); the rest below.
  const fast = await handOutInOne(db, validatorId, s.validatorSkipsOwnVideos, now, leaseMs, tryGold);
  if ('granted' in fast) return fast.granted;
  if ('none' in fast) return null;
  return rowLockTransaction(db, async (tx) => {
    const q = nextStatements(tx);
    const v = s.validatorSkipsOwnVideos ? q.skipOwn : q.anyVideo;
    // The oldest sample, with the lease this validator already holds as one of its columns: one
    // round trip where there is work. Holding a lease, they get it back, and the row this
    // statement locked is let go at the commit.
    const [work] = await v.oldest.execute({ me: validatorId });
    const held: HeldRow | undefined = work ? (fromJson<HeldRow | null>(work.mine) ?? undefined) : (await q.held.execute({ me: validatorId }))[0];
    if (held) {
      const lease = held.lease.expiresAt > now ? held.lease : await renewLease(tx, held.lease, now + leaseMs);
      return viewOf(lease, held);
    }
    // Real work decides whether there is anything to do.
    if (!work) return null;
    const gold = tryGold ? (await v.gold.execute({ me: validatorId }))[0] : undefined;
    const chosen = gold ?? work;
    const round = gold ? 0 : chosen.status === 'second_round' ? 2 : 1;
    // The clock is read again once the sample's row lock is held: this transaction may have waited
    // for an answer to commit, and a grant stamped with the time before that wait would seem to
    // overlap the lease the answer ended (lease_history is read as the truth of who held what when).
    const at = fixedNow ? now : Math.max(now, Date.now());
    if (!gold && Boolean(work.held)) await takeOverExpired(tx, chosen.id, at);
    const lease = await grantLease(tx, { expressionId: chosen.id, validatorId, round, issuedAt: at, expiresAt: at + leaseMs }).catch((err: unknown) => {
      throw isUniqueViolation(err) ? new RaceLost(`sample ${chosen.id} or validator ${validatorId} was leased meanwhile`, { cause: err }) : err;
    });
    return viewOf(lease, chosen);
  });
}

/** Why an answer is refused; the same words whether the sample exists or not (no id oracle). */
const NOT_YOURS = 'this sample is not assigned to you (or your time ran out and it was handed to someone else); please take the next one';

/**
 * Stores a validator's answer and advances the sample through the protocol machine. Accepted only
 * from the holder of the sample's lease — live, or expired and not yet handed to anyone else —
 * and only while the validator is still eligible for it (not its author, not on a video they
 * wrote for when that setting is on); gold samples only score the validator, and only gold that
 * the server itself handed them. A retry of a stored answer returns its feedback again.
 */
export async function submitAnswer(db: Db, validatorId: number, expressionId: number, input: AnswerInput, now = Date.now()): Promise<AnswerFeedback> {
  const ids = { expressionId, validatorId };
  // The sample's row lock orders everything about this sample: other answers to it, and a hand-out
  // that would take its lease over (nextSample locks the same row). Read committed after that lock,
  // each read below sees what committed before it; answers to other samples do not wait.
  const outcome = await rowLockTransaction(db, async (tx): Promise<{ feedback: AnswerFeedback } | { refuse: string }> => {
    const q = answerStatements(tx);
    const [row] = await lockRowThen(tx, 'expressions', expressionId, () => q.sample.execute(ids));
    if (!row) throw conflict(NOT_YOURS);
    const { expression: e, lease } = row;
    const facts: SampleFacts = { authorId: e.authorId, targets: parseTargets(row.targets) };
    if (!lease) {
      // No lease: a retry of an answer already stored (which ended the lease), or not theirs.
      const [previous] = await q.previous.execute(ids);
      if (!previous) throw conflict(NOT_YOURS);
      return { feedback: feedback(e.status, previous.agrees, previous.answer === 'reject', previous.round === 0, facts, true) };
    }
    const gold = lease.round === 0;
    // Eligibility again at answer time: settings, gold marks and the validator's own writing may
    // have changed since the lease was granted. An ineligible lease is released (the sample goes
    // back to the queue) and the answer refused.
    const ineligible =
      facts.authorId === validatorId
        ? 'nobody validates their own expression'
        : Boolean(row.wroteOnVideo) && (await getSettings(db)).validatorSkipsOwnVideos
          ? 'you wrote expressions for this video, so you do not validate it'
          : gold && !(e.gold && e.status === 'accepted')
            ? 'this sample no longer needs an answer'
            : null;
    if (ineligible) {
      await endLease(tx, lease, 'released', now);
      return { refuse: `${ineligible}; please take the next one` };
    }
    const answer = toAnswer(input);
    // Refused before anything is written, and said the same whatever the sample's targets are.
    const excluded = new Set(parseTargets(row.excluded));
    const named = input.kind === 'targets' ? input.targets.filter((t) => excluded.has(t)) : [];
    if (named.length) throw badRequest(`object ${named.map((t) => `#${t}`).join(', ')} was taken out of annotation by an admin and cannot be named; please reload the sample`);
    const agreed = agrees(answer, facts);
    let round = 0;
    let changed: AuditEntry | null = null;
    const writes: PendingWrite[] = [];
    if (!gold) {
      // The stored answers are the truth; the status column is their cache.
      const state = replay(facts, fromJson<StoredAnswer[]>(row.events).map(toEvent));
      if (state.status !== e.status) throw new Error(`sample ${expressionId}: status ${e.status} but its answers say ${state.status}`);
      if (isFinal(state.status) || roundOf(state) !== lease.round) {
        await endLease(tx, lease, 'released', now);
        return { refuse: 'this sample is not waiting for this answer any more; please take the next one' };
      }
      let next;
      try {
        next = step(state, facts, { validatorId, answer });
      } catch (err) {
        if (err instanceof ProtocolError) throw conflict(err.message);
        throw err;
      }
      round = roundOf(state);
      // Its lease ends below: the queue mark goes with the status, in one statement.
      writes.push(
        tx
          .update(expressions)
          .set({ status: next.status, rejectReason: next.rejectReason, decidedAt: isFinal(next.status) ? now : null, leaseExpiresAt: null })
          .where(eq(expressions.id, expressionId)),
      );
      if (next.status !== e.status) {
        changed = { actorId: validatorId, action: 'expression.status', entity: 'expression', entityId: expressionId, data: { from: e.status, to: next.status } };
      }
      e.status = next.status;
    }
    const targets = answerTargets(answer);
    const answered: AuditEntry = { actorId: validatorId, action: gold ? 'validation.gold' : 'validation.answer', entity: 'expression', entityId: expressionId, data: { round, kind: input.kind } };
    // The status, the lease's end, the log and the answer: independent writes, in one round trip
    // with the COMMIT on PostgreSQL (bench:validate: each round trip costs the instance more than
    // the statement).
    return commitWith(tx, [
      ...writes,
      ...endLeaseWrites(tx, lease, 'answered', now, { unmarked: !gold }),
      auditWrite(tx, changed ? [changed, answered] : [answered], now),
      validationInsert(tx, {
        expressionId,
        validatorId,
        round,
        answer: input.kind,
        targets: input.kind === 'targets' ? JSON.stringify(targets) : null,
        agrees: agreed,
        rejectReason: input.kind === 'reject' ? input.reason : null,
        rejectNote: input.kind === 'reject' ? (input.note ?? null) : null,
        durationMs: now - lease.issuedAt,
        createdAt: now,
      }),
    ], { feedback: feedback(e.status, agreed, input.kind === 'reject', gold, facts, false) });
  }, { lazy: false });
  if ('refuse' in outcome) throw conflict(outcome.refuse);
  return outcome.feedback;
}

/** The sample's target object numbers, sorted, from the comma list of the answer path's read. */
const parseTargets = (list: string | null): number[] => (list ? list.split(',').map(Number).sort((a, b) => a - b) : []);

function feedback(status: string, agreed: boolean, wasReject: boolean, gold: boolean, facts: SampleFacts, alreadyAnswered: boolean): AnswerFeedback {
  // A gold sample is decided by definition: its targets are the known answer.
  const outcome = gold ? 'accepted' : status === 'accepted' || status === 'discarded' || status === 'rejected' ? status : null;
  const correct = outcome === 'accepted' ? agreed : outcome === 'rejected' ? wasReject : false;
  return {
    alreadyAnswered,
    agreed: wasReject ? null : agreed,
    outcome,
    correctTargets: outcome === 'accepted' || outcome === 'discarded' ? [...facts.targets] : null,
    points: correct ? 1 : 0,
  };
}

/**
 * Per validator: answers, agreement with decided outcomes, gold accuracy, time, points. Read from
 * the running sums the admin dashboard shows too (answer-sums.ts), so both score alike.
 */
export async function validatorStats(db: Db, validatorIds?: number[]) {
  const only = validatorIds ? new Set(validatorIds) : null;
  return (await answerSums(db)).validators
    .filter((v) => !only || only.has(v.userId))
    .map((v) => ({
      validatorId: v.userId,
      answered: v.answered,
      scored: v.scored,
      correct: v.correct,
      accuracy: v.scored ? v.correct / v.scored : null,
      goldAnswered: v.goldAnswered,
      goldCorrect: v.goldCorrect,
      goldAccuracy: v.goldAnswered ? v.goldCorrect / v.goldAnswered : null,
      medianSeconds: v.medianMs === null ? null : v.medianMs / 1000,
      points: accuracyWeightedPoints(v.correct + v.goldCorrect, v.scored + v.goldAnswered),
    }));
}

/** The validators ranked by accuracy-weighted points (not by volume), with their names. */
export async function leaderboard(db: Db, top: number) {
  const stats = (await validatorStats(db)).sort((a, b) => b.points - a.points).slice(0, top);
  const names = new Map(
    stats.length
      ? (await db.select({ id: users.id, username: users.username }).from(users).where(inArray(users.id, stats.map((s) => s.validatorId)))).map((u) => [u.id, u.username])
      : [],
  );
  return stats.map(({ validatorId, ...s }, i) => ({ ...s, username: names.get(validatorId) ?? '?', rank: i + 1 }));
}

/**
 * Replays every sample's stored answers through the protocol machine and compares the result with
 * its status column: the consistency check of benchmarks, crash tests and tests. Returns the ids
 * whose status disagrees with their answers (or whose answers are an impossible sequence).
 */
export async function inconsistentSamples(db: Db): Promise<number[]> {
  const q = answerStatements(db);
  const bad: number[] = [];
  const rows = await db
    .select({ id: expressions.id, status: expressions.status, authorId: expressions.authorId })
    .from(expressions)
    // An admin's rejection after the single-frame probe (services/probes.ts) is a decision over the
    // answers, not one of them: such a sample is rejected whatever its answers say.
    .where(and(eq(expressions.origin, 'annotated'), sql`not exists (select 1 from probes p where p.expression_id = ${expressions.id} and p.decision = 'reject')`));
  for (const e of rows) {
    const ids = { expressionId: e.id, validatorId: 0 };
    const facts: SampleFacts = { authorId: e.authorId, targets: (await q.targets.execute(ids)).map((r) => r.localId).sort((a, b) => a - b) };
    const events = (await q.events.execute(ids)).map(toEvent);
    try {
      if (replay(facts, events).status !== e.status) bad.push(e.id);
    } catch (err) {
      if (!(err instanceof ProtocolError)) throw err;
      bad.push(e.id);
    }
  }
  return bad;
}
