import { eq, lt, sql } from 'drizzle-orm';
import { lazyTransaction, type Db } from '../db/client.ts';
import { loginThrottle } from '../db/schema/index.ts';
import { ServiceError } from '../services/errors.ts';

/**
 * Backoff for failed logins, per account and per client address. Each key has a number of free
 * failures; after that every further failure doubles the wait before the next attempt, up to a
 * cap, so a guesser gets at most one try per cap interval per key — and a person who mistyped
 * waits seconds, never a lockout. Counts are forgotten a day after the last failure.
 *
 * The count is taken *before* the password is hashed (a reservation): concurrent or batched
 * guesses each see the ones before them, so 40 at once evaluate no more than the free allowance.
 * A success hands the reservation back. In the database, so a restart does not reset it.
 *
 * The per-account key could let anyone slow down a named account from anywhere; that is why a
 * login from a browser that logged into that account before (a known device, auth/devices.ts) is
 * exempt from both keys.
 */
export interface ThrottleRule {
  free: number;
  baseMs: number;
  capMs: number;
}

export const ACCOUNT_RULE: ThrottleRule = { free: 5, baseMs: 1000, capMs: 15 * 60_000 };
/** Wider: many honest people can share one address (a lab, a NAT). */
export const ADDRESS_RULE: ThrottleRule = { free: 20, baseMs: 1000, capMs: 15 * 60_000 };
const FORGET_MS = 24 * 3600_000;

export interface ThrottleKey {
  key: string;
  rule: ThrottleRule;
}

export function backoffMs(failures: number, rule: ThrottleRule): number {
  if (failures < rule.free) return 0;
  return Math.min(rule.capMs, rule.baseMs * 2 ** Math.min(30, failures - rule.free));
}

function waitText(ms: number): string {
  return ms < 90_000 ? `${Math.ceil(ms / 1000)} s` : `${Math.ceil(ms / 60_000)} min`;
}

/**
 * Counts one attempt against every key, or refuses (TOO_MANY_REQUESTS, with the wait) when any
 * key is still in its backoff. Nothing is counted when refused.
 */
export async function reserveAttempt(db: Db, keys: ThrottleKey[], now = Date.now()): Promise<void> {
  // A lost count on a power cut is harmless; no sync needed before answering.
  await lazyTransaction(db, async (tx) => {
    let wait = 0;
    const rows = [];
    for (const { key, rule } of keys) {
      const [row] = await tx.select().from(loginThrottle).where(eq(loginThrottle.key, key));
      const fresh = row && now - row.lastAt < FORGET_MS ? row : null;
      if (fresh) wait = Math.max(wait, fresh.lastAt + backoffMs(fresh.failures, rule) - now);
      rows.push({ key, fresh });
    }
    if (wait > 0) throw new ServiceError('TOO_MANY_REQUESTS', `too many failed logins; please try again in ${waitText(wait)}`);
    for (const { key, fresh } of rows) {
      await tx
        .insert(loginThrottle)
        .values({ key, failures: (fresh?.failures ?? 0) + 1, firstAt: fresh?.firstAt ?? now, lastAt: now })
        .onConflictDoUpdate({ target: loginThrottle.key, set: { failures: (fresh?.failures ?? 0) + 1, firstAt: fresh?.firstAt ?? now, lastAt: now } });
    }
  });
}

/** Hands a reservation back (a success, or an attempt that never got to the password check). */
export async function returnAttempt(db: Db, keys: string[]): Promise<void> {
  if (!keys.length) return;
  await lazyTransaction(db, async (tx) => {
    for (const key of keys) {
      await tx
        .update(loginThrottle)
        .set({ failures: sql`case when ${loginThrottle.failures} > 0 then ${loginThrottle.failures} - 1 else 0 end` })
        .where(eq(loginThrottle.key, key));
    }
  });
}

/** The password was wrong: the backoff runs from now, when the failure became known. */
export async function confirmFailure(db: Db, keys: string[], now = Date.now()): Promise<void> {
  if (!keys.length) return;
  await lazyTransaction(db, async (tx) => {
    for (const key of keys) await tx.update(loginThrottle).set({ lastAt: now }).where(eq(loginThrottle.key, key));
  });
}

/** A correct password for the account: its failures are forgotten. */
export async function clearKey(db: Db, key: string): Promise<void> {
  await lazyTransaction(db, (tx) => tx.delete(loginThrottle).where(eq(loginThrottle.key, key)));
}

/** Drops counts nobody needs any more (run at start-up). */
export async function purgeThrottle(db: Db, now = Date.now()): Promise<number> {
  const gone = await db.transaction((tx) => tx.delete(loginThrottle).where(lt(loginThrottle.lastAt, now - FORGET_MS)).returning({ key: loginThrottle.key }));
  return gone.length;
}
