import { and, asc, eq, lte, sql, type SQL } from 'drizzle-orm';
import { accuracyWeightedPoints, agrees, answerTargets, isFinal, ProtocolError, replay, roundOf, step, type Answer, type AnswerEvent, type SampleFacts } from '#shared/protocol/index.ts';
import type { AnswerFeedback, AnswerInput, SampleView } from '#shared/schemas/validate.ts';
import { lazyTransaction, type Db } from '../db/client.ts';
import { preparedPerDb } from '../db/prepared.ts';
import { expressions, expressionTargets, leases, objects, validations } from '../db/schema/index.ts';
import { answerSums } from './answer-sums.ts';
import { audit } from './audit.ts';
import { conflict, notFound } from './errors.ts';
import { getSettings } from './settings.ts';

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

const byExpression = sql.placeholder('expressionId');
const byValidator = sql.placeholder('validatorId');

/** Reads of the answer path, prepared once (see db/prepared.ts). */
const answerStatements = preparedPerDb((db) => ({
  expression: db.select().from(expressions).where(eq(expressions.id, byExpression)).prepare(),
  targets: db
    .select({ localId: objects.localId })
    .from(expressionTargets)
    .innerJoin(objects, eq(objects.id, expressionTargets.objectId))
    .where(eq(expressionTargets.expressionId, byExpression))
    .prepare(),
  previous: db
    .select()
    .from(validations)
    .where(and(eq(validations.expressionId, byExpression), eq(validations.validatorId, byValidator)))
    .prepare(),
  lease: db
    .select()
    .from(leases)
    .where(and(eq(leases.validatorId, byValidator), eq(leases.expressionId, byExpression)))
    .prepare(),
  otherLease: db
    .select({ id: leases.id })
    .from(leases)
    .where(and(eq(leases.expressionId, byExpression), sql`${leases.round} > 0`))
    .prepare(),
  events: db
    .select()
    .from(validations)
    .where(and(eq(validations.expressionId, byExpression), sql`${validations.round} > 0`))
    .orderBy(asc(validations.id))
    .prepare(),
}));

// Correlated subqueries name the outer table explicitly: drizzle leaves single-table columns
// unqualified, and an unqualified "id" inside a subquery would bind to the inner table.
const outer = (column: string) => sql.raw(`"expressions"."${column}"`);
const unleased = sql`not exists (select 1 from "leases" l where l.expression_id = ${outer('id')} and l.round > 0)`;

/** Samples this validator may answer at all: not their own, not answered, not on their videos. */
function eligibleFor(validatorId: number | SQL.Aliased | ReturnType<typeof sql.placeholder>, skipOwnVideos: boolean): SQL {
  const notMine = sql`coalesce(${outer('author_id')}, 0) <> ${validatorId}`;
  const notAnswered = sql`not exists (select 1 from "validations" v where v.expression_id = ${outer('id')} and v.validator_id = ${validatorId})`;
  const notOwnVideo = skipOwnVideos ? sql`not exists (select 1 from "expressions" own where own.video_id = ${outer('video_id')} and own.author_id = ${validatorId})` : sql`1`;
  return and(notMine, notAnswered, notOwnVideo)!;
}

const me = sql.placeholder('me');

