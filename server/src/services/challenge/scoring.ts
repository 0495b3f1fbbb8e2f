import { mkdirSync } from 'node:fs';
import { readdir, rm, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { eq } from 'drizzle-orm';
import type { Logger } from 'pino';
import { DAY_MS, LIVE_SUBMISSION_STATES, type SubmissionState } from '#shared/challenge/rules.ts';
import { DEFAULT_SUBMISSION_LIMITS, type SubmissionReport } from '#shared/eval/submission-check.ts';
import type { EvalReport } from '#shared/eval/index.ts';
import type { Db } from '../../db/client.ts';
import { retryOnBusy } from '../../db/busy.ts';
import { challengeSubmissions } from '../../db/schema/index.ts';
import type { JobContext, JobQueue } from '../../jobs/index.ts';
import { latestJob } from '../../jobs/records.ts';
import type { ExportJobs } from '../export/jobs.ts';
import { loadChallenge } from './challenges.ts';
import { challengeDirs } from './release-files.ts';
import type { ScoreMessage, ScoreTask } from './score-worker.ts';
import { liveSubmissionIds } from './submissions.ts';

const KIND = 'challenge-score';

export interface ScoreProgress {
  phase: 'checking' | 'scoring';
  done: number;
  total: number;
}

interface ScorePayload {
  submissionId: number;
}

interface ScoreResult {
  state: SubmissionState | 'skipped';
}

export type ChallengeDeps = { db: Db; log: Logger; jobs: JobQueue; exports: Pick<ExportJobs, 'dirOf' | 'groundTruthDirOf'>; dataDir: string };

/**
 * Limits of the server's check: a mask PNG is a few KB; 16 MiB is a 4K frame stored raw. Members
 * declaring more are refused unread, and every member is inflated at most to its declared size
 * (cli/eval-zip.ts), so a zip bomb costs what its declared sizes say, no more.
 */
export const SERVER_SUBMISSION_LIMITS = { maxMemberBytes: 16 * 1024 * 1024, maxTotalBytes: DEFAULT_SUBMISSION_LIMITS.maxTotalBytes };

/** The scoring thread's heap: the split's RLE strings and one frame per evaluator thread fit well within. */
const WORKER_HEAP_MB = 2048;

/**
 * Scoring of challenge submissions as background jobs (server/src/jobs/): one job per submission,
 * keyed by it (queued again at start if a crash lost it), one job of this kind at a time per
 * instance (jobs/local-queue.ts, pg-boss batchSize 1). The check and the evaluator run on a worker
 * thread (score-worker.ts) with their own frame threads, so the event loop only relays progress.
 * Idempotent: the outcome is written in one transaction, and the zip is deleted only after it.
 */
export class ChallengeJobs {
  constructor(private readonly deps: ChallengeDeps) {
    deps.jobs.define<ScorePayload, ScoreResult, ScoreProgress>({
      kind: KIND,
      // A full valid split (~176k frames) takes minutes on two cores (bench:eval); two hours means the instance is gone.
      expireSeconds: 7200,
      retryLimit: 2,
      run: (payload, ctx) => this.run(payload, ctx),
    });
  }

  /** Where uploads are written while they arrive, and where they wait for scoring (same filesystem: renamed). */
  dirs() {
    const root = path.join(this.deps.dataDir, 'challenges');
    return { incoming: path.join(root, 'incoming'), submissions: path.join(root, 'submissions') };
  }

  ensureDirs() {
    const d = this.dirs();
    mkdirSync(d.incoming, { recursive: true });
    mkdirSync(d.submissions, { recursive: true });
    return d;
  }

  async queue(submissionId: number): Promise<void> {
    await this.deps.jobs.enqueue<ScorePayload>(KIND, { submissionId }, { key: `submission-${submissionId}` });
  }

  /**
   * At start: every submission still waiting gets its job (keyed, so a live one is not doubled),
   * and uploads a dead process left half-written are deleted — only those a day old, since other
   * instances sharing DATA_DIR may be receiving one right now.
   */
  async resume(now = Date.now()): Promise<number> {
    const { incoming } = this.ensureDirs();
    for (const name of await readdir(incoming)) {
      const file = path.join(incoming, name);
      const st = await stat(file).catch(() => null);
      if (st && now - st.mtimeMs > DAY_MS) await rm(file, { force: true });
    }
    const ids = await liveSubmissionIds(this.deps.db);
    for (const id of ids) await this.queue(id);
    return ids.length;
  }

  async progress(submissionId: number): Promise<ScoreProgress | null> {
    const job = await latestJob(this.deps.db, KIND, `submission-${submissionId}`);
    return (job?.progress as ScoreProgress | null) ?? null;
  }

  private async setState(id: number, values: Partial<typeof challengeSubmissions.$inferInsert>): Promise<void> {
    await retryOnBusy(() => this.deps.db.transaction((tx) => tx.update(challengeSubmissions).set(values).where(eq(challengeSubmissions.id, id))));
  }

  private async run({ submissionId }: ScorePayload, ctx: JobContext<ScoreProgress>): Promise<ScoreResult> {
    const { db, log } = this.deps;
    const [row] = await db.select().from(challengeSubmissions).where(eq(challengeSubmissions.id, submissionId));
    if (!row || !(LIVE_SUBMISSION_STATES as readonly string[]).includes(row.state)) return { state: 'skipped' };
    const challenge = await loadChallenge(db, row.challengeId);
    const zip = path.join(this.dirs().submissions, path.basename(row.file));
    const finish = async (state: SubmissionState, values: Partial<typeof challengeSubmissions.$inferInsert>) => {
      await this.setState(submissionId, { state, finishedAt: Date.now(), ...values });
      // After the outcome is saved: a run redone after a crash before this point still finds the zip.
      await rm(zip, { force: true }).catch((err: unknown) => log.warn({ err, zip }, 'could not delete a scored submission'));
      return { state };
    };
    if (!challenge) return finish('failed', { error: 'the challenge no longer exists' });
    await this.setState(submissionId, { state: 'checking' });
    const version = challenge.releaseVersion;
    const { splitDir, gtDir } = challengeDirs({ releaseDir: this.deps.exports.dirOf(version), groundTruthDir: this.deps.exports.groundTruthDirOf(version) }, challenge.row.split);
    const task: ScoreTask = {
      zip,
      splitDir,
      gtDir,
      limits: SERVER_SUBMISSION_LIMITS,
      combined: challenge.formula,
      // One core stays with the server (and with other instances' requests on a shared machine).
      threads: Math.max(1, availableParallelism() - 1),
    };
    let check: SubmissionReport | null = null;
    let scored: { report: EvalReport } | null = null;
    try {
      await this.onWorker(task, ctx, async (m) => {
        if (m.type === 'progress') ctx.progress({ phase: m.phase, done: m.done, total: m.total });
        else if (m.type === 'checked') {
          check = m.report;
          if (m.report.valid) await this.setState(submissionId, { state: 'scoring', checkReport: JSON.stringify(m.report) });
        } else if (m.type === 'scored') scored = { report: m.report };
      });
    } catch (err) {
      if (ctx.signal.aborted) throw err;
      const message = err instanceof Error ? err.message : String(err);
      log.warn({ err, submissionId }, 'challenge submission could not be scored');
      return finish('failed', { error: this.publicMessage(message), ...(check ? { checkReport: JSON.stringify(check) } : {}) });
    }
    const checked = check as SubmissionReport | null;
    if (!checked) return finish('failed', { error: 'the submission could not be checked' });
    if (!checked.valid) return finish('invalid', { checkReport: JSON.stringify(checked) });
    const done = scored as { report: EvalReport } | null;
    if (!done) return finish('failed', { error: 'scoring ended without a result', checkReport: JSON.stringify(checked) });
    const o = done.report.overall;
    return finish('scored', { checkReport: JSON.stringify(checked), report: JSON.stringify(done.report), j: o.j, f: o.f, jf: o.jf, nAcc: o.nAcc, tAcc: o.tAcc, combined: o.combined });
  }

  /** Server paths never reach a participant: a message naming one is replaced by a general one (the log has it). */
  private publicMessage(message: string): string {
    if (message.includes(this.deps.dataDir) || message.includes(path.sep + 'ground-truth') || message.includes(path.sep + 'ground_truth')) return 'scoring failed on the server (the administrators can see why in the log); your team may submit again';
    return message.slice(0, 2000);
  }

  /**
   * Runs the task on a worker thread, relaying its messages in order; ends at the last one. A
   * shutdown terminates the thread and throws the signal's reason (the job goes back to the queue).
   */
  private onWorker(task: ScoreTask, ctx: JobContext<ScoreProgress>, onMessage: (m: ScoreMessage) => Promise<void>): Promise<void> {
    const entry = new URL('./score-worker.ts', import.meta.url).href;
    const tsx = import.meta.resolve('tsx/esm/api');
    // Worker threads cannot load .ts through tsx's hooks by themselves (as in cli/eval.ts).
    const boot = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(entry)});`;
    const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`), {
      workerData: { challengeScore: true, task },
      resourceLimits: { maxOldGenerationSizeMb: WORKER_HEAP_MB },
    });
    return new Promise<void>((resolve, reject) => {
      let chain = Promise.resolve();
      let ended = false;
      const end = (err?: unknown) => {
        if (ended) return;
        ended = true;
        ctx.signal.removeEventListener('abort', abort);
        void worker.terminate();
        if (err) reject(err);
        else resolve();
      };
      const abort = () => end(ctx.signal.reason);
      ctx.signal.addEventListener('abort', abort);
      worker.on('message', (m: ScoreMessage) => {
        chain = chain
          .then(() => onMessage(m))
          .then(() => {
            if (m.type === 'error') end(new Error(m.message));
            else if (m.type === 'scored' || (m.type === 'checked' && !m.report.valid)) end();
          })
          .catch((err: unknown) => end(err));
      });
      worker.on('error', (err) => end(err));
      worker.on('exit', (code) => {
        // Exited on its own without a last message: out of memory or a crash.
        chain.then(() => end(new Error(code === 0 ? 'scoring ended without a result' : `scoring stopped (exit ${code}); the submission may be too large to score`)), () => {});
      });
    });
  }
}
