import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { groupCommitOf } from './group-commit.ts';
import * as schema from './schema/index.ts';

// Resolved from this file, not the cwd: the CLI, the server and tests start from different folders.
const migrationsFolder = fileURLToPath(new URL('../../../migrations', import.meta.url));

export function openDb(file: string) {
  if (file !== ':memory:') mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new Database(file);
  sqlite.pragma('journal_mode = WAL');
  // FULL: an acknowledged submission must survive power loss too, not only a process crash.
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  // The CLI may write while the server runs; wait for the lock instead of failing at once.
  sqlite.pragma('busy_timeout = 5000');
  // At full MeViS scale the database is ~100 MB; SQLite's default 2 MB page cache re-read pages on
  // every dashboard call (bench:scale). 64 MB of cache plus memory-mapped reads keep it warm.
  sqlite.pragma('cache_size = -65536');
  sqlite.pragma('mmap_size = 268435456');
  const db = drizzle({ client: sqlite, schema, casing: 'snake_case' });
  migrate(db, { migrationsFolder });
  return { db, sqlite };
}

export type Db = ReturnType<typeof openDb>['db'];
/** A drizzle transaction handle; services accept either so they compose inside transactions. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

/**
 * Runs a transaction whose loss on power failure is harmless (leases, session touches): its commit
 * skips the fsync (under group commit, nobody's answer waits for it to reach the disk). The next durable commit fsyncs the WAL, and these frames with it; a process
 * crash loses nothing in WAL mode either way. Halves the fsyncs of a validator's request cycle
 * (bench:validate), since handing out a sample is a write but not an acknowledged submission.
 */
export function lazyTransaction<T>(db: Db, fn: () => T): T {
  const group = groupCommitOf(db.$client);
  if (group) return group.lazily(() => db.transaction(fn));
  db.$client.pragma('synchronous = NORMAL');
  try {
    return db.transaction(fn);
  } finally {
    db.$client.pragma('synchronous = FULL');
  }
}
