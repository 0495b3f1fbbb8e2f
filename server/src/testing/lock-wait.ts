import { sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';

/**
 * Resolves once some connection to this PostgreSQL database waits for a lock: how a race test
 * knows that the call it started has reached the row its own open transaction holds, so that what
 * it does next lands while the other waits (not before, not after). Fails after `timeoutMs`.
 */
export async function untilSomeoneWaitsForALock(db: Db, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await db.execute<{ n: number }>(sql`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`);
    if (rows[0]!.n > 0) return;
    if (Date.now() > deadline) throw new Error(`nothing waited for a lock within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
