import { and, eq, isNull, sql } from 'drizzle-orm';
import type { LeaseEndReason } from '#shared/domain.ts';
import { RaceLost } from '../db/busy.ts';
import type { DbOrTx, Tx } from '../db/client.ts';
import { leaseHistory, leases } from '../db/schema/index.ts';

/**
 * A validator's lease on a sample, and its history. The lease is what entitles a validator to
 * answer: `validate.answer` accepts an answer only from the holder of the sample's lease — live, or
 * expired but not yet handed to anyone else. Every grant and end is also written to
 * `lease_history`, the server's own record of who held what when (benchmarks and the crash and
 * abuse suites check "never held by two at once" against it, never against client clocks).
 */
export type Lease = typeof leases.$inferSelect;

export async function grantLease(tx: Tx, l: { expressionId: number; validatorId: number; round: number; issuedAt: number; expiresAt: number }): Promise<Lease> {
  const [row] = await tx.insert(leases).values(l).returning();
  await tx.insert(leaseHistory).values({ id: row!.id, ...l });
  return row!;
}

/**
 * A lease whose time ran out while nobody took the sample over is still its holder's: renewed.
 * Renewed only if it still exists (another validator's hand-over may have ended it meanwhile; on
 * PostgreSQL at READ COMMITTED the two meet on the lease row's lock): otherwise the race is lost.
 */
export async function renewLease(tx: Tx, lease: Lease, expiresAt: number): Promise<Lease> {
  const renewed = await tx.update(leases).set({ expiresAt }).where(eq(leases.id, lease.id)).returning({ id: leases.id });
  if (!renewed.length) throw new RaceLost(`lease ${lease.id} was handed over while being renewed`);
  await tx.update(leaseHistory).set({ expiresAt }).where(eq(leaseHistory.id, lease.id));
  return { ...lease, expiresAt };
}

export async function endLease(tx: Tx, leaseId: number, reason: LeaseEndReason, now: number): Promise<void> {
  await tx.delete(leases).where(eq(leases.id, leaseId));
  await tx
    .update(leaseHistory)
    .set({ endedAt: now, endReason: reason })
    .where(and(eq(leaseHistory.id, leaseId), isNull(leaseHistory.endedAt)));
}

/** Ends every lease a validator holds (their account was disabled): the samples requeue at once. */
export async function releaseLeasesOf(tx: Tx, validatorId: number, now: number): Promise<number> {
  const held = await tx.select({ id: leases.id }).from(leases).where(eq(leases.validatorId, validatorId));
  for (const l of held) await endLease(tx, l.id, 'released', now);
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
