import { sql, type SQLWrapper } from 'drizzle-orm';
import { DIALECT } from './dialect.ts';
import { sendBeforeCommit } from './postgres.ts';
import type { DbOrTx, Tx } from './types.ts';

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

/**
 * A transaction's last writes (writeTogether), then `result` for the transaction to return. On
 * PostgreSQL, in a transaction of its own, the COMMIT goes out right behind the writes on the
 * pipelined connection instead of after their answer: one round trip instead of two (bench:validate,
 * the answer path). Nothing may run in the transaction after them: the caller returns this.
 */
export async function commitWith<T>(tx: Tx, writes: readonly PendingWrite[], result: T): Promise<T> {
  if (!(DIALECT === 'postgres' && sendBeforeCommit(tx, () => writeTogether(tx, writes)))) await writeTogether(tx, writes);
  return result;
}
