import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { TransactionRollbackError, type SQL } from 'drizzle-orm';
import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { noteCommit } from './commits.ts';
import { groupCommitOf } from './group-commit.ts';
import * as schema from './schema-sqlite/index.ts';
import type { Db, Tx } from './types.ts';

// Resolved from this file, not the cwd: the CLI, the server and tests start from different folders.
const migrationsFolder = fileURLToPath(new URL('../../../migrations', import.meta.url));

/** How long a statement waits for another process's lock before SQLITE_BUSY (ms). */
export const DEFAULT_BUSY_TIMEOUT_MS = 5000;

/**
 * The embedded database: one SQLite file, two connections.
 *
 * Services are async and written once for SQLite and PostgreSQL (db/types.ts), so a transaction
 * body may span awaits. better-sqlite3 runs on one thread and a connection has one transaction: a
 * statement from another request that ran on that connection meanwhile would silently join the
 * open transaction (and be rolled back with it, or read what it had not committed). So:
 * - `writer` runs transactions only, one at a time, queued in this process (`Serial` below);
 * - `reader` is opened read-only and answers every statement outside a transaction; in WAL mode
 *   it sees only committed data, never a half-done transaction of the writer.
 * A write outside a transaction is therefore an error ("attempt to write a readonly database"),
 * on PostgreSQL too (its pool defaults to read-only: db/postgres.ts): every write is in a
 * transaction, which is what makes a retry after a busy database safe (trpc/init.ts).
 */
export interface SqliteDatabase {
  dialect: 'sqlite';
  /** Reads on `reader`; `db.transaction(...)` runs on `writer`. */
  db: Db;
  /** The connection that writes: pragmas, group commit, checkpoints, backups. */
  sqlite: Database.Database;
  reader: Database.Database;
  close(): Promise<void>;
}

function pragmas(c: Database.Database): void {
  c.pragma(`busy_timeout = ${DEFAULT_BUSY_TIMEOUT_MS}`);
  // At full MeViS scale the database is ~100 MB; SQLite's default 2 MB page cache re-read pages on
  // every dashboard call (bench:scale). 64 MB of cache plus memory-mapped reads keep it warm.
  c.pragma('cache_size = -65536');
  c.pragma('mmap_size = 268435456');
}

/**
 * Opens (and migrates) the database file. Connections wait up to DEFAULT_BUSY_TIMEOUT_MS for
 * another process's lock: a synchronous sleep inside better-sqlite3, fine for the CLI and tests and
 * while nothing is served yet. The server sets 0 before it starts serving (setBusyTimeout) and
 * retries asynchronously instead (db/busy.ts, trpc/init.ts).
 */
