import { and, asc, count, desc, eq, inArray, isNull, sql } from 'drizzle-orm';
import type { ExpressionStatus, RejectReason } from '#shared/domain.ts';
import { INITIAL, isFinal, ProtocolError, replay, roundOf, type SampleFacts, type SampleState } from '#shared/protocol/index.ts';
import type { Role } from '#shared/roles.ts';
import type { ExclusionPreview, ExclusionResult, ExclusionRow, RaterRole } from '#shared/schemas/rater-exclusion.ts';
import type { Db, DbOrTx } from '../db/client.ts';
import { auditLog, expressions, expressionTargets, leases, objects, probes, raterExclusions, releaseExpressions, users, validations } from '../db/schema/index.ts';
import { auditMany, type AuditEntry } from './audit.ts';
import { badRequest, conflict, notFound } from './errors.ts';
import { endLease } from './leases.ts';
import { rolesOf, setUserRolesIn } from './users.ts';
import { toEvent } from './validation.ts';

/*
 * An admin takes a person's answers out of the next round (issue 18), after the quality page
 * showed them unreliable.
 *
 * A validator: every answer of theirs that still counts is voided (validations.voided_at; gold
 * answers too, for the record, though they never changed a sample). Each sample one of their
 * protocol answers had a part in is re-derived by replaying the answers left through the
 * protocol's own machine (shared/src/protocol): accepted on their round-1 answer → pending again;
 * sent to round 2 by their mismatch → the other answer is its round 1 now; and so on. A voided
 * answer still holds its slot (validations_once_uq), so the person is never handed that sample again.
 *
 * An annotator: their samples that are accepted or in round 2 and in no release yet restart at
 * round 1 (pending), every answer on them voided, so fresh validators look again. Rejected and
 * discarded ones stay as they are: nothing of them reaches a release, and the annotator may have
 * rewritten them already ("edit and resubmit"), which a restart would duplicate. Released ones
 * are left alone: a release never changes.
 *
 * Samples a release holds keep their frozen copy there (release_expressions never change); only
 * their live state moves, for the next release. A lease on a changed sample is kept only if it is
 * still valid for the new state (a round-2 lease on a sample that is pending again is not; a gold
 * lease on a sample no longer accepted is not). Everything in one transaction, with a
 * rater_exclusions row (what the answer sums key their restart on: answer-sums.ts) and audit entries.
 */

/** Ids per IN list: well under both engines' bound-parameter limits. */
const CHUNK = 500;
const chunks = <T>(xs: readonly T[]): T[][] => Array.from({ length: Math.ceil(xs.length / CHUNK) }, (_, i) => xs.slice(i * CHUNK, (i + 1) * CHUNK));

interface Person {
  id: number;
  username: string;
  roles: Role[];
}

/** A sample whose state the exclusion changes. */
interface Change {
  expressionId: number;
  from: ExpressionStatus;
  state: SampleState;
  decidedAt: number | null;
  gold: boolean;
  /** A release holds it (and keeps its frozen copy). */
  released: boolean;
}

type LeaseRow = { id: number; expressionId: number; validatorId: number; round: number };

interface Plan {
  person: Person;
  role: RaterRole;
  voidIds: number[];
  goldAnswers: number;
  changes: Change[];
  leases: LeaseRow[];
  releasedLeftAlone: number;
}

/**
 * The person, checked: a real user, not the admin acting (another admin judges them), and one who
 * holds the role or did work in it (someone demoted since still has answers that count).
 */
async function personFor(db: DbOrTx, userId: number, role: RaterRole, actorId: number): Promise<Person> {
  if (userId === actorId) throw badRequest('you cannot take your own answers out; ask another admin');
  const [u] = await db.select({ id: users.id, username: users.username }).from(users).where(eq(users.id, userId));
  if (!u) throw notFound(`user ${userId}`);
  const roles = await rolesOf(db, u.id);
  if (!roles.includes(role)) {
    const [work] =
      role === 'validator'
        ? await db.select({ n: count() }).from(validations).where(eq(validations.validatorId, u.id))
        : await db.select({ n: count() }).from(expressions).where(eq(expressions.authorId, u.id));
    if (!work!.n) throw badRequest(`${u.username} is not ${role === 'validator' ? 'a validator and has no answers' : 'an annotator and has no expressions'}`);
  }
  return { ...u, roles };
}