const nextStatements = preparedPerDb((db) => {
  const candidate = { id: expressions.id, status: expressions.status, videoId: expressions.videoId, text: expressions.text, createdAt: expressions.createdAt };
  const variant = (skipOwnVideos: boolean) => ({
    // One query per status, each walking the (status, created_at) index in order and stopping at
    // the first eligible sample; an IN over both statuses would sort every waiting sample first.
    oldest: db
      .select(candidate)
      .from(expressions)
      .where(and(sql`${outer('status')} = ${sql.placeholder('status')} and ${unleased}`, eligibleFor(me, skipOwnVideos)))
      .orderBy(sql`${outer('created_at')}, ${outer('id')}`)
      .limit(1)
      .prepare(),
    gold: db
      .select(candidate)
      .from(expressions)
      .where(and(sql`${outer('status')} = 'accepted' and ${outer('gold')} = 1`, eligibleFor(me, skipOwnVideos)))
      .orderBy(sql`random()`)
      .limit(1)
      .prepare(),
  });
  return {
    purge: db.delete(leases).where(lte(leases.expiresAt, sql.placeholder('now'))).prepare(),
    held: db
      .select({ expressionId: leases.expressionId, expiresAt: leases.expiresAt, videoId: expressions.videoId, text: expressions.text })
      .from(leases)
      .innerJoin(expressions, eq(expressions.id, leases.expressionId))
      .where(eq(leases.validatorId, me))
      .prepare(),
    skipOwn: variant(true),
    anyVideo: variant(false),
  };
});

/** How many samples wait for this validator (counts only: a home page must not describe samples). */
export function waitingFor(db: Db, validatorId: number): number {
  const s = getSettings(db);
  return db
    .select({ n: sql<number>`count(*)` })
    .from(expressions)
    .where(and(sql`${outer('status')} in ('pending', 'second_round') and ${unleased}`, eligibleFor(validatorId, s.validatorSkipsOwnVideos)))
    .get()!.n;
}

const viewOf = (lease: { expressionId: number; expiresAt: number }, e: { videoId: number; text: string }): SampleView => ({
  expressionId: lease.expressionId,
  videoId: e.videoId,
  text: e.text,
  expiresAt: lease.expiresAt,
});

/**
 * Hands the validator a sample under a lease: the one they already hold, else (with the gold
 * share's probability) a gold sample, else the oldest sample they may answer. One transaction, so
 * two validators can never be given the same sample in the same round.
 */
export function nextSample(db: Db, validatorId: number, opts: { now?: number; random?: () => number } = {}): SampleView | null {
  const now = opts.now ?? Date.now();
  const random = opts.random ?? Math.random;
  const q = nextStatements(db);
  // A lease is not an acknowledged submission: losing one to a power cut only requeues a sample.
  return lazyTransaction(db, () => {
    // Expired leases return their samples to the queue.
    q.purge.run({ now });
    const held = q.held.get({ me: validatorId });
    if (held) return viewOf(held, held);
    const s = getSettings(db);
    const v = s.validatorSkipsOwnVideos ? q.skipOwn : q.anyVideo;
    // Real work decides whether there is anything to do; gold is mixed into real work only.
    const work = [v.oldest.get({ me: validatorId, status: 'second_round' }), v.oldest.get({ me: validatorId, status: 'pending' })]
      .filter((w) => w !== undefined)
      .sort((a, b) => a.createdAt - b.createdAt || a.id - b.id)[0];
    if (!work) return null;
    const gold = random() < s.goldShare ? v.gold.get({ me: validatorId }) : undefined;
    const chosen = gold ?? work;
    const round = gold ? 0 : chosen.status === 'second_round' ? 2 : 1;
    const expiresAt = now + s.leaseMinutes * 60_000;
    db.insert(leases).values({ expressionId: chosen.id, validatorId, round, issuedAt: now, expiresAt }).run();
    return viewOf({ expressionId: chosen.id, expiresAt }, chosen);
  });
}

/**
 * Stores a validator's answer and advances the sample through the protocol machine. Gold samples
 * only score the validator. A retry of a stored answer returns its feedback again. An answer after
 * the lease ran out is still taken if nobody else has the sample meanwhile.
 */
