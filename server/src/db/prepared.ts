import type { DbOrTx } from './client.ts';
import { DIALECT } from './dialect.ts';

/**
 * Statements on hot paths (every request resolves a session; validators ask for samples all day)
 * are built and prepared once: drizzle otherwise rebuilds the SQL on every call, and SQLite
 * re-prepares it, which measured as most of a request's time (bench:validate).
 *
 * SQLite: once per database handle (a transaction's handle is always the writer connection's).
 * PostgreSQL: each transaction has a handle of its own, and building the statements again for each
 * one was 0.6 ms of a validator's 4.5 ms request cycle (CPU profile of nextSample + submitAnswer).
 * So the statements are built once per process and bound to each pooled connection the first time
 * it runs them (a copy whose `client` is that connection: drizzle's prepared query keeps the SQL,
 * its parameters and its row mapping apart from the client it sends them on). Connections live as
 * long as the pool, so that copy is made once per connection; the statement names
 * (`.prepare('name')`) let PostgreSQL parse each once per connection too.
 */
export function preparedPerDb<T>(build: (db: DbOrTx) => T): (db: DbOrTx) => T {
  const cache = new WeakMap<object, T>();
  if (DIALECT !== 'postgres') {
    return (db) => {
      let p = cache.get(db);
      if (!p) cache.set(db, (p = build(db)));
      return p;
    };
  }
  let template: T | undefined;
  return (db) => {
    const client = connectionOf(db);
    let p = cache.get(client);
    if (!p) {
      template ??= build(db);
      cache.set(client, (p = bindTo(template, client)));
    }
    return p;
  };
}

/** The pg pool (a database) or pooled connection (a transaction) that drizzle sends a handle's statements on. */
function connectionOf(db: DbOrTx): object {
  const client = (db as unknown as { session?: { client?: object } }).session?.client;
  if (!client) throw new Error('preparedPerDb: this drizzle handle has no session client (drizzle internals changed?)');
  return client;
}

/** A copy of the statements (nested objects of prepared queries) that sends on `client`. */
function bindTo<T>(statements: T, client: object): T {
  if (statements && typeof statements === 'object') {
    if ('client' in statements && typeof (statements as { execute?: unknown }).execute === 'function') {
      return Object.create(statements as object, { client: { value: client } }) as T;
    }
    return Object.fromEntries(Object.entries(statements).map(([k, v]) => [k, bindTo(v, client)])) as T;
  }
  return statements;
}
