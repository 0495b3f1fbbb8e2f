import type { Db } from './client.ts';

/**
 * Statements on hot paths (every request resolves a session; validators ask for samples all day)
 * are built and prepared once per database: drizzle otherwise rebuilds the SQL and SQLite
 * re-prepares it on every call, which measured as most of a request's time (bench:validate).
 */
export function preparedPerDb<T>(build: (db: Db) => T): (db: Db) => T {
  const cache = new WeakMap<Db, T>();
  return (db) => {
    let p = cache.get(db);
    if (!p) {
      p = build(db);
      cache.set(db, p);
    }
    return p;
  };
}
