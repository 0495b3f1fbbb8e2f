import { and, eq, isNull, sql, type SQL } from 'drizzle-orm';
import type { LeaseEndReason } from '#shared/domain.ts';
import { RaceLost } from '../db/busy.ts';
import type { DbOrTx, Tx } from '../db/client.ts';
import { DIALECT } from '../db/dialect.ts';
import { writeTogether, type PendingWrite } from '../db/write-together.ts';
import { expressions, leaseHistory, leases } from '../db/schema/index.ts';

/**
 * A validator's lease on a sample, and its history. The lease is what entitles a validator to
 * answer: `validate.answer` accepts an answer only from the holder of the sample's lease — live, or
 * expired but not yet handed to anyone else. Every grant and end is also written to
 * `lease_history`, the server's own record of who held what when (benchmarks and the crash and
 * abuse suites check "never held by two at once" against it, never against client clocks).
 */
export type Lease = typeof leases.$inferSelect;

export async function grantLease(tx: Tx, l: { expressionId: number; validatorId: number; round: number; issuedAt: number; expiresAt: number }): Promise<Lease> {
  if (DIALECT === 'postgres') return grantLeasePg(tx, l);
  const [row] = await tx.insert(leases).values(l).returning();
  await tx.insert(leaseHistory).values({ id: row!.id, ...l });
  if (l.round > 0) await setQueueMark(tx, l.expressionId, l.expiresAt);
  return row!;
}

/**
 * A lease whose time ran out while nobody took the sample over is still its holder's: renewed.
 * Renewed only if it still exists (another validator's hand-over may have ended it meanwhile; on
 * PostgreSQL at READ COMMITTED the two meet on the lease row's lock): otherwise the race is lost.
 */
export async function renewLease(tx: Tx, lease: Lease, expiresAt: number): Promise<Lease> {
  // The sample's row first (lock order above); rolled back with the rest if the race is lost.
  if (lease.round > 0) await setQueueMark(tx, lease.expressionId, expiresAt);
  const renewed = await tx.update(leases).set({ expiresAt }).where(eq(leases.id, lease.id)).returning({ id: leases.id });
  if (!renewed.length) throw new RaceLost(`lease ${lease.id} was handed over while being renewed`);
  await tx.update(leaseHistory).set({ expiresAt }).where(eq(leaseHistory.id, lease.id));
  return { ...lease, expiresAt };
}

/** `unmarked`: the caller has already cleared the sample's queue mark in its own update of the row. */
export async function endLease(tx: Tx, lease: Pick<Lease, 'id' | 'expressionId' | 'round'>, reason: LeaseEndReason, now: number, opts: { unmarked?: boolean } = {}): Promise<void> {
  await writeTogether(tx, endLeaseWrites(tx, lease, reason, now, opts));
}

/**
 * endLease's writes, for a caller that runs them together with its own (writeTogether). The
 * history row ends only if it has not ended already: a lease another transaction removed first
 * (a hand-over, on the sample's row lock) was ended there, with its own reason.
 */
export function endLeaseWrites(tx: Tx, lease: Pick<Lease, 'id' | 'expressionId' | 'round'>, reason: LeaseEndReason, now: number, opts: { unmarked?: boolean } = {}): PendingWrite[] {
  return [
    ...(lease.round > 0 && !opts.unmarked ? [tx.update(expressions).set({ leaseExpiresAt: null }).where(eq(expressions.id, lease.expressionId))] : []),
    tx.delete(leases).where(eq(leases.id, lease.id)),
    tx
      .update(leaseHistory)
      .set({ endedAt: now, endReason: reason })
      .where(and(eq(leaseHistory.id, lease.id), isNull(leaseHistory.endedAt))),
  ];
}

/** Ends every lease a validator holds (their account was disabled): the samples requeue at once. */
export async function releaseLeasesOf(tx: Tx, validatorId: number, now: number): Promise<number> {
  const held = await tx.select({ id: leases.id, expressionId: leases.expressionId, round: leases.round }).from(leases).where(eq(leases.validatorId, validatorId));
  for (const l of held) await endLease(tx, l, 'released', now);
  return held.length;
}

/**
 * Expired protocol leases on a sample, ended because it is being handed to someone else. The
 * caller chose the sample as having no live lease, from a snapshot that may be older than this
 * statement (READ COMMITTED on PostgreSQL): a live lease found here, or one renewed between this
 * read and its removal, means another transaction got there first (RaceLost: run again).
 */
export async function takeOverExpired(tx: Tx, expressionId: number, now: number): Promise<void> {
  const stale = await tx
    .select({ id: leases.id, expiresAt: leases.expiresAt })
    .from(leases)
    .where(and(eq(leases.expressionId, expressionId), sql`${leases.round} > 0`));
  for (const l of stale) {
    if (l.expiresAt > now) throw new RaceLost(`sample ${expressionId} was leased meanwhile`);
    const gone = await tx
      .delete(leases)
      .where(and(eq(leases.id, l.id), sql`${leases.expiresAt} <= ${now}`))
      .returning({ id: leases.id });
    if (!gone.length) throw new RaceLost(`lease ${l.id} was renewed meanwhile`);
    // The caller grants the next lease, which sets the mark again.
    await setQueueMark(tx, expressionId, null);
    await tx
      .update(leaseHistory)
      .set({ endedAt: now, endReason: 'expired' })
      .where(and(eq(leaseHistory.id, l.id), isNull(leaseHistory.endedAt)));
  }
}

