import { and, desc, eq, inArray, isNotNull, sql } from 'drizzle-orm';
import type { JobState } from '#shared/domain.ts';
import { isUniqueViolation, retryOnBusy } from '../db/busy.ts';
import { lazyTransaction, type Db, type DbOrTx } from '../db/client.ts';
import { jobs } from '../db/schema/index.ts';
import type { JobRecord } from './types.ts';

/** The `jobs` table: what every instance reads about background work, whichever one runs it. */

type Row = typeof jobs.$inferSelect;
const parse = (s: string | null): unknown => (s === null ? null : (JSON.parse(s) as unknown));
export const toRecord = (r: Row): JobRecord => ({ ...r, payload: parse(r.payload), progress: parse(r.progress), result: parse(r.result) });

const LIVE: JobState[] = ['queued', 'running'];

async function liveJobByKey(db: DbOrTx, kind: string, key: string): Promise<JobRecord | null> {
  const [row] = await db
    .select()
    .from(jobs)
    .where(and(eq(jobs.kind, kind), eq(jobs.key, key), inArray(jobs.state, LIVE)));
  return row ? toRecord(row) : null;
}

/** Inserts a queued job, or returns the live one with the same kind and key. Durable on return. */
export async function insertJob(
  db: Db,
  j: { id: string; kind: string; key?: string; groupId?: string; actorId?: number | null; payload: unknown },
  now = Date.now(),
): Promise<{ job: JobRecord; created: boolean }> {
  for (;;) {
    try {
      return await retryOnBusy(() =>
        db.transaction(async (tx) => {
          if (j.key !== undefined) {
            const live = await liveJobByKey(tx, j.kind, j.key);
            if (live) return { job: live, created: false };
          }
          const [row] = await tx
            .insert(jobs)
            .values({ id: j.id, kind: j.kind, key: j.key ?? null, groupId: j.groupId ?? null, state: 'queued', payload: JSON.stringify(j.payload), actorId: j.actorId ?? null, createdAt: now, updatedAt: now })
            .returning();
          return { job: toRecord(row!), created: true };
        }),
      );
    } catch (err) {
      // Two instances enqueued the same key at once: the unique index let one in; read it.
      if (!isUniqueViolation(err)) throw err;
    }
  }
}

export async function getJob(db: DbOrTx, id: string): Promise<JobRecord | null> {
  const [row] = await db.select().from(jobs).where(eq(jobs.id, id));
  return row ? toRecord(row) : null;
}

/** The newest job of a kind and key (a release version's export), live or not. */
export async function latestJob(db: DbOrTx, kind: string, key: string): Promise<JobRecord | null> {
  const [row] = await db.select().from(jobs).where(and(eq(jobs.kind, kind), eq(jobs.key, key))).orderBy(desc(jobs.createdAt)).limit(1);
  return row ? toRecord(row) : null;
}

export async function jobsOfGroup(db: DbOrTx, groupId: string): Promise<JobRecord[]> {
  return (await db.select().from(jobs).where(eq(jobs.groupId, groupId))).map(toRecord);
}

export async function liveJobs(db: DbOrTx, kind: string): Promise<JobRecord[]> {
  return (await db.select().from(jobs).where(and(eq(jobs.kind, kind), inArray(jobs.state, LIVE))).orderBy(jobs.createdAt)).map(toRecord);
}

/** The oldest queued job of a kind (the in-process runner's next). */
export async function nextQueued(db: DbOrTx, kind: string): Promise<JobRecord | null> {
  const [row] = await db.select().from(jobs).where(and(eq(jobs.kind, kind), eq(jobs.state, 'queued'))).orderBy(jobs.createdAt, jobs.id).limit(1);
  return row ? toRecord(row) : null;
}

/** A running job's instance writes its row at least this often (run-job.ts). */
export const HEARTBEAT_MS = 5_000;
/** A running job whose row was not written for this long has a dead (or hung) instance. */
export const STALE_MS = 30_000;

/**
 * Marks a job running on `instance` and counts the attempt, unless it already ended (a run that
 * finished but died before its queue heard so is not redone) or another instance is running it
 * and alive (its heartbeat is fresh: a queue that hands a job out again too early must not make it
 * run twice). Returns the attempt, or null.
 */
export async function claimJob(db: Db, id: string, instance: string, now = Date.now()): Promise<number | null> {
  return retryOnBusy(() =>
    lazyTransaction(db, async (tx) => {
      const [row] = await tx.select({ state: jobs.state, attempts: jobs.attempts, instance: jobs.instance, updatedAt: jobs.updatedAt }).from(jobs).where(eq(jobs.id, id));
      if (!row || row.state === 'finished' || row.state === 'failed') return null;
      if (row.state === 'running' && row.instance !== instance && row.updatedAt > now - STALE_MS) return null;
      await tx.update(jobs).set({ state: 'running', instance, attempts: row.attempts + 1, updatedAt: now }).where(eq(jobs.id, id));
      return row.attempts + 1;
    }),
  );
}

