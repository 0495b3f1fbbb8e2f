import type pg from 'pg';

/**
 * A transaction's BEGIN sent together with its first statement, in one round trip, when that
 * statement carries no parameters (a row lock with its id written in: client.ts lockRow). drizzle
 * sends BEGIN as a statement of its own, and on loopback each round trip costs the app instance
 * more CPU than PostgreSQL spends on the statement, and under load one more turn of the event loop
 * (bench:validate; docs/database-engines.md). Nothing changes for PostgreSQL: a transaction takes
 * its first snapshot at its first statement, not at BEGIN. A BEGIN followed by a statement with
 * parameters (the extended protocol cannot carry two statements) goes as a statement of its own,
 * in the same round trip on a pipelined connection (db/postgres.ts); a BEGIN followed straight by
 * COMMIT or ROLLBACK (a transaction that ran nothing) is not sent at all.
 *
 * Installed on each pooled connection (db/postgres.ts); only promise-style calls with a query
 * object or text are deferred, anything else first sends the BEGIN it may be holding.
 */
const NOTHING = { command: '', rowCount: 0, rows: [], fields: [], oid: 0 } as unknown as pg.QueryResult;
const BEGIN = /^\s*begin\b/i;
const END = /^\s*(commit|rollback)\s*$/i;

type QueryConfig = { text?: string; values?: unknown[]; name?: string };

export function deferBegin(client: pg.ClientBase): void {
  const send = client.query.bind(client) as (...args: unknown[]) => unknown;
  let held: string | null = null;
  (client as unknown as { query: (...args: unknown[]) => unknown }).query = (...args: unknown[]) => {
    const [first, second] = args;
    const withCallback = typeof args[args.length - 1] === 'function';
    // pg takes (text | config, values?, callback?); the values may come in the config or beside it.
    const config: QueryConfig | null = typeof first === 'string' ? { text: first } : first && typeof first === 'object' ? (first as QueryConfig) : null;
    const values = Array.isArray(second) ? second : config?.values;
    const text = config?.text;
    const plain = !withCallback && typeof text === 'string' && !config?.name && !(values && values.length > 0);
    if (held === null) {
      if (plain && BEGIN.test(text) && !text.includes(';')) {
        held = text;
        return Promise.resolve(NOTHING);
      }
      return send(...args);
    }
    const begin = held;
    held = null;
    if (plain && END.test(text)) return Promise.resolve(NOTHING);
    if (plain) {
      const merged = typeof first === 'string' ? `${begin}; ${text}` : { ...(first as object), text: `${begin}; ${text}` };
      // Several statements in one simple query answer with one result each: the caller asked for the last.
      return (send(merged) as Promise<pg.QueryResult | pg.QueryResult[]>).then((r) => (Array.isArray(r) ? r[r.length - 1]! : r));
    }
    // A pipelined connection (db/postgres.ts) takes both at once: one round trip.
    if (!withCallback && (client as { pipeline?: boolean }).pipeline) {
      return Promise.all([send(begin), send(...args)]).then(([, r]) => r);
    }
    return (send(begin) as Promise<unknown>).then(() => send(...args));
  };
}
