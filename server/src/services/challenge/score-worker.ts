import { parentPort, workerData } from 'node:worker_threads';
import type { SubmissionLimits, SubmissionReport } from '#shared/eval/submission-check.ts';
import type { CombinedFormula, EvalReport } from '#shared/eval/index.ts';
import { checkSubmission } from '../../cli/check-submission.ts';
import { runEval } from '../../cli/eval.ts';

/** One submission to check and score; every path comes from the server's rows, none from the zip. */
export interface ScoreTask {
  zip: string;
  /** The release's public split folder: expressions, frames (check-submission reads sizes from the JPEGs). */
  splitDir: string;
  /** <split> of the release's ground-truth package: meta_expressions.json with anno ids and mask_dict.json. */
  gtDir: string;
  limits: SubmissionLimits;
  combined: CombinedFormula;
  threads: number;
}

export type ScoreMessage =
  | { type: 'progress'; phase: 'checking' | 'scoring'; done: number; total: number }
  | { type: 'checked'; report: SubmissionReport }
  | { type: 'scored'; report: EvalReport; frames: number; seconds: number }
  | { type: 'error'; message: string };

/**
 * check-submission, then (only when it finds no error) the evaluator, both exactly as the CLI runs
 * them. This whole function runs on its own worker thread (scoring.ts): PNG decoding in the check
 * is synchronous, and the server's event loop must never wait for it. The evaluator starts its own
 * worker threads for the frames, as `studio eval` does.
 */
export async function checkAndScore(task: ScoreTask, post: (m: ScoreMessage) => void): Promise<void> {
  const check = await checkSubmission({ split: task.splitDir, submission: task.zip, limits: task.limits, onProgress: (done, total) => post({ type: 'progress', phase: 'checking', done, total }) });
  post({ type: 'checked', report: check });
  if (!check.valid) return;
  const run = await runEval({ gt: task.gtDir, pred: task.zip, threads: task.threads, combined: task.combined, onProgress: (done, total) => post({ type: 'progress', phase: 'scoring', done, total }) });
  post({ type: 'scored', report: run.report, frames: run.frames, seconds: run.seconds });
}

if (parentPort && (workerData as { challengeScore?: boolean } | null)?.challengeScore) {
  const port = parentPort;
  const task = (workerData as { task: ScoreTask }).task;
  // The parent ends the thread once it has the last message.
  checkAndScore(task, (m) => port.postMessage(m)).catch((e: unknown) => {
    port.postMessage({ type: 'error', message: e instanceof Error ? e.message : String(e) } satisfies ScoreMessage);
  });
}