/** The running instance is alive: its row's time moves on. */
export async function heartbeat(db: Db, id: string, instance: string, now = Date.now()): Promise<void> {
  await retryOnBusy(() => lazyTransaction(db, (tx) => tx.update(jobs).set({ updatedAt: now }).where(and(eq(jobs.id, id), eq(jobs.state, 'running'), eq(jobs.instance, instance)))));
}

/**
 * Running jobs whose instance stopped writing for STALE_MS go back to the queue (each returned
 * once, to the one caller whose update took it); the caller tells its queue to run them again.
 */
export async function requeueStale(db: Db, now = Date.now()): Promise<JobRecord[]> {
  return retryOnBusy(() =>
    db.transaction(async (tx) =>
      (
        await tx
          .update(jobs)
          .set({ state: 'queued', instance: null, updatedAt: now })
          .where(and(eq(jobs.state, 'running'), sql`${jobs.updatedAt} < ${now - STALE_MS}`))
          .returning()
      ).map(toRecord),
    ),
  );
}

/** Progress is not acknowledged work: its commit does not wait for the disk. */
export async function saveProgress(db: Db, id: string, progress: unknown, now = Date.now()): Promise<void> {
  await retryOnBusy(() => lazyTransaction(db, (tx) => tx.update(jobs).set({ progress: JSON.stringify(progress), updatedAt: now }).where(eq(jobs.id, id))));
}

export async function endJob(db: Db, id: string, end: { state: 'finished'; result: unknown; progress?: unknown } | { state: 'failed'; error: string } | { state: 'queued' }, now = Date.now()): Promise<void> {
  const set =
    end.state === 'finished'
      ? { state: end.state, result: JSON.stringify(end.result ?? null), ...(end.progress !== undefined ? { progress: JSON.stringify(end.progress) } : {}), error: null }
      : end.state === 'failed'
        ? { state: end.state, error: end.error.slice(0, 2000) }
        : { state: end.state, instance: null };
  await retryOnBusy(() => db.transaction((tx) => tx.update(jobs).set({ ...set, updatedAt: now }).where(eq(jobs.id, id))));
}

/** At start on SQLite (one server per data dir): jobs left running by a dead process run again. */
export async function requeueRunning(db: Db, now = Date.now()): Promise<number> {
  return retryOnBusy(() =>
    db.transaction(async (tx) => (await tx.update(jobs).set({ state: 'queued', instance: null, updatedAt: now }).where(eq(jobs.state, 'running')).returning({ id: jobs.id })).length),
  );
}

/** The newest request groups of a kind (a TTS request is one group of jobs). */
export async function recentGroups(db: DbOrTx, kind: string, limit: number): Promise<string[]> {
  const rows = await db
    .select({ groupId: jobs.groupId, at: sql<number>`max(${jobs.createdAt})` })
    .from(jobs)
    .where(and(eq(jobs.kind, kind), isNotNull(jobs.groupId)))
    .groupBy(jobs.groupId)
    .orderBy(sql`max(${jobs.createdAt}) desc`)
    .limit(limit);
  return rows.map((r) => r.groupId!);
}

/** Queued jobs in one transaction; a key with a live job already is skipped. Returns the new ids. */
export async function insertJobs(
  db: Db,
  kind: string,
  items: { id: string; key: string; payload: unknown }[],
  opts: { groupId?: string; actorId?: number | null },
  now = Date.now(),
): Promise<string[]> {
  if (!items.length) return [];
  return retryOnBusy(() =>
    db.transaction(async (tx) => {
      const created: string[] = [];
      // Chunks keep each statement under SQLite's bound-parameter limit.
      for (let i = 0; i < items.length; i += 500) {
        const rows = await tx
          .insert(jobs)
          .values(
            items.slice(i, i + 500).map((it) => ({
              id: it.id,
              kind,
              key: it.key,
              groupId: opts.groupId ?? null,
              state: 'queued' as const,
              payload: JSON.stringify(it.payload),
              actorId: opts.actorId ?? null,
              createdAt: now,
              updatedAt: now,
            })),
          )
          .onConflictDoNothing()
          .returning({ id: jobs.id });
        created.push(...rows.map((r) => r.id));
      }
      return created;
    }),
  );
}

/**
 * Resolves with the job once it finished or failed, looking every `everyMs`; throws after
 * `timeoutMs`. For callers that want a background result now (tests, a CLI `--wait`), never for a
 * request: a request answers with the job id and the page follows its progress.
 */
export async function waitForJob(db: DbOrTx, id: string, opts: { timeoutMs?: number; everyMs?: number } = {}): Promise<JobRecord> {
  const end = Date.now() + (opts.timeoutMs ?? 60_000);
  for (;;) {
    const job = await getJob(db, id);
    if (!job) throw new Error(`no job ${id}`);
    if (job.state === 'finished' || job.state === 'failed') return job;
    if (Date.now() > end) throw new Error(`job ${id} (${job.kind}) still ${job.state} after ${opts.timeoutMs ?? 60_000} ms`);
    await new Promise((r) => setTimeout(r, opts.everyMs ?? 20));
  }
}
