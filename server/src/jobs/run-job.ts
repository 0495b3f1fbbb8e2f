import type { Logger } from 'pino';
import type { Db } from '../db/client.ts';
import { claimJob, endJob, getJob, heartbeat, HEARTBEAT_MS, saveProgress } from './records.ts';
import type { JobDefinition } from './types.ts';

/** How often a running job's progress is written (the admin page polls about once a second). */
const PROGRESS_EVERY_MS = 1000;

export type RunOutcome = 'finished' | 'failed' | 'handed-back' | 'skipped';

/**
 * One run of one job, the same on both queues: claim it (unless it already ended), run the
 * definition with throttled progress, and record the end. A shutdown (the signal) puts it back in
 * the queue for another run; any other error fails it for good, and so does a job that has been
 * started more than `retryLimit` + 1 times (a job that kills its instance must not loop forever).
 */
export async function runJob(deps: { db: Db; log: Logger; instance: string; alive?: () => boolean }, def: JobDefinition<unknown, unknown, unknown>, id: string, signal: AbortSignal): Promise<RunOutcome> {
  const { db, log } = deps;
  const attempt = await claimJob(db, id, deps.instance);
  if (attempt === null) return 'skipped';
  if (attempt > def.retryLimit + 1) {
    await endJob(db, id, { state: 'failed', error: `given up after ${attempt - 1} interrupted runs` });
    return 'failed';
  }
  const job = (await getJob(db, id))!;
  let last: unknown;
  let savedAt = 0;
  let saving: Promise<void> = Promise.resolve();
  const progress = (p: unknown) => {
    last = p;
    const now = Date.now();
    if (now - savedAt < PROGRESS_EVERY_MS) return;
    savedAt = now;
    saving = saving.then(() => saveProgress(db, id, p)).catch((err: unknown) => log.warn({ err, job: id }, 'could not save job progress'));
  };
  // While it runs, the row says this instance is alive (requeueStale hands it on otherwise).
  const beat = setInterval(() => {
    if (deps.alive && !deps.alive()) return;
    heartbeat(db, id, deps.instance).catch((err: unknown) => log.warn({ err, job: id }, 'could not write a job heartbeat'));
  }, HEARTBEAT_MS);
  beat.unref();
  try {
    const result = await def.run(job.payload, { id, attempt, progress, signal });
    await saving;
    await endJob(db, id, { state: 'finished', result, progress: last });
    return 'finished';
  } catch (err) {
    await saving;
    if (signal.aborted) {
      await endJob(db, id, { state: 'queued' });
      log.info({ job: id, kind: def.kind }, 'job handed back at shutdown');
      return 'handed-back';
    }
    log.error({ err, job: id, kind: def.kind }, 'job failed');
    await endJob(db, id, { state: 'failed', error: err instanceof Error ? err.message : String(err) });
    return 'failed';
  } finally {
    clearInterval(beat);
  }
}