/**
 * From the history: pairs of protocol leases on the same sample whose holding times overlap (a
 * lease holds from its grant until it ended, or until now when it has not). Zero is the
 * guarantee. Plain SQL, so checks that read a database file directly (test:crash, test:abuse)
 * ask the same question.
 */
export const LEASE_OVERLAPS_SQL = `select count(*) as n from lease_history a join lease_history b
  on a.expression_id = b.expression_id and a.id < b.id and a.round > 0 and b.round > 0
  where b.issued_at < coalesce(a.ended_at, 9e15) and a.issued_at < coalesce(b.ended_at, 9e15)`;

/** Answers that no lease of their validator on that sample ended. Zero is the guarantee. */
export const ANSWERS_WITHOUT_LEASE_SQL = `select count(*) as n from validations v where not exists (select 1 from lease_history h
  where h.expression_id = v.expression_id and h.validator_id = v.validator_id and h.round = v.round and h.end_reason = 'answered')`;

export async function overlappingLeases(db: DbOrTx): Promise<number> {
  return Number((await db.execute<{ n: number }>(sql.raw(LEASE_OVERLAPS_SQL))).rows[0]?.n ?? 0);
}

export async function answersWithoutLease(db: DbOrTx): Promise<number> {
  return Number((await db.execute<{ n: number }>(sql.raw(ANSWERS_WITHOUT_LEASE_SQL))).rows[0]?.n ?? 0);
}

/**
 * grantLease on PostgreSQL: the lease, its history row and the sample's mark in one statement (one
 * round trip instead of three on every sample handed out; bench:validate). The caller holds the
 * sample's row lock already, so the order in which the statement's parts run does not matter.
 */
async function grantLeasePg(tx: Tx, l: { expressionId: number; validatorId: number; round: number; issuedAt: number; expiresAt: number }): Promise<Lease> {
  const { rows } = await tx.execute<Lease>(sql`with ${leaseGrantQueries(sql`values (${l.expressionId}, ${l.validatorId}, ${l.round}, ${l.issuedAt}, ${l.expiresAt})`)}
    select id, expression_id as "expressionId", validator_id as "validatorId", round, issued_at as "issuedAt", expires_at as "expiresAt" from granted`);
  return rows[0]!;
}

/**
 * A grant as PostgreSQL `WITH` queries (`granted`, `history`, `marked`), for a statement that
 * selects from `granted`: the leases of `rows` (expression_id, validator_id, round, issued_at,
 * expires_at: a VALUES list or a SELECT), their history rows, and the samples' queue marks (protocol
 * rounds only). grantLeasePg and the one-statement hand-out (validation-queue.ts) both grant so.
 */
export function leaseGrantQueries(rows: SQL): SQL {
  return sql`granted as (
      insert into leases (expression_id, validator_id, round, issued_at, expires_at)
      ${rows}
      returning id, expression_id, validator_id, round, issued_at, expires_at),
    history as (
      insert into lease_history (id, expression_id, validator_id, round, issued_at, expires_at)
      select id, expression_id, validator_id, round, issued_at, expires_at from granted),
    marked as (
      update expressions set lease_expires_at = g.expires_at from granted g where expressions.id = g.expression_id and g.round > 0)`;
}

/** The sample's copy of its protocol lease's end (null: none), for the validation queue. */
async function setQueueMark(tx: Tx, expressionId: number, leaseExpiresAt: number | null): Promise<void> {
  await tx.update(expressions).set({ leaseExpiresAt }).where(eq(expressions.id, expressionId));
}

/**
 * Makes samples whose lease ran out available again: their mark is cleared, so the queue's index
 * finds them; the lease itself stays until someone else is handed the sample (takeOverExpired),
 * so its holder may still answer until then, as before. Rows another transaction holds are skipped
 * (PostgreSQL) and cleared by a later sweep: a sweep never waits. Returns how many it cleared.
 */
export async function sweepExpiredMarks(tx: Tx, now: number): Promise<number> {
  const expired = sql`${expressions.leaseExpiresAt} is not null and ${expressions.leaseExpiresAt} <= ${now}`;
  const ids = DIALECT === 'postgres' ? sql`select id from expressions where ${expired} for update skip locked` : sql`select id from expressions where ${expired}`;
  const cleared = await tx
    .update(expressions)
    .set({ leaseExpiresAt: null })
    .where(sql`${expressions.id} in (${ids})`)
    .returning({ id: expressions.id });
  return cleared.length;
}

/**
 * Samples whose mark disagrees with the leases table: a live protocol lease whose sample is not
 * marked with its end, or a mark no lease of that end stands behind. Zero is the guarantee (tests,
 * bench:validate).
 */
export async function leaseCacheMismatches(db: DbOrTx, now = Date.now()): Promise<number> {
  const r = await db.execute<{ n: number }>(sql`select
      (select count(*) from leases l join expressions e on e.id = l.expression_id
        where l.round > 0 and l.expires_at > ${now} and (e.lease_expires_at is null or e.lease_expires_at <> l.expires_at))
    + (select count(*) from expressions e where e.lease_expires_at is not null
        and not exists (select 1 from leases l where l.expression_id = e.id and l.round > 0 and l.expires_at = e.lease_expires_at)) as n`);
  return Number(r.rows[0]?.n ?? 0);
}