async function releasedAmong(db: DbOrTx, ids: readonly number[]): Promise<Set<number>> {
  const out = new Set<number>();
  for (const part of chunks(ids)) {
    for (const r of await db.selectDistinct({ id: releaseExpressions.expressionId }).from(releaseExpressions).where(inArray(releaseExpressions.expressionId, part))) out.add(r.id);
  }
  return out;
}

/** Samples an admin rejected after the single-frame probe (services/probes.ts): a decision over the answers, which stands. */
async function probeRejectedAmong(db: DbOrTx, ids: readonly number[]): Promise<Set<number>> {
  const out = new Set<number>();
  for (const part of chunks(ids)) {
    for (const r of await db.select({ id: probes.expressionId }).from(probes).where(and(inArray(probes.expressionId, part), eq(probes.decision, 'reject')))) out.add(r.id);
  }
  return out;
}

/**
 * The samples' states after their answers in `voiding` are out: the rest replayed through the
 * protocol machine, as submitAnswer does on every answer. Returns only the samples whose state
 * changes; one an admin rejected after the single-frame probe stays rejected (its answers are voided all the same).
 */
async function rederive(db: DbOrTx, ids: readonly number[], voiding: ReadonlySet<number>): Promise<Change[]> {
  const out: Change[] = [];
  const released = await releasedAmong(db, ids);
  const decided = await probeRejectedAmong(db, ids);
  for (const part of chunks(ids.filter((id) => !decided.has(id)))) {
    const rows = await db
      .select({ id: expressions.id, status: expressions.status, rejectReason: expressions.rejectReason, authorId: expressions.authorId, gold: expressions.gold })
      .from(expressions)
      .where(inArray(expressions.id, part))
      .orderBy(asc(expressions.id));
    const targets = new Map<number, number[]>();
    for (const t of await db
      .select({ expressionId: expressionTargets.expressionId, localId: objects.localId })
      .from(expressionTargets)
      .innerJoin(objects, eq(objects.id, expressionTargets.objectId))
      .where(inArray(expressionTargets.expressionId, part))) {
      (targets.get(t.expressionId) ?? targets.set(t.expressionId, []).get(t.expressionId)!).push(t.localId);
    }
    const answers = await db
      .select()
      .from(validations)
      .where(and(inArray(validations.expressionId, part), sql`${validations.round} > 0`, isNull(validations.voidedAt)))
      .orderBy(asc(validations.id));
    for (const e of rows) {
      const facts: SampleFacts = { authorId: e.authorId, targets: (targets.get(e.id) ?? []).sort((a, b) => a - b) };
      const left = answers.filter((a) => a.expressionId === e.id && !voiding.has(a.id));
      let state: SampleState;
      try {
        state = replay(facts, left.map(toEvent));
      } catch (err) {
        // The answers left are part of a sequence the machine took, so they replay; if not, the
        // stored answers were already broken and nothing is changed.
        if (err instanceof ProtocolError) throw conflict(`sample ${e.id}: its remaining answers are not a sequence the protocol allows (${err.message}); nothing was changed`);
        throw err;
      }
      if (state.status === e.status && state.rejectReason === e.rejectReason) continue;
      // Decided by the last answer left, at its time (the answer sums count decisions by that day).
      out.push({ expressionId: e.id, from: e.status, state, decidedAt: isFinal(state.status) ? left.at(-1)!.createdAt : null, gold: Boolean(e.gold), released: released.has(e.id) });
    }
  }
  return out;
}

async function planValidator(db: DbOrTx, person: Person): Promise<Plan> {
  const mine = await db
    .select({ id: validations.id, expressionId: validations.expressionId, round: validations.round })
    .from(validations)
    .where(and(eq(validations.validatorId, person.id), isNull(validations.voidedAt)))
    .orderBy(asc(validations.id));
  const voidIds = mine.map((m) => m.id);
  // Gold answers (round 0) never changed a sample: only protocol answers send one back.
  const samples = [...new Set(mine.filter((m) => m.round > 0).map((m) => m.expressionId))];
  const changes = await rederive(db, samples, new Set(voidIds));
  return { person, role: 'validator', voidIds, goldAnswers: mine.length - mine.filter((m) => m.round > 0).length, changes, leases: await leasesToEnd(db, changes), releasedLeftAlone: 0 };
}

