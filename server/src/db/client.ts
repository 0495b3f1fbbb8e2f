import { sql } from 'drizzle-orm';
import { DIALECT } from './dialect.ts';
import { openPostgres, postgresHooksOf, type PostgresDatabase, type PostgresOptions } from './postgres.ts';
import { openSqlite, sqliteHooksOf, type SqliteDatabase } from './sqlite.ts';
import type { DbOrTx, Tx } from './types.ts';

export type { Db, DbOrTx, Tx } from './types.ts';
export { DEFAULT_BUSY_TIMEOUT_MS, setBusyTimeout } from './sqlite.ts';
/** The embedded SQLite file (the CLI's and tests' direct way in; the app uses openDatabase). */
export { openSqlite as openDb };

export type AnyDatabase = SqliteDatabase | PostgresDatabase;

/**
 * The app's database: PostgreSQL when `databaseUrl` is set, else the SQLite file. The engine was
 * chosen for the whole process from DATABASE_URL when it started (db/dialect.ts); a URL that
 * disagrees with that choice is a programming error.
 */
export async function openDatabase(opts: { databaseUrl?: string; dbFile: string } & PostgresOptions): Promise<AnyDatabase> {
  const wanted = opts.databaseUrl ? 'postgres' : 'sqlite';
  if (wanted !== DIALECT) {
    throw new Error(`this process runs on ${DIALECT} (DATABASE_URL ${process.env.DATABASE_URL ? 'is' : 'is not'} set) and cannot open a ${wanted} database`);
  }
  return opts.databaseUrl ? openPostgres(opts.databaseUrl, opts) : openSqlite(opts.dbFile);
}

/**
 * Runs a transaction whose loss on power failure is harmless (leases, session touches): its commit
 * does not wait for the disk. On SQLite under group commit nobody's answer waits for its sync (the
 * next durable commit syncs it too), or, without group commit, it commits with synchronous =
 * NORMAL; on PostgreSQL it runs with synchronous_commit = off. A process crash loses nothing either
 * way. Halves the fsyncs of a validator's request cycle (bench:validate), since handing out a
 * sample is a write but not an acknowledged submission. Inside another transaction it is a plain
 * nested one.
 */
export function lazyTransaction<T>(db: DbOrTx, fn: (tx: Tx) => Promise<T>): Promise<T> {
  const hooks = sqliteHooksOf(db) ?? postgresHooksOf(db);
  if (hooks) return hooks.lazyTransaction(fn);
  return db.transaction(fn);
}

/**
 * A transaction whose correctness rests on row locks, not on serializable isolation: on
 * PostgreSQL it runs at READ COMMITTED, where `FOR UPDATE` (and `SKIP LOCKED`, the queue idiom) is
 * how concurrent requests stay apart. Under SERIALIZABLE every hand-out reads the whole queue's
 * predicate and every answer a sample's log, and they all conflicted with one another: with 200
 * validators on two instances, retries piled up to seconds (bench:validate). The caller locks the
 * row it is about first, re-checks what it read with statements run after taking its locks (each
 * statement sees what committed before it began), and throws `RaceLost` when another transaction
 * got there first; unique indexes are the last line. `lazy`: as lazyTransaction (default), else a
 * durable commit. On SQLite (one writer, so serial) it is an ordinary transaction.
 */
export function rowLockTransaction<T>(db: DbOrTx, fn: (tx: Tx) => Promise<T>, opts: { lazy?: boolean } = {}): Promise<T> {
  const lazy = opts.lazy ?? true;
  const pg = postgresHooksOf(db);
  if (pg) return pg.rowLockTransaction(fn, lazy);
  return lazy ? lazyTransaction(db, fn) : db.transaction(fn);
}

/**
 * On PostgreSQL, locks a row for the rest of the transaction (rowLockTransaction); SQLite runs
 * transactions one at a time. The id is written into the statement (checked to be an integer
 * first): without parameters it travels with the transaction's BEGIN (db/deferred-begin.ts).
 */
export async function lockRow(tx: Tx, table: string, id: number): Promise<void> {
  await lockRowThen(tx, table, id, async () => {});
}

/**
 * lockRow, then `read`, in one round trip on PostgreSQL: the lock is sent first and the read right
 * behind it on the pipelined connection (db/postgres.ts) without waiting for the lock's answer.
 * PostgreSQL runs a connection's statements in order, so the read starts once the lock is held and
 * sees everything committed before (READ COMMITTED: each statement reads afresh).
 */
export async function lockRowThen<T>(tx: Tx, table: string, id: number, read: () => Promise<T>): Promise<T> {
  if (DIALECT !== 'postgres') return read();
  if (!Number.isSafeInteger(id) || !/^[a-z_]+$/.test(table)) throw new Error(`lockRow: not a table and row id: ${table} ${id}`);
  // drizzle sends a statement when its `then` is called: here, before `read` sends its own. (An
  // `await` would call it a microtask later, after the read.)
  const locked = tx.execute(sql.raw(`select 1 from "${table}" where id = ${id} for update`)).then(() => {});
  const [, out] = await Promise.all([locked, read()]);
  return out;
}
