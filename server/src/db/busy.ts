/**
 * The server never waits for SQLite's write lock on its event loop: its connection has no busy
 * timeout (a synchronous sleep inside better-sqlite3), so a write that meets a lock held by another
 * process (the CLI importing, a backup) fails at once with SQLITE_BUSY, and the caller retries
 * after an asynchronous pause. Requests retry through the tRPC middleware; background work wraps
 * its writes in `retryOnBusy`.
 */

/**
 * PostgreSQL's "try again" errors: a serializable transaction that lost a conflict (40001), a
 * deadlock victim (40P01), a lock not available at once (55P03). The transaction rolled back.
 */
const PG_RETRYABLE = new Set(['40001', '40P01', '55P03']);

/**
 * A database that could not do it now but will on a retry: SQLITE_BUSY and its extended codes
 * (BUSY_SNAPSHOT, BUSY_RECOVERY, …), SQLITE_LOCKED, and PostgreSQL's retryable errors; also when
 * wrapped (drizzle rethrows the driver's error as the `cause` of its own).
 */
export function isBusy(err: unknown): boolean {
  return errorCodes(err).some((code) => code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED') || PG_RETRYABLE.has(code));
}

/** The driver error codes of an error and of the errors it wraps (drizzle wraps the driver's as `cause`). */
function errorCodes(err: unknown): string[] {
  const codes: string[] = [];
  for (let e = err, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
  }
  return codes;
}

/**
 * A READ COMMITTED transaction (rowLockTransaction) found, after taking its row locks, that another
 * one got there first: it rolls back and runs again, like a serialization failure (same code).
 */
export class RaceLost extends Error {
  override name = 'RaceLost';
  readonly code = '40001';
}

/** A unique index or primary key refused a row: PostgreSQL's 23505 or SQLite's constraint codes, also when wrapped. */
export function isUniqueViolation(err: unknown): boolean {
  return errorCodes(err).some((code) => code === '23505' || code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY');
}

export class DatabaseBusyError extends Error {
  override name = 'DatabaseBusyError';
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Pauses between tries, the last one repeated: short at first (most holds are one short
 * transaction), never above 50 ms. A writer in another process that writes in slices (the import,
 * import/commit.ts) leaves gaps longer than 50 ms, so every waiting try lands in one.
 */
export const BUSY_PAUSES_MS = [2, 4, 8, 16, 32, 50] as const;
export const MAX_BUSY_PAUSE_MS = Math.max(...BUSY_PAUSES_MS);

/** How long a request keeps retrying while the database is busy (trpc/init.ts), then 503. */
export const BUSY_DEADLINE_MS = 10_000;

/**
 * Runs `fn` (a transaction) and retries it while the database is busy (SQLite locked by another
 * process, or a PostgreSQL transaction that lost a conflict), pausing 2, 4, 8 … 50 ms between tries without blocking the event loop, for at most
 * `deadlineMs` (then DatabaseBusyError). `fn` must have no effect when it throws (a transaction
 * rolls back; do file work outside it).
 */
export async function retryOnBusy<T>(fn: () => T | Promise<T>, opts: { deadlineMs?: number } = {}): Promise<T> {
  const deadline = Date.now() + (opts.deadlineMs ?? 30_000);
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isBusy(err)) throw err;
      const pause = BUSY_PAUSES_MS[Math.min(attempt, BUSY_PAUSES_MS.length - 1)]!;
      if (Date.now() + pause > deadline) throw new DatabaseBusyError('the database is busy (another process holds its write lock); please try again');
      await sleep(pause);
    }
  }
}
