import { eq } from 'drizzle-orm';
import pg from 'pg';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { DIALECT } from '../db/dialect.ts';
import { jobs } from '../db/schema/index.ts';
import { testApp, type TestApp } from '../testing/app.ts';
import { createJobQueue } from './index.ts';
import { LocalJobQueue } from './local-queue.ts';
import { PgBossJobQueue } from './pg-boss-queue.ts';
import { claimJob, getJob, requeueStale, STALE_MS } from './records.ts';
import type { JobDefinition, JobQueue } from './types.ts';

const silent = pino({ level: 'silent' });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, fn: () => Promise<T | null | undefined | false>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(25);
  }
}

/** A second process on the same database (another instance), with its own queue. */
function queueBeside(app: TestApp, instance: string, opts: { maintenanceSeconds?: number } = {}): JobQueue {
  if (app.database.dialect === 'postgres') return new PgBossJobQueue({ db: app.db, log: silent, instance, url: app.config.databaseUrl!, ...opts });
  return createJobQueue(app.database, { log: silent, instance });
}

describe('background jobs', () => {
  let app: TestApp | undefined;
  const queues: JobQueue[] = [];
  afterEach(async () => {
    for (const q of queues.splice(0)) await q.stop(0);
    await app?.cleanup();
    app = undefined;
  });

  const counting = (runs: string[], opts: Partial<JobDefinition<{ n: number }, { twice: number }, { at: number }>> = {}): JobDefinition<{ n: number }, { twice: number }, { at: number }> => ({
    kind: 'double',
    expireSeconds: 60,
    retryLimit: 1,
    run: async ({ n }, ctx) => {
      runs.push(ctx.id);
      ctx.progress({ at: n });
      return { twice: 2 * n };
    },
    ...opts,
  });

  it('runs a job once, records its result and progress for every instance to read, and keeps one live job per key', async () => {
    app = await testApp();
    const runs: string[] = [];
    const q = queueBeside(app, 'a');
    queues.push(q);
    q.define(counting(runs));
    await q.start();
    const { job, created } = await q.enqueue('double', { n: 21 }, { key: 'k1', actorId: null });
    expect(created).toBe(true);
    const done = await until('the job to finish', async () => {
      const j = await getJob(app!.db, job.id);
      return j?.state === 'finished' ? j : null;
    });
    expect(done).toMatchObject({ result: { twice: 42 }, progress: { at: 21 }, attempts: 1, instance: 'a' });
    expect(runs).toEqual([job.id]);
    // Finished: the key is free again.
    expect((await q.enqueue('double', { n: 1 }, { key: 'k1' })).created).toBe(true);
  });

  it('a second enqueue of a live key returns the live job, from any instance', async () => {
    app = await testApp();
    const a = queueBeside(app, 'a');
    const b = queueBeside(app, 'b');
    queues.push(a, b);
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    for (const q of [a, b]) q.define({ kind: 'slow', expireSeconds: 60, retryLimit: 0, run: async () => gate });
    const first = await a.enqueue('slow', {}, { key: 'v1' });
    const again = await b.enqueue('slow', {}, { key: 'v1' });
    expect(again).toMatchObject({ created: false, job: { id: first.job.id } });
    expect(await b.enqueueMany('slow', [{ key: 'v1', payload: {} }, { key: 'v2', payload: {} }])).toHaveLength(1);
    release();
  });

  it('two instances working one queue run each of 30 jobs exactly once', async () => {
    app = await testApp();
    const runs: string[] = [];
    const a = queueBeside(app, 'a');
    const b = queueBeside(app, 'b');
    queues.push(a, b);
    const slow = counting(runs, { run: async ({ n }, ctx) => (runs.push(ctx.id), await sleep(5), { twice: 2 * n }) });
    a.define(slow);
    b.define(slow);
    await a.start();
    // On SQLite only one server runs jobs (the data-dir lock); the second queue only enqueues.
    if (app.database.dialect === 'postgres') await b.start();
    const ids = await b.enqueueMany(
      'double',
      Array.from({ length: 30 }, (_, n) => ({ key: `j${n}`, payload: { n } })),
    );
    await until('all jobs to finish', async () => (await app!.db.select().from(jobs).where(eq(jobs.state, 'finished'))).length === 30, 60_000);
    expect([...runs].sort()).toEqual([...ids].sort());
  });

  // PostgreSQL only: SQLite has one server per data dir.
  it.skipIf(DIALECT !== 'postgres')('instances starting together on a new database set the queue up once, without deadlocking', async () => {
    app = await testApp();
    // As on a database no instance has started on yet: pg-boss's schema and queues do not exist.
    const admin = new pg.Client({ connectionString: app.config.databaseUrl! });
    await admin.connect();
    await admin.query('drop schema if exists pgboss cascade');
    await admin.end();
    const runs: string[] = [];
    const started = Array.from({ length: 4 }, (_, i) => {
      const q = queueBeside(app!, `starter-${i}`);
      queues.push(q);
      for (const kind of ['double', 'triple', 'quadruple']) q.define(counting(runs, { kind }));
      return q;
    });
    await Promise.all(started.map((q) => q.start()));
    const id = (await started[3]!.enqueue('triple', { n: 2 })).job.id;
    await until('the job to finish', async () => (await getJob(app!.db, id))?.state === 'finished');
    expect(runs).toEqual([id]);
  });

  it('a job left running by a dead instance runs again, and one that keeps dying is given up', async () => {
    app = await testApp();
    const runs: string[] = [];
    const def = counting(runs, { expireSeconds: 1, retryLimit: 1 });
    if (app.database.dialect === 'postgres') {
      // Instance a takes the job and hangs (no heartbeat, no answer: as if killed); pg-boss
      // expires its run after a second and instance b runs the job again.
      const a = new PgBossJobQueue({ db: app.db, log: silent, instance: 'a', url: app.config.databaseUrl!, maintenanceSeconds: 1 });
      a.define({ ...def, run: () => new Promise(() => {}) });
      await a.start();
      const { job } = await a.enqueue('double', { n: 5 });
      await until('instance a to take the job', async () => (await getJob(app!.db, job.id))?.instance === 'a');
      // Instance a dies: its queue stops at once, its handler never returns, and its row is not
      // written any more (as if that was more than STALE_MS ago).
      await a.abandon();
      await app.db.transaction((tx) => tx.update(jobs).set({ updatedAt: Date.now() - STALE_MS - 1000 }).where(eq(jobs.id, job.id)));
      const b = queueBeside(app, 'b', { maintenanceSeconds: 1 });
      queues.push(b);
      b.define(def);
      await b.start();
      const redone = await until('the interrupted job to run again', async () => {
        const j = await getJob(app!.db, job.id);
        return j?.state === 'finished' ? j : null;
      });
      expect(redone).toMatchObject({ attempts: 2, instance: 'b', result: { twice: 10 } });
      expect(runs).toEqual([job.id]);
      return;
    }
    // SQLite: the dead server's rows say running; the next server's start queues them again.
    const q = queueBeside(app, 'a');
    queues.push(q);
    q.define(def);
    const { job } = await q.enqueue('double', { n: 5 });
    const crashed = await q.enqueue('double', { n: 6 });
    await app.db.transaction((tx) => tx.update(jobs).set({ state: 'running', instance: 'dead', attempts: 1 }).where(eq(jobs.id, job.id)));
    // Started twice already and died both times: over retryLimit 1.
    await app.db.transaction((tx) => tx.update(jobs).set({ state: 'running', instance: 'dead', attempts: 2 }).where(eq(jobs.id, crashed.job.id)));
    await q.start();
    const redone = await until('the interrupted job to run again', async () => {
      const j = await getJob(app!.db, job.id);
      return j?.state === 'finished' ? j : null;
    });
    expect(redone).toMatchObject({ attempts: 2, result: { twice: 10 } });
    const givenUp = await until('the crashing job to be given up', async () => {
      const j = await getJob(app!.db, crashed.job.id);
      return j?.state === 'failed' ? j : null;
    });
    expect(givenUp.error).toMatch(/given up after 2 interrupted runs/);
    expect(runs).toEqual([job.id]);
  });

  it('a job that throws fails once with its message and is not retried', async () => {
    app = await testApp();
    let calls = 0;
    const q = queueBeside(app, 'a');
    queues.push(q);
    q.define({
      kind: 'broken',
      expireSeconds: 60,
      retryLimit: 3,
      run: async () => {
        calls++;
        throw new Error('the tool crashed');
      },
    });
    await q.start();
    const { job } = await q.enqueue('broken', {});
    const failed = await until('the job to fail', async () => {
      const j = await getJob(app!.db, job.id);
      return j?.state === 'failed' ? j : null;
    });
    expect(failed.error).toBe('the tool crashed');
    await sleep(1500);
    expect(calls).toBe(1);
  });

  it('at shutdown a running job stops at its next safe point and goes back to the queue', async () => {
    app = await testApp();
    let started = 0;
    let stoppedEarly = false;
    const def: JobDefinition<object, string, never> = {
      kind: 'long',
      expireSeconds: 60,
      retryLimit: 3,
      run: async (_p, ctx) => {
        started++;
        for (let i = 0; i < 400; i++) {
          if (ctx.signal.aborted) {
            stoppedEarly = true;
            throw ctx.signal.reason;
          }
          await sleep(25);
        }
        return 'done';
      },
    };
    const a = queueBeside(app, 'a');
    queues.push(a);
    a.define(def);
    await a.start();
    const { job } = await a.enqueue('long', {});
    await until('the job to start', async () => (await getJob(app!.db, job.id))?.state === 'running');
    await a.stop(5000);
    // It stopped at a safe point when asked (not at the end of its 10 s of work).
    expect(stoppedEarly).toBe(true);
    expect(await getJob(app.db, job.id)).toMatchObject({ state: 'queued', instance: null, attempts: 1 });
    expect(started).toBe(1);
  });

  it('the app runs an unknown kind nowhere: enqueue refuses it', async () => {
    app = await testApp();
    const q = app.database.dialect === 'sqlite' ? new LocalJobQueue({ db: app.db, log: silent, instance: 'x' }) : queueBeside(app, 'x');
    await expect(q.enqueue('nope', {})).rejects.toThrow(/unknown job kind nope/);
  });

  it('a job is claimed by one live instance at a time; a silent one loses it to the next', async () => {
    app = await testApp();
    const q = queueBeside(app, 'a');
    queues.push(q);
    q.define({ kind: 'x', expireSeconds: 60, retryLimit: 1, run: async () => null });
    const { job } = await q.enqueue('x', {});
    expect(await claimJob(app.db, job.id, 'a')).toBe(1);
    // b is handed the same job (a queue's early retry): refused while a's heartbeat is fresh.
    expect(await claimJob(app.db, job.id, 'b')).toBeNull();
    expect(await requeueStale(app.db)).toEqual([]);
    // a stops writing its row: after STALE_MS the job goes back to the queue, once, and b gets it.
    await app.db.transaction((tx) => tx.update(jobs).set({ updatedAt: Date.now() - STALE_MS - 1 }).where(eq(jobs.id, job.id)));
    expect((await requeueStale(app.db)).map((j) => j.id)).toEqual([job.id]);
    expect(await requeueStale(app.db)).toEqual([]);
    expect(await claimJob(app.db, job.id, 'b')).toBe(2);
  });
});