async function planAnnotator(db: DbOrTx, person: Person): Promise<Plan> {
  const own = await db
    .select({ id: expressions.id, status: expressions.status, gold: expressions.gold })
    .from(expressions)
    .where(and(eq(expressions.authorId, person.id), inArray(expressions.status, ['second_round', 'accepted'])))
    .orderBy(asc(expressions.id));
  const released = await releasedAmong(db, own.map((e) => e.id));
  const restart = own.filter((e) => !released.has(e.id));
  const voidIds: number[] = [];
  let goldAnswers = 0;
  for (const part of chunks(restart.map((e) => e.id))) {
    for (const a of await db
      .select({ id: validations.id, round: validations.round })
      .from(validations)
      .where(and(inArray(validations.expressionId, part), isNull(validations.voidedAt)))
      .orderBy(asc(validations.id))) {
      voidIds.push(a.id);
      if (a.round === 0) goldAnswers++;
    }
  }
  const changes: Change[] = restart.map((e) => ({ expressionId: e.id, from: e.status, state: INITIAL, decidedAt: null, gold: Boolean(e.gold), released: false }));
  const [inRelease] = await db
    .select({ n: sql<number>`count(distinct ${releaseExpressions.expressionId})` })
    .from(releaseExpressions)
    .innerJoin(expressions, eq(expressions.id, releaseExpressions.expressionId))
    .where(eq(expressions.authorId, person.id));
  return { person, role: 'annotator', voidIds, goldAnswers, changes, leases: await leasesToEnd(db, changes), releasedLeftAlone: Number(inRelease!.n) };
}

/** Whether a lease still entitles its holder to answer the sample in its new state (what submitAnswer would accept). */
function stillValid(l: LeaseRow, c: Change): boolean {
  if (l.round === 0) return c.gold && c.state.status === 'accepted';
  return !isFinal(c.state.status) && roundOf(c.state) === l.round;
}

async function leasesToEnd(db: DbOrTx, changes: readonly Change[]): Promise<LeaseRow[]> {
  const byId = new Map(changes.map((c) => [c.expressionId, c]));
  const out: LeaseRow[] = [];
  for (const part of chunks([...byId.keys()])) {
    const held = await db
      .select({ id: leases.id, expressionId: leases.expressionId, validatorId: leases.validatorId, round: leases.round })
      .from(leases)
      .where(inArray(leases.expressionId, part))
      .orderBy(asc(leases.id));
    out.push(...held.filter((l) => !stillValid(l, byId.get(l.expressionId)!)));
  }
  return out;
}

const planFor = (db: DbOrTx, person: Person, role: RaterRole) => (role === 'validator' ? planValidator(db, person) : planAnnotator(db, person));

function previewOf(plan: Plan): ExclusionPreview {
  const groups = new Map<string, { from: ExpressionStatus; to: ExpressionStatus; n: number }>();
  for (const c of plan.changes) {
    const key = `${c.from}>${c.state.status}`;
    const g = groups.get(key) ?? groups.set(key, { from: c.from, to: c.state.status, n: 0 }).get(key)!;
    g.n++;
  }
  const hasRole = plan.person.roles.includes(plan.role);
  return {
    userId: plan.person.id,
    username: plan.person.username,
    role: plan.role,
    answers: plan.voidIds.length,
    goldAnswers: plan.goldAnswers,
    samples: [...groups.values()].sort((a, b) => b.n - a.n || a.from.localeCompare(b.from) || a.to.localeCompare(b.to)),
    inRelease: plan.changes.filter((c) => c.released).length,
    releasedLeftAlone: plan.releasedLeftAlone,
    leases: plan.leases.length,
    hasRole,
    canRemoveRole: hasRole && plan.person.roles.length > 1,
  };
}

/** What excludeRater would do now, changing nothing (the confirm dialog shows it). */
export async function previewExclusion(db: Db, target: { userId: number; role: RaterRole }, actorId: number): Promise<ExclusionPreview> {
  const person = await personFor(db, target.userId, target.role, actorId);
  return previewOf(await planFor(db, person, target.role));
}

/**
 * Takes the person's answers out (see the top of this file), in one transaction. Nothing left to
 * void (a second exclusion, or a retry) writes no record and changes no sample; `removeRole`
 * still takes the role away then.
 */
