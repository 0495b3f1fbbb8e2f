import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { noteCommit } from './commits.ts';
import { deferBegin } from './deferred-begin.ts';
import { listenForChanges, type ChangeFeed } from './pg-notify.ts';
import * as schema from './schema-pg/index.ts';
import { notePoolWait, noteRoundTrip, noteStatement } from './trace.ts';
import type { Db, Tx } from './types.ts';

const migrationsFolder = fileURLToPath(new URL('../../../migrations-pg', import.meta.url));

/**
 * Any two instances migrating at once take turns on this advisory lock (an arbitrary constant).
 * The app's advisory locks, each its own number (one key space for session and transaction locks):
 * …001 migrations, …002 no longer taken (it serialised the validations log until answers folded by
 * transaction id: answer-sums.ts), …003 imports (import/run.ts), …004 the job queue's set-up.
 */
const MIGRATION_LOCK = 7_305_117_001;
/** Likewise for setting up the job queue's schema and queues (pg-boss DDL deadlocks when two instances run it at once). */
export const JOB_QUEUE_SETUP_LOCK = 7_305_117_004;

/**
 * PostgreSQL's answers in the shapes SQLite gives: 64-bit integers (epoch milliseconds, byte sizes,
 * `count(*)`) and numerics as JavaScript numbers rather than strings. Every such value here is far
 * below 2^53. Set on the driver's global parsers because drizzle passes its own per-query parser
 * table, which falls back to the global one.
 */
pg.types.setTypeParser(pg.types.builtins.INT8, (v: string) => Number(v));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v: string) => Number(v));

export interface PostgresDatabase {
  dialect: 'postgres';
  db: Db;
  pool: pg.Pool;
  close(): Promise<void>;
}

export interface PostgresOptions {
  /** Connections in each of the instance's two pools (default 10; PG_POOL_SIZE). */
  poolSize?: number;
}

/**
 * How long a pooled connection may sit idle before the pool closes it. pg's default, 10 s, closed
 * connections in the middle of a busy run: the pool reuses the connection released last, so under
 * steady load the rest of it idles, is closed, and the next burst opens new ones, each a fresh
 * PostgreSQL backend that connects, loads its catalog caches and plans its prepared statements
 * again (25 ms and more of CPU each on the 2-core machine; bench:validate saw 13 closed and 14
 * opened within a second, PostgreSQL's CPU doubling for two seconds). A pool is bounded by its
 * size anyway, so keeping its connections costs nothing the deployment was not sized for.
 */
export const POOL_IDLE_MS = 5 * 60_000;

/**
 * Opens the PostgreSQL database at `url` and brings its schema up to date (migrations-pg; several
 * instances starting together migrate one after another).
 *
 * Every transaction is SERIALIZABLE: the services were written against SQLite, where transactions
 * run one at a time, and serializable isolation gives exactly that guarantee across connections
 * and app instances; a transaction that loses a conflict fails with 40001 and is retried like a
 * busy SQLite (db/busy.ts, trpc/init.ts). Statements outside a transaction are read-only, as on
 * SQLite (db/sqlite.ts): a write outside a transaction fails loudly instead of escaping the retry
 * logic. A commit is durable when it returns (synchronous_commit = on, PostgreSQL's default).
 */
export async function openPostgres(url: string, opts: PostgresOptions = {}): Promise<PostgresDatabase> {
  await migratePostgres(url);
  const options = '-c default_transaction_isolation=serializable -c default_transaction_read_only=on';
  // Both pools: the same size, connections kept while idle (POOL_IDLE_MS), and pipelined: statements
  // a transaction sends without waiting in between (a BEGIN held back, a row lock and the read behind
  // it, the last writes and COMMIT: commitWith in write-together.ts) travel together: one round trip.
  const sized = { connectionString: url, max: opts.poolSize ?? 10, idleTimeoutMillis: POOL_IDLE_MS, pipeline: true };
  const pool = new pg.Pool({ ...sized, options });
  // Transactions whose loss on a crash is harmless (leases, session touches) commit without
  // waiting for the WAL flush. Their own connections say so once, at connect, rather than each
  // transaction saying `set local synchronous_commit = off`: a round trip less on every sample
  // handed out (bench:validate).
  //
  // Its connections default to read-write: besides those transactions (read-write anyway), they run
  // only the single statements of `lazyStatement` (below), each a transaction of its own. The
  // read-only default that keeps a stray write outside a transaction from escaping the retry logic
  // stays on `pool`, which every service uses.
  const lazyPool = new pg.Pool({
    ...sized,
    // A lone statement runs at READ COMMITTED, the row-lock discipline (client.ts rowLockTransaction);
    // transactions here say their isolation in their BEGIN.
    options: '-c default_transaction_isolation=read\\ committed -c default_transaction_read_only=off -c synchronous_commit=off',
  });
  // An idle connection that dies (server restart) emits here; without a listener it would crash.
  pool.on('error', () => {});
  lazyPool.on('error', () => {});
  traced(pool);
  traced(lazyPool);
  const db = drizzle({ client: pool, schema, casing: 'snake_case' }) as unknown as Db;
  const lazyDb = drizzle({ client: lazyPool, schema, casing: 'snake_case' }) as unknown as Db;
  const native = db.transaction.bind(db);
  const nativeLazy = lazyDb.transaction.bind(lazyDb);
  const transaction = async <T>(fn: (tx: Tx) => Promise<T>, lazy = false, readCommitted = false): Promise<T> => {
    let last: Promise<void> | null = null;
    let out: T;
    try {
      out = await (lazy ? nativeLazy : native)(
        async (tx) => {
          beforeCommit.set(tx, null);
          const result = await fn(tx);
          last = beforeCommit.get(tx) ?? null;
          return result;
        },
        { accessMode: 'read write', isolationLevel: readCommitted ? 'read committed' : 'serializable' },
      );
    } catch (err) {
      // The last writes' own error says more than what followed from it.
      await last;
      throw err;
    }
    // Last writes that failed turned the COMMIT behind them into a ROLLBACK: nothing committed.
    await last;
    noteCommit();
    return out;
  };
  Object.assign(db, { transaction: (fn: (tx: Tx) => Promise<unknown>) => transaction(fn) });
  const changes = listenForChanges(url);
  hooks.set(db, {
    lazyTransaction: (fn) => transaction(fn, true),
    rowLockTransaction: (fn, lazy) => transaction(fn, lazy, true),
    lazyStatement: async <R>(q: NamedStatement) => {
      // Not lazyPool.query: its callbacks lose the request's trace (trace.ts) on the way.
      const client = await lazyPool.connect();
      try {
        const { rows } = await client.query<R & pg.QueryResultRow>({ name: q.name, text: q.text, values: q.values as unknown[] });
        noteCommit();
        return rows;
      } finally {
        client.release();
      }
    },
    changes,
  });
  return {
    dialect: 'postgres',
    db,
    pool,
    close: () => Promise.all([changes.close(), pool.end(), lazyPool.end()]).then(() => {}),
  };
}

