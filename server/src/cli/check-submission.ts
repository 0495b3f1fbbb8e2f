import { existsSync, lstatSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import {
  buildSubmissionReport, DEFAULT_SUBMISSION_LIMITS, formatSubmissionReport, planSubmissionCheck, pngSizeProblem, unreadableReport,
  type ExpectedVideo, type FrameToCheck, type Problem, type SubmissionLimits, type SubmissionMember, type SubmissionReport,
} from '#shared/eval/submission-check.ts';
import { checkJpeg } from '../import/jpeg.ts';
import { readSplit } from './eval.ts';
import { decodeMaskPng } from './eval-png.ts';
import { ZipReader } from './eval-zip.ts';
import { phaseBars } from './progress.ts';

export interface CheckOptions {
  split: string;
  submission: string;
  limits?: SubmissionLimits;
  onProgress?: (done: number, total: number) => void;
}


/** What the split expects: per video its frames, expression ids and frame size (RLE, else JPEG). */
async function expectedVideos(dir: string): Promise<ExpectedVideo[]> {
  const split = await readSplit(dir, { masksOptional: true });
  const expIds = new Map<string, string[]>();
  for (const s of split.samples) {
    let list = expIds.get(s.info.video);
    if (!list) expIds.set(s.info.video, (list = []));
    list.push(s.info.expId);
  }
  return [...split.videos].map(([video, v]) => ({ video, frames: v.frames, expIds: expIds.get(video) ?? [], size: v.size ?? jpegSize(dir, video, v.frames[0]) }));
}

function jpegSize(dir: string, video: string, frame: string): [number, number] | null {
  const file = path.join(dir, 'JPEGImages', video, `${frame}.jpg`);
  if (!existsSync(file)) return null;
  try {
    const { width, height } = checkJpeg(readFileSync(file), file);
    return [height, width];
  } catch {
    return null;
  }
}

/** The files of a folder submission; symbolic links are listed as unsafe and never followed. */
function listFolder(root: string): SubmissionMember[] {
  const members: SubmissionMember[] = [];
  const walk = (rel: string) => {
    for (const ent of readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const name = rel ? `${rel}/${ent.name}` : ent.name;
      if (ent.isSymbolicLink()) members.push({ name, bytes: 0, unsafe: 'symbolic link' });
      else if (ent.isDirectory()) walk(name);
      else if (ent.isFile()) members.push({ name, bytes: lstatSync(path.join(root, name)).size });
    }
  };
  walk('');
  return members;
}

/** Width and height from the IHDR chunk, so a wrong or absurd size is caught before decoding. */
function pngHeaderSize(buf: Uint8Array): { width: number; height: number } | null {
  if (buf.length < 24 || buf[12] !== 0x49 || buf[13] !== 0x48 || buf[14] !== 0x44 || buf[15] !== 0x52) return null;
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

function checkPng(frame: FrameToCheck, buf: Uint8Array, reuse: { data?: Uint8Array }): Problem | null {
  const header = pngHeaderSize(buf);
  if (header) {
    const wrong = pngSizeProblem(frame, header.width, header.height);
    if (wrong) return wrong;
  }
  try {
    const png = decodeMaskPng(buf, reuse.data);
    reuse.data = png.data;
    return pngSizeProblem(frame, png.width, png.height);
  } catch (e) {
    return { kind: 'undecodable-png', path: frame.name, detail: (e as Error).message };
  }
}

/**
 * Validates a submission (zip or folder) against a split: layout, completeness, extra files,
 * unsafe names and declared sizes from the listing alone, then every expected PNG opened, one at
 * a time, and decoded. Never stops at the first problem.
 */
export async function checkSubmission(opts: CheckOptions): Promise<SubmissionReport> {
  const expected = await expectedVideos(opts.split);
  if (!existsSync(opts.submission)) throw new Error(`submission ${opts.submission} not found`);
  const limits = opts.limits ?? DEFAULT_SUBMISSION_LIMITS;
  let read: (name: string) => Uint8Array;
  let members: SubmissionMember[];
  let zip: ZipReader | null = null;
  if (statSync(opts.submission).isDirectory()) {
    members = listFolder(opts.submission);
    read = (name) => readFileSync(path.join(opts.submission, name));
  } else {
    try {
      zip = ZipReader.open(opts.submission);
    } catch (e) {
      return unreadableReport(expected, (e as Error).message);
    }
    const z = zip;
    members = [...z.names()].map((name) => ({ name, bytes: z.declaredSize(name) ?? 0 }));
    read = (name) => z.read(name) ?? new Uint8Array(0);
  }
  try {
    const plan = planSubmissionCheck(expected, members, limits);
    const problems: Problem[] = [];
    const reuse: { data?: Uint8Array } = {};
    plan.toCheck.forEach((frame, i) => {
      let buf: Uint8Array;
      try {
        buf = read(frame.name);
      } catch (e) {
        problems.push({ kind: 'undecodable-png', path: frame.name, detail: `cannot be read (${(e as Error).message})` });
        return;
      }
      const p = checkPng(frame, buf, reuse);
      if (p) problems.push(p);
      if (i % 256 === 255 || i === plan.toCheck.length - 1) opts.onProgress?.(i + 1, plan.toCheck.length);
    });
    return buildSubmissionReport(plan, problems);
  } finally {
    zip?.close();
  }
}

function parseMiB(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError('must be a positive number of MiB');
  return n * 1024 * 1024;
}

export function registerCheckSubmission(program: Command): void {
  program
    .command('check-submission <submission>')
    .description('validate a submission (zip or folder of <video>/<exp_id>/<frame>.png) against a split before scoring; lists every problem with counts; exit 1 on errors')
    .requiredOption('--split <split-dir>', 'the split folder (meta_expressions.json; mask_dict.json or JPEGImages/ for frame sizes)')
    .option('--json', 'print the report as JSON')
    .option('--max-member-mb <n>', `largest declared size of one PNG (default ${DEFAULT_SUBMISSION_LIMITS.maxMemberBytes / 2 ** 20})`, parseMiB)
    .option('--max-total-mb <n>', `largest declared size of all members (default ${DEFAULT_SUBMISSION_LIMITS.maxTotalBytes / 2 ** 20})`, parseMiB)
    .action(async (submission: string, opts: { split: string; json?: boolean; maxMemberMb?: number; maxTotalMb?: number }) => {
      const limits = { maxMemberBytes: opts.maxMemberMb ?? DEFAULT_SUBMISSION_LIMITS.maxMemberBytes, maxTotalBytes: opts.maxTotalMb ?? DEFAULT_SUBMISSION_LIMITS.maxTotalBytes };
      const bars = phaseBars();
      let report: SubmissionReport;
      try {
        report = await checkSubmission({ split: opts.split, submission, limits, onProgress: (done, total) => bars.update({ phase: 'checking PNGs', done, total }) });
      } finally {
        bars.stop();
      }
      console.log(opts.json ? JSON.stringify({ split: path.resolve(opts.split), submission: path.resolve(submission), ...report }, null, 1) : formatSubmissionReport(report));
      if (!report.valid) process.exitCode = 1;
    });
}
