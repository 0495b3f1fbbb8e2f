import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Db } from '../db/client.ts';
import { insertJob, insertJobs, nextQueued, requeueRunning } from './records.ts';
import { runJob } from './run-job.ts';
import type { EnqueueOptions, JobDefinition, JobQueue } from './types.ts';

type AnyDefinition = JobDefinition<unknown, unknown, unknown>;

/**
 * The embedded runner (SQLite: one server per data dir). The `jobs` table is the queue: each kind
 * runs one job at a time, oldest first, in this process; at start, jobs a dead process left
 * running are queued again. Other processes on the data dir (the CLI) may enqueue; only the
 * server, which called start(), runs them.
 */
export class LocalJobQueue implements JobQueue {
  private readonly defs = new Map<string, AnyDefinition>();
  private readonly loops = new Map<string, Promise<void>>();
  /** Kinds enqueued while their loop was between its last look and its exit. */
  private readonly dirty = new Set<string>();
  private started = false;
  private readonly abort = new AbortController();
  private poll: NodeJS.Timeout | null = null;

  constructor(private readonly deps: { db: Db; log: Logger; instance: string }) {}

  get running(): boolean {
    return this.started;
  }

  define<P, R, G>(def: JobDefinition<P, R, G>): void {
    this.defs.set(def.kind, def as AnyDefinition);
  }

  async enqueue<P>(kind: string, payload: P, opts: EnqueueOptions = {}) {
    if (!this.defs.has(kind)) throw new Error(`unknown job kind ${kind}`);
    const out = await insertJob(this.deps.db, { id: randomUUID(), kind, payload, ...opts });
    this.wake(kind);
    return out as { job: typeof out.job & { payload: P }; created: boolean };
  }

  async enqueueMany<P>(kind: string, items: { payload: P; key: string }[], opts: Omit<EnqueueOptions, 'key'> = {}): Promise<string[]> {
    if (!this.defs.has(kind)) throw new Error(`unknown job kind ${kind}`);
    const created = await insertJobs(this.deps.db, kind, items.map((it) => ({ id: randomUUID(), ...it })), opts);
    this.wake(kind);
    return created;
  }

  async start(): Promise<void> {
    const requeued = await requeueRunning(this.deps.db);
    if (requeued) this.deps.log.info({ jobs: requeued }, 'resuming background jobs a stopped server left running');
    this.started = true;
    const wakeAll = () => {
      for (const kind of this.defs.keys()) this.wake(kind);
    };
    wakeAll();
    // Jobs another process on the data dir enqueued (the CLI) are seen within a second.
    this.poll = setInterval(wakeAll, 1000).unref();
  }

  async stop(graceMs = 10_000): Promise<void> {
    this.started = false;
    if (this.poll) clearInterval(this.poll);
    this.abort.abort(new Error('the server is shutting down'));
    const all = Promise.all(this.loops.values());
    await Promise.race([all, new Promise((r) => setTimeout(r, graceMs).unref())]);
  }

  private wake(kind: string): void {
    if (!this.started) return;
    this.dirty.add(kind);
    if (this.loops.has(kind)) return;
    const loop = this.loop(kind).finally(() => this.loops.delete(kind));
    this.loops.set(kind, loop);
  }

  private async loop(kind: string): Promise<void> {
    const def = this.defs.get(kind)!;
    while (this.started) {
      this.dirty.delete(kind);
      let next;
      try {
        next = await nextQueued(this.deps.db, kind);
      } catch (err) {
        this.deps.log.error({ err, kind }, 'could not read the job queue');
        return;
      }
      if (!next) {
        if (this.dirty.has(kind)) continue;
        return;
      }
      try {
        await runJob(this.deps, def, next.id, this.abort.signal);
      } catch (err) {
        // The database refused the bookkeeping (not the job's own error): pause before the next look.
        this.deps.log.error({ err, job: next.id }, 'job bookkeeping failed');
        await new Promise((r) => setTimeout(r, 1000));
      }
    }
  }
}
