import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * Where a request's time went, for the slow-request log line: waiting for a pooled connection,
 * statements and round trips to the database, attempts. Collected only while a request runs
 * (AsyncLocalStorage), so background work adds nothing; cheap enough to be always on (two clock
 * reads per statement).
 */
export interface RequestTrace {
  poolWaitMs: number;
  statements: number;
  /** Waits for the database: statements sent together on one connection (pipelined) wait once. */
  roundTrips: number;
  statementMs: number;
  attempts: number;
}

export const traces = new AsyncLocalStorage<RequestTrace>();

export const newTrace = (): RequestTrace => ({ poolWaitMs: 0, statements: 0, roundTrips: 0, statementMs: 0, attempts: 0 });

export function notePoolWait(ms: number): void {
  const t = traces.getStore();
  if (t) t.poolWaitMs += ms;
}

export function noteStatement(ms: number): void {
  const t = traces.getStore();
  if (t) {
    t.statements++;
    t.statementMs += ms;
  }
}

/** A statement went out on a connection that had none outstanding: the request waits once more. */
export function noteRoundTrip(): void {
  const t = traces.getStore();
  if (t) t.roundTrips++;
}
