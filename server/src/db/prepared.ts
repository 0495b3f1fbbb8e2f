import type { DbOrTx } from './client.ts';

/**
 * Statements on hot paths (every request resolves a session; validators ask for samples all day)
 * are built and prepared once per database: drizzle otherwise rebuilds the SQL and SQLite
 * re-prepares it on every call, which measured as most of a request's time (bench:validate).
 * On SQLite a transaction's handle is always the writer connection's, so its statements are
 * prepared once too; on PostgreSQL each transaction has a handle of its own, and the statement
 * names (`.prepare('name')`) let each pooled connection prepare them once.
 */
export function preparedPerDb<T>(build: (db: DbOrTx) => T): (db: DbOrTx) => T {
  const cache = new WeakMap<DbOrTx, T>();
  return (db) => {
    let p = cache.get(db);
    if (!p) {
      p = build(db);
      cache.set(db, p);
    }
    return p;
  };
}