export function openSqlite(file: string): SqliteDatabase {
  if (file === ':memory:') throw new Error('the database needs a file (a reader and a writer connection share it)');
  mkdirSync(path.dirname(file), { recursive: true });
  const writer = new Database(file);
  pragmas(writer);
  writer.pragma('journal_mode = WAL');
  // FULL: an acknowledged submission must survive power loss too, not only a process crash.
  writer.pragma('synchronous = FULL');
  writer.pragma('foreign_keys = ON');
  migrate(drizzle({ client: writer, schema, casing: 'snake_case' }), { migrationsFolder });
  const reader = new Database(file, { readonly: true });
  pragmas(reader);

  const serial = new Serial();
  // The flow that holds the writer's open transaction (work it spawns inherits the store, so the
  // flag, not the store's presence, says whether the transaction is still open).
  const inTx = new AsyncLocalStorage<{ open: boolean }>();
  const writeDb = drizzle({ client: writer, schema, casing: 'snake_case' });
  const readDb = drizzle({ client: reader, schema, casing: 'snake_case' });
  const totalChanges = writer.prepare('select total_changes()').pluck();

  let savepoints = 0;
  // Inside a transaction: nested transactions are savepoints, as drizzle does on both dialects.
  const nested = async <T>(fn: (tx: Tx) => Promise<T>): Promise<T> => {
    const name = `sp${++savepoints}`;
    writer.exec(`savepoint ${name}`);
    try {
      const out = await fn(writeDb as unknown as Tx);
      writer.exec(`release ${name}`);
      return out;
    } catch (err) {
      writer.exec(`rollback to ${name}`);
      writer.exec(`release ${name}`);
      throw err;
    }
  };

  const transaction = async <T>(fn: (tx: Tx) => Promise<T>, opts: { lazy?: boolean } = {}): Promise<T> => {
    if (inTx.getStore()?.open) return nested(fn);
    return serial.run(() =>
      inTx.run({ open: true }, async () => {
        const group = groupCommitOf(writer);
        // Without group commit, a lazy commit skips its fsync by itself (see lazyTransaction).
        const flip = opts.lazy && !group;
        if (flip) writer.pragma('synchronous = NORMAL');
        const before = totalChanges.get() as number;
        try {
          // IMMEDIATE: a lock held by another process shows as SQLITE_BUSY here, before any work,
          // rather than as BUSY_SNAPSHOT half-way through; nothing has happened, so it is retried.
          writer.exec('begin immediate');
          let out: T;
          try {
            out = await fn(writeDb as unknown as Tx);
          } catch (err) {
            if (writer.inTransaction) writer.exec('rollback');
            throw err;
          }
          writer.exec('commit');
          const changed = (totalChanges.get() as number) - before;
          if (changed > 0) {
            noteCommit();
            if (opts.lazy) group?.countLazy(changed);
          }
          return out;
        } finally {
          inTx.getStore()!.open = false;
          if (flip) writer.pragma('synchronous = FULL');
        }
      }),
    );
  };

  // The services' handle: drizzle's query builders on the reader, our transactions on the writer.
  Object.assign(readDb, {
    transaction: (fn: (tx: Tx) => Promise<unknown>) => transaction(fn),
    execute: (q: SQL) => executeOn(readDb as unknown as Dialected, reader, q),
  });
  Object.assign(writeDb, {
    transaction: (fn: (tx: Tx) => Promise<unknown>) => nested(fn),
    execute: (q: SQL) => executeOn(writeDb as unknown as Dialected, writer, q),
    rollback: () => {
      throw new TransactionRollbackError();
    },
  });
  const db = readDb as unknown as Db;
  adapters.set(db, { lazyTransaction: (fn) => transaction(fn, { lazy: true }) });
  adapters.set(writeDb as unknown as Db, { lazyTransaction: (fn) => nested(fn) });
  return {
    dialect: 'sqlite',
    db,
    sqlite: writer,
    reader,
    async close() {
      await serial.idle();
      if (reader.open) reader.close();
      if (writer.open) writer.close();
    },
  };
}

/** Raw SQL in PostgreSQL's result shape (`rows`, `rowCount`), so that services read it one way. */
type Dialected = { dialect: { sqlToQuery(q: SQL): { sql: string; params: unknown[] } } };
async function executeOn(d: Dialected, c: Database.Database, q: SQL) {
  const { sql, params } = d.dialect.sqlToQuery(q);
  const stmt = c.prepare(sql);
  if (stmt.reader) {
    const rows = stmt.all(...params) as Record<string, unknown>[];
    return { rows, rowCount: rows.length };
  }
  return { rows: [], rowCount: stmt.run(...params).changes };
}

interface AdapterHooks {
  lazyTransaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
}
const adapters = new WeakMap<object, AdapterHooks>();
export const sqliteHooksOf = (db: object): AdapterHooks | undefined => adapters.get(db);

/**
 * Runs async functions one after another (the writer's transactions). Hand-written because it is
 * ten lines and must be exactly a FIFO with no timeouts: a library mutex adds neither.
 */
class Serial {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const out = this.tail.then(fn, fn);
    this.tail = out.catch(() => {});
    return out;
  }
  idle(): Promise<void> {
    return this.tail.then(() => {});
  }
}

/**
 * Sets how long this connection waits for another process's lock (ms); 0: SQLITE_BUSY at once. The
 * server sets 0 before it starts serving, so that its event loop never sleeps on a lock.
 */
export function setBusyTimeout(sqlite: Database.Database, ms: number): void {
  if (!Number.isInteger(ms) || ms < 0) throw new Error(`busy timeout must be a whole number of ms, not ${ms}`);
  sqlite.pragma(`busy_timeout = ${ms}`);
}
