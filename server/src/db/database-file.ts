import type Database from 'better-sqlite3';
import path from 'node:path';

/** A connection's database file, absolute; `what` (WAL syncs, checkpoints) cannot work in memory. */
export function databaseFile(sqlite: Database.Database, what: string): string {
  if (sqlite.memory) throw new Error(`${what} needs a database file`);
  return path.resolve(sqlite.name);
}
