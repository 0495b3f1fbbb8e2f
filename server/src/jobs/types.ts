import type { JobState } from '#shared/domain.ts';

/** A job as every instance sees it (the `jobs` table), its JSON columns parsed. */
export interface JobRecord<P = unknown, R = unknown, G = unknown> {
  id: string;
  kind: string;
  key: string | null;
  groupId: string | null;
  state: JobState;
  payload: P;
  progress: G | null;
  result: R | null;
  error: string | null;
  actorId: number | null;
  instance: string | null;
  attempts: number;
  createdAt: number;
  updatedAt: number;
}

export interface JobContext<G> {
  id: string;
  /** 1 on the first run; more when an instance died (or shut down) while running it. */
  attempt: number;
  /** Saved at most about once a second (the last call always), for every instance to show. */
  progress(p: G): void;
  /** Set when this instance shuts down: stop at the next safe point by throwing `signal.reason`. */
  signal: AbortSignal;
}

export interface JobDefinition<P, R, G = unknown> {
  kind: string;
  /** At most one job of this kind running in the whole deployment (exports). */
  singleton?: boolean;
  /**
   * How long a run may take before its instance is taken for dead and the job runs again on
   * another one (PostgreSQL; pg-boss's expiry). Longer than any honest run.
   */
  expireSeconds: number;
  /** Runs after a death or a shutdown before the job is given up as failed. */
  retryLimit: number;
  /**
   * The work. Idempotent across attempts (a run cut short by a death may be redone): writes land
   * in one transaction at the end, or files appear by rename. An error fails the job for good.
   */
  run(payload: P, ctx: JobContext<G>): Promise<R>;
}

export interface EnqueueOptions {
  /** At most one queued or running job per kind and key; enqueueing another returns that one. */
  key?: string;
  groupId?: string;
  actorId?: number | null;
}

/**
 * Background work any instance can run (server/src/jobs/). On PostgreSQL pg-boss hands each job to
 * one instance at a time and again after that instance dies; on SQLite the one server runs jobs in
 * process and resumes unfinished ones at start.
 */
export interface JobQueue {
  define<P, R, G>(def: JobDefinition<P, R, G>): void;
  /** Records the job (durably) and queues it; `created` is false when a live job had that key. */
  enqueue<P>(kind: string, payload: P, opts?: EnqueueOptions): Promise<{ job: JobRecord<P>; created: boolean }>;
  /**
   * Many jobs of one kind in one transaction (a TTS request for thousands of expressions); those
   * whose key has a live job already are left out. Returns the ids of the jobs created.
   */
  enqueueMany<P>(kind: string, items: { payload: P; key: string }[], opts?: Omit<EnqueueOptions, 'key'>): Promise<string[]>;
  /** Begins running jobs on this process (the server, tests); the CLI only enqueues. */
  start(): Promise<void>;
  /** Whether this process runs jobs (start() was called, stop() not yet). */
  readonly running: boolean;
  /** Stops taking jobs, asks running ones to stop and waits up to `graceMs`; unfinished ones go back to the queue. */
  stop(graceMs?: number): Promise<void>;
}