export function submitAnswer(db: Db, validatorId: number, expressionId: number, input: AnswerInput, now = Date.now()): AnswerFeedback {
  const q = answerStatements(db);
  const ids = { expressionId, validatorId };
  return db.transaction((tx) => {
    const e = q.expression.get(ids);
    if (!e) throw notFound(`sample ${expressionId}`);
    const facts: SampleFacts = { authorId: e.authorId, targets: q.targets.all(ids).map((r) => r.localId).sort((a, b) => a - b) };
    const previous = q.previous.get(ids);
    if (previous) return feedback(e.status, previous.agrees, previous.answer === 'reject', previous.round === 0, facts, true);

    const lease = q.lease.get(ids);
    const gold = lease ? lease.round === 0 : e.gold && e.status === 'accepted';
    if (!lease) {
      const other = q.otherLease.get(ids);
      if (other || (!gold && isFinal(e.status))) throw conflict('your time for this sample ran out and it was handed to someone else; please take the next one');
      if (!gold && e.status !== 'pending' && e.status !== 'second_round') throw conflict('this sample is not waiting for validation');
    }
    const answer = toAnswer(input);
    const agreed = agrees(answer, facts);
    let round = 0;
    if (!gold) {
      // The stored answers are the truth; the status column is their cache.
      const state = replay(facts, q.events.all(ids).map(toEvent));
      if (state.status !== e.status) throw new Error(`sample ${expressionId}: status ${e.status} but its answers say ${state.status}`);
      let next;
      try {
        next = step(state, facts, { validatorId, answer });
      } catch (err) {
        if (err instanceof ProtocolError) throw conflict(err.message);
        throw err;
      }
      round = roundOf(state);
      tx.update(expressions)
        .set({ status: next.status, rejectReason: next.rejectReason, decidedAt: isFinal(next.status) ? now : null })
        .where(eq(expressions.id, expressionId))
        .run();
      if (next.status !== e.status) {
        audit(tx, { actorId: validatorId, action: 'expression.status', entity: 'expression', entityId: expressionId, data: { from: e.status, to: next.status } }, now);
      }
      e.status = next.status;
    } else if (facts.authorId === validatorId) {
      throw conflict('nobody validates their own expression');
    }
    const targets = answerTargets(answer);
    tx.insert(validations)
      .values({
        expressionId,
        validatorId,
        round,
        answer: input.kind,
        targets: input.kind === 'targets' ? JSON.stringify(targets) : null,
        agrees: agreed,
        rejectReason: input.kind === 'reject' ? input.reason : null,
        rejectNote: input.kind === 'reject' ? (input.note ?? null) : null,
        durationMs: lease ? now - lease.issuedAt : 0,
        createdAt: now,
      })
      .run();
    if (lease) tx.delete(leases).where(eq(leases.id, lease.id)).run();
    audit(tx, { actorId: validatorId, action: gold ? 'validation.gold' : 'validation.answer', entity: 'expression', entityId: expressionId, data: { round, kind: input.kind } }, now);
    return feedback(e.status, agreed, input.kind === 'reject', gold, facts, false);
  });
}

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
export function validatorStats(db: Db, validatorIds?: number[]) {
  const only = validatorIds ? new Set(validatorIds) : null;
  return answerSums(db)
    .validators.filter((v) => !only || only.has(v.userId))
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

/**
 * Replays every sample's stored answers through the protocol machine and compares the result with
 * its status column: the consistency check of benchmarks, crash tests and tests. Returns the ids
 * whose status disagrees with their answers (or whose answers are an impossible sequence).
 */
export function inconsistentSamples(db: Db): number[] {
  const q = answerStatements(db);
  const bad: number[] = [];
  const rows = db
    .select({ id: expressions.id, status: expressions.status, authorId: expressions.authorId })
    .from(expressions)
    .where(eq(expressions.origin, 'annotated'))
    .all();
  for (const e of rows) {
    const ids = { expressionId: e.id, validatorId: 0 };
    const facts: SampleFacts = { authorId: e.authorId, targets: q.targets.all(ids).map((r) => r.localId).sort((a, b) => a - b) };
    try {
      if (replay(facts, q.events.all(ids).map(toEvent)).status !== e.status) bad.push(e.id);
    } catch (err) {
      if (!(err instanceof ProtocolError)) throw err;
      bad.push(e.id);
    }
  }
  return bad;
}
