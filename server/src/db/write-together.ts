import { sql, type SQLWrapper } from 'drizzle-orm';
import { DIALECT } from './dialect.ts';
import type { DbOrTx } from './types.ts';

/** A write built with drizzle and not yet run (awaiting it runs it on its own). */
export type PendingWrite = SQLWrapper & PromiseLike<unknown>;

/**
 * Independent writes of one transaction, as one statement on PostgreSQL (data-modifying WITH
 * queries: one round trip, each run exactly once) and one after another on SQLite, where a
 * statement costs no round trip. Why: on PostgreSQL a round trip costs the app instance more
 * than the statement costs the database (bench:validate: socket writes were a third of the
 * instances' busy time), and the answer path's four writes were four of them.
 *
 * The writes must be independent: PostgreSQL runs them on one snapshot, so none sees another's
 * effect, and none may change a row another one changes. Results are not returned.
 */
export async function writeTogether(tx: DbOrTx, writes: readonly PendingWrite[]): Promise<void> {
  if (writes.length === 0) return;
  if (DIALECT === 'postgres' && writes.length > 1) {
    const parts = writes.map((w, i) => sql`${sql.raw(`w${i}`)} as (${w.getSQL()})`);
    await tx.execute(sql`with ${sql.join(parts, sql`, `)} select 1`);
    return;
  }
  for (const w of writes) await w;
}