/**
 * Feeds the request trace (trace.ts): how long a request waited for a pooled connection, and its
 * statements and round trips (a statement sent while others are outstanding on its connection,
 * pipelined, adds no wait of its own). Callback and promise forms both, since pg's own pool.query
 * uses the callback form of both calls.
 */
function traced(pool: pg.Pool): void {
  type Fn = (...args: unknown[]) => unknown;
  const wrap = (target: { [k: string]: unknown }, name: string, note: (ms: number) => void, sent = () => {}) => {
    const original = target[name] as Fn;
    target[name] = function (this: unknown, ...args: unknown[]) {
      const t0 = performance.now();
      sent();
      const last = args.length - 1;
      if (typeof args[last] === 'function') {
        const cb = args[last] as Fn;
        args[last] = (...r: unknown[]) => {
          note(performance.now() - t0);
          return cb(...r);
        };
        return original.apply(this, args);
      }
      const out = original.apply(this, args) as Promise<unknown> | undefined;
      if (out && typeof out.then === 'function') void out.then(() => note(performance.now() - t0), () => note(performance.now() - t0));
      return out;
    };
  };
  wrap(pool as unknown as { [k: string]: unknown }, 'connect', notePoolWait);
  pool.on('connect', (client) => {
    let outstanding = 0;
    const answered = (ms: number) => {
      outstanding--;
      noteStatement(ms);
    };
    wrap(client as unknown as { [k: string]: unknown }, 'query', answered, () => {
      if (outstanding++ === 0) noteRoundTrip();
    });
    deferBegin(client);
  });
}

/**
 * Runs `fn` while a separate connection holds a session advisory lock: instances starting together
 * take turns on start-up DDL (migrations, the job queue's tables) instead of deadlocking.
 */
export async function withAdvisoryLock<T>(url: string, key: number, fn: () => Promise<T>): Promise<T> {
  const lock = new pg.Client({ connectionString: url });
  await lock.connect();
  try {
    await lock.query('select pg_advisory_lock($1)', [key]);
    return await fn();
  } finally {
    await lock.end();
  }
}

/** Applies migrations-pg, one instance at a time. */
export async function migratePostgres(url: string): Promise<void> {
  await withAdvisoryLock(url, MIGRATION_LOCK, async () => {
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    try {
      // Quiet: "schema already exists, skipping" notices on every start are not news.
      await pool.query('set client_min_messages = warning');
      await migrate(drizzle({ client: pool, casing: 'snake_case' }), { migrationsFolder });
    } finally {
      await pool.end();
    }
  });
}

/**
 * Transactions of their own (not nested) on a pipelined connection, each with the writes it sent
 * to go just before its COMMIT, if any (sendBeforeCommit).
 */
const beforeCommit = new WeakMap<object, Promise<void> | null>();

/**
 * Sends a transaction's last writes now and lets its COMMIT follow right behind them, without
 * waiting for their result: one round trip for both (commitWith in write-together.ts). If the
 * writes fail, PostgreSQL turns that COMMIT into a ROLLBACK and the transaction throws their
 * error. False where this cannot be done (SQLite, a nested transaction): the caller runs them.
 */
export function sendBeforeCommit(tx: object, send: () => Promise<void>): boolean {
  if (beforeCommit.get(tx) !== null) return false;
  const sent = send();
  // Awaited by the transaction (above); this only keeps an early failure from counting as unhandled.
  sent.catch(() => {});
  beforeCommit.set(tx, sent);
  return true;
}

/** A statement prepared once per connection under `name` (its text must never change under that name). */
export interface NamedStatement {
  name: string;
  text: string;
  values: readonly unknown[];
}

interface Hooks {
  lazyTransaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T>;
  rowLockTransaction<T>(fn: (tx: Tx) => Promise<T>, lazy: boolean): Promise<T>;
  /**
   * One statement as a transaction of its own, at READ COMMITTED-like single-statement atomicity,
   * with a lazy commit (as lazyTransaction): a hand-out that needs no BEGIN, no COMMIT and no
   * second statement costs one round trip instead of four (bench:validate).
   */
  lazyStatement<R>(q: NamedStatement): Promise<R[]>;
  /** Changes other instances commit (pg-notify.ts), for caches kept per process. */
  changes: ChangeFeed;
}
const hooks = new WeakMap<object, Hooks>();
export const postgresHooksOf = (db: object): Hooks | undefined => hooks.get(db);