export async function excludeRater(
  db: Db,
  input: { userId: number; role: RaterRole; note?: string; removeRole?: boolean },
  actorId: number,
  now = Date.now(),
): Promise<ExclusionResult> {
  return db.transaction(async (tx) => {
    const person = await personFor(tx, input.userId, input.role, actorId);
    const removeRole = Boolean(input.removeRole) && person.roles.includes(input.role);
    const rest = person.roles.filter((r) => r !== input.role);
    // Checked before anything is written: setUserRolesIn would refuse it at the end anyway.
    if (removeRole && rest.length === 0) throw badRequest(`${input.role} is ${person.username}'s only role; disable the account on the Users page instead`);
    const plan = await planFor(tx, person, input.role);
    let exclusionId: number | null = null;
    if (plan.voidIds.length) {
      for (const part of chunks(plan.voidIds)) {
        await tx
          .update(validations)
          .set({ voidedAt: now })
          .where(and(inArray(validations.id, part), isNull(validations.voidedAt)));
      }
      // The samples' rows before their leases' (the lock order of services/leases.ts); samples
      // with the same new state in one statement each.
      const same = new Map<string, { status: ExpressionStatus; rejectReason: RejectReason | null; decidedAt: number | null; ids: number[] }>();
      for (const c of plan.changes) {
        const key = JSON.stringify([c.state.status, c.state.rejectReason, c.decidedAt]);
        const g = same.get(key) ?? same.set(key, { status: c.state.status, rejectReason: c.state.rejectReason, decidedAt: c.decidedAt, ids: [] }).get(key)!;
        g.ids.push(c.expressionId);
      }
      for (const g of same.values()) {
        for (const part of chunks(g.ids)) await tx.update(expressions).set({ status: g.status, rejectReason: g.rejectReason, decidedAt: g.decidedAt }).where(inArray(expressions.id, part));
      }
      for (const l of plan.leases) await endLease(tx, l, 'released', now);
      const note = input.note?.trim() ?? '';
      const [row] = await tx
        .insert(raterExclusions)
        .values({ userId: person.id, actorId, note, voidedAnswers: plan.voidIds.length, reopenedSamples: plan.changes.length, createdAt: now })
        .returning({ id: raterExclusions.id });
      exclusionId = row!.id;
      const entries: AuditEntry[] = [
        {
          actorId,
          action: 'user.exclude',
          entity: 'user',
          entityId: person.id,
          data: { exclusionId, role: input.role, voidedAnswers: plan.voidIds.length, reopenedSamples: plan.changes.length, leasesReleased: plan.leases.length, note },
        },
        // Each sample's history says why its state moved, as an answer's status change does.
        ...plan.changes.map((c) => ({ actorId, action: 'expression.status', entity: 'expression', entityId: c.expressionId, data: { from: c.from, to: c.state.status, exclusionId } })),
      ];
      await auditMany(tx, entries, now);
    }
    if (removeRole) await setUserRolesIn(tx, person.id, rest, actorId);
    return { exclusionId, voidedAnswers: plan.voidIds.length, reopenedSamples: plan.changes.length, leasesReleased: plan.leases.length, roleRemoved: removeRole };
  });
}

/** Past exclusions, newest first, with the names of the person and the admin. */
export async function listExclusions(db: Db, limit = 100): Promise<ExclusionRow[]> {
  const rows = await db
    .select({
      id: raterExclusions.id,
      userId: raterExclusions.userId,
      username: users.username,
      actorId: raterExclusions.actorId,
      note: raterExclusions.note,
      voidedAnswers: raterExclusions.voidedAnswers,
      reopenedSamples: raterExclusions.reopenedSamples,
      createdAt: raterExclusions.createdAt,
    })
    .from(raterExclusions)
    .innerJoin(users, eq(users.id, raterExclusions.userId))
    .orderBy(desc(raterExclusions.id))
    .limit(limit);
  if (!rows.length) return [];
  const actorIds = [...new Set(rows.map((r) => r.actorId).filter((id): id is number => id !== null))];
  const actors = new Map(actorIds.length ? (await db.select({ id: users.id, username: users.username }).from(users).where(inArray(users.id, actorIds))).map((u) => [u.id, u.username]) : []);
  // The role is in the audit entry written with the record (rater_exclusions has no column for it).
  const roles = new Map<number, RaterRole>();
  const entries = await db
    .select({ data: auditLog.data })
    .from(auditLog)
    .where(and(eq(auditLog.entity, 'user'), inArray(auditLog.entityId, [...new Set(rows.map((r) => String(r.userId)))]), eq(auditLog.action, 'user.exclude')));
  for (const e of entries) {
    const d = JSON.parse(e.data ?? '{}') as { exclusionId?: number; role?: RaterRole };
    if (typeof d.exclusionId === 'number' && (d.role === 'validator' || d.role === 'annotator')) roles.set(d.exclusionId, d.role);
  }
  return rows.map(({ actorId, ...r }) => ({ ...r, role: roles.get(r.id) ?? null, actor: actorId === null ? null : (actors.get(actorId) ?? null) }));
}
