import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Which async flow committed what. The tRPC middleware may redo a request that met a busy
 * database (SQLITE_BUSY, or a PostgreSQL serialization failure), but only if that attempt committed
 * nothing (else a redo would apply its first transaction twice). A before/after look at a
 * connection cannot tell: requests interleave at every await, so another request's commit would
 * count as this one's. Here every transaction commit (both adapters call noteCommit; every write
 * is in a transaction, db/types.ts) is counted for the async flow it happened in, which
 * AsyncLocalStorage follows across awaits.
 */
const flow = new AsyncLocalStorage<{ commits: number }>();

/** Runs `fn` and counts the commits made in its async flow until it settles. */
export async function countingCommits<T>(fn: () => Promise<T>): Promise<{ result: T; commits: number }> {
  const counter = { commits: 0 };
  const result = await flow.run(counter, fn);
  return { result, commits: counter.commits };
}

/** A transaction of the current flow committed (called by the database adapters). */
export function noteCommit(): void {
  const counter = flow.getStore();
  if (counter) counter.commits++;
}
