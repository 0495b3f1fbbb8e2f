import { randomUUID } from 'node:crypto';
import PgBoss from 'pg-boss';
import type { Logger } from 'pino';
import type { Db } from '../db/client.ts';
import { JOB_QUEUE_SETUP_LOCK, withAdvisoryLock } from '../db/postgres.ts';
import { insertJob, insertJobs, liveJobs, requeueStale } from './records.ts';
import { runJob } from './run-job.ts';
import type { EnqueueOptions, JobDefinition, JobQueue } from './types.ts';

type AnyDefinition = JobDefinition<unknown, unknown, unknown>;

/** pg-boss keeps its tables in a schema of their own, beside the app's. */
const SCHEMA = 'pgboss';

/**
 * The scale-out runner: pg-boss (a PostgreSQL job queue: `FOR UPDATE SKIP LOCKED` fetches, expiry
 * and retries) carries job ids; the `jobs` table keeps what the admin pages show. Every instance
 * works every kind; pg-boss gives each job to one instance at a time, and again (up to
 * `retryLimit`) when the one running it stopped answering for `expireSeconds` (it died) or handed
 * it back at shutdown. Singleton kinds use pg-boss's `singleton` queue policy: one active job in
 * the deployment.
 *
 * The row is written before pg-boss hears of the job (a worker never finds a job without its row);
 * a crash between the two leaves a queued row that start() sends again (pg-boss ignores a job id it
 * already has).
 */
export class PgBossJobQueue implements JobQueue {
  private readonly defs = new Map<string, AnyDefinition>();
  private readonly boss: PgBoss;
  private started = false;
  private readonly abort = new AbortController();
  private readonly inFlight = new Set<Promise<unknown>>();
  /** pg-boss waits its polling interval after every fetch; a notified worker fetches again at once. */
  private readonly workers = new Map<string, string>();
  private sweep: NodeJS.Timeout | null = null;
  /** Set by abandon(): this instance plays dead, its running handlers write no heartbeat. */
  private dead = false;
  private readonly nudge = (kind: string) => {
    const id = this.workers.get(kind);
    if (id) this.boss.notifyWorker(id);
  };

  /** `maintenanceSeconds`: how often pg-boss looks for expired jobs (tests shorten it). */
  constructor(private readonly deps: { db: Db; log: Logger; instance: string; url: string; maintenanceSeconds?: number }) {
    this.boss = new PgBoss({
      connectionString: deps.url,
      schema: SCHEMA,
      max: 4,
      application_name: `studio ${deps.instance}`,
      ...(deps.maintenanceSeconds ? { maintenanceIntervalSeconds: deps.maintenanceSeconds } : {}),
    });
    this.boss.on('error', (err) => deps.log.error({ err }, 'job queue error'));
  }

  get running(): boolean {
    return this.started;
  }

  define<P, R, G>(def: JobDefinition<P, R, G>): void {
    this.defs.set(def.kind, def as AnyDefinition);
  }

  async enqueue<P>(kind: string, payload: P, opts: EnqueueOptions = {}) {
    const def = this.defs.get(kind);
    if (!def) throw new Error(`unknown job kind ${kind}`);
    const out = await insertJob(this.deps.db, { id: randomUUID(), kind, payload, ...opts });
    // A process that does not work the queue (the CLI) only records the job; start() sends it.
    if (out.created && this.started) {
      await this.send(def, out.job.id);
      this.nudge(kind);
    }
    return out as { job: typeof out.job & { payload: P }; created: boolean };
  }

  async enqueueMany<P>(kind: string, items: { payload: P; key: string }[], opts: Omit<EnqueueOptions, 'key'> = {}): Promise<string[]> {
    const def = this.defs.get(kind);
    if (!def) throw new Error(`unknown job kind ${kind}`);
    const created = await insertJobs(this.deps.db, kind, items.map((it) => ({ id: randomUUID(), ...it })), opts);
    if (this.started && created.length) {
      await this.boss.insert(created.map((id) => ({ id, name: kind, data: { jobId: id }, retryLimit: def.retryLimit, retryDelay: 0, expireInSeconds: def.expireSeconds })));
      this.nudge(kind);
    }
    return created;
  }

  async start(): Promise<void> {
    // Instances starting together on a new database would create pg-boss's schema and queues at
    // once, and that DDL deadlocks ("deadlock detected", seen with two instances); they take turns.
    await withAdvisoryLock(this.deps.url, JOB_QUEUE_SETUP_LOCK, async () => {
      await this.boss.start();
      for (const def of this.defs.values()) {
        if (!(await this.boss.getQueue(def.kind))) {
          await this.boss.createQueue(def.kind, { name: def.kind, policy: def.singleton ? 'singleton' : 'standard', retryLimit: def.retryLimit, retryDelay: 0, expireInSeconds: def.expireSeconds });
        }
      }
    });
    // From here enqueue() sends; rows queued before (by the CLI, or by an instance that died
    // before pg-boss heard of them) are sent now. A job sent twice keeps its one id.
    this.started = true;
    for (const def of this.defs.values()) {
      for (const j of await liveJobs(this.deps.db, def.kind)) if (j.state === 'queued') await this.send(def, j.id);
      const workerId = await this.boss.work<{ jobId: string }>(def.kind, { batchSize: 1, pollingIntervalSeconds: 1 }, async ([job]) => {
        const run = runJob({ ...this.deps, alive: () => !this.dead }, def, job!.data.jobId, this.abort.signal);
        this.inFlight.add(run);
        try {
          // Handed back at shutdown: failing the pg-boss job makes it retry at once elsewhere.
          if ((await run) === 'handed-back') throw new Error('handed back at shutdown');
        } finally {
          this.inFlight.delete(run);
          // More may be waiting: look again without the polling pause.
          this.nudge(def.kind);
        }
      });
      this.workers.set(def.kind, workerId);
    }
    this.sweep = setInterval(() => {
      this.requeueDead().catch((err: unknown) => this.deps.log.warn({ err }, 'could not look for jobs of dead instances'));
    }, 5_000);
    this.sweep.unref();
  }

  /**
   * Jobs whose instance died: their rows stop being written (no heartbeat). Every instance looks
   * every few seconds; whoever's update takes a stale row queues it again and sends pg-boss a new
   * job for it, so it runs now instead of after pg-boss's own expiry of the dead run
   * (`expireSeconds`, long enough for the longest honest run). Two pg-boss jobs for one row are
   * harmless: claimJob lets only one run start while its instance is alive.
   */
  private async requeueDead(): Promise<void> {
    for (const job of await requeueStale(this.deps.db)) {
      this.deps.log.warn({ job: job.id, kind: job.kind, instance: job.instance }, 'job of a dead instance queued again');
      const def = this.defs.get(job.kind);
      if (def) await this.boss.send(def.kind, { jobId: job.id }, { retryLimit: def.retryLimit, retryDelay: 0, expireInSeconds: def.expireSeconds });
      this.nudge(job.kind);
    }
  }

  async stop(graceMs = 10_000): Promise<void> {
    if (!this.started) return;
    this.started = false;
    if (this.sweep) clearInterval(this.sweep);
    for (const kind of this.defs.keys()) await this.boss.offWork(kind);
    this.abort.abort(new Error('the instance is shutting down'));
    await Promise.race([Promise.allSettled([...this.inFlight]), new Promise((r) => setTimeout(r, graceMs).unref())]);
    await this.boss.stop({ graceful: true, wait: true, timeout: graceMs });
  }

  /** As if the process died (tests): pg-boss stops at once, running handlers are left as they are. */
  async abandon(): Promise<void> {
    this.started = false;
    this.dead = true;
    if (this.sweep) clearInterval(this.sweep);
    await this.boss.stop({ graceful: false, wait: true, close: true });
  }

  private async send(def: AnyDefinition, jobId: string): Promise<void> {
    await this.boss.send(def.kind, { jobId }, { id: jobId, retryLimit: def.retryLimit, retryDelay: 0, expireInSeconds: def.expireSeconds });
  }
}
