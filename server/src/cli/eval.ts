import { createReadStream, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import { InvalidArgumentError, type Command } from 'commander';
import streamObject from 'stream-json/streamers/stream-object.js';
import {
  buildReport, DEFAULT_COMBINED, missingSample, parseCombined, samplesCsv,
  type CombinedFormula, type EvalReport, type SampleInfo, type SampleResult, type ScoreSummary,
} from '#shared/eval/index.ts';
import { phaseBars } from './progress.ts';
import type { PredSource, SampleTask, WorkerReply } from './eval-worker.ts';
import { ZipReader } from './eval-zip.ts';

interface MetaExpression {
  anno_id?: unknown[];
  motion_reasoning?: unknown;
  audio?: unknown;
}
interface MetaVideo {
  frames: string[];
  expressions: Record<string, MetaExpression>;
}

interface SplitSample {
  info: SampleInfo;
  annoIds: string[];
}

export interface Split {
  videos: Map<string, { frames: string[]; size: [number, number] | null }>;
  samples: SplitSample[];
  tracks: Map<string, (string | null)[]>;
}

export interface EvalOptions {
  gt: string;
  pred: string;
  threads?: number;
  combined?: CombinedFormula;
  onProgress?: (framesDone: number, framesTotal: number) => void;
}

export interface EvalRun {
  report: EvalReport;
  results: SampleResult[];
  frames: number;
  seconds: number;
  threads: number;
}

/**
 * Reads meta_expressions.json whole (a few MB even for MeViSv2 train) and streams mask_dict.json
 * one track at a time, keeping only the RLE strings of the tracks the expressions use — the
 * decoded masks never exist all at once, only one frame per worker.
 */
export async function readSplit(dir: string, opts: { masksOptional?: boolean } = {}): Promise<Split> {
  // The MeViSv2 Hugging Face release ships only meta_expressions_v2.json (MEVIS_FORMAT.md §2).
  const v1Meta = path.join(dir, 'meta_expressions.json');
  const v2Meta = path.join(dir, 'meta_expressions_v2.json');
  const metaFile = !existsSync(v1Meta) && existsSync(v2Meta) ? v2Meta : v1Meta;
  const maskFile = path.join(dir, 'mask_dict.json');
  if (!existsSync(metaFile)) throw new Error(`${metaFile} not found: --gt must be a split folder with ground truth (valid_u of a release, or <split> of its ground-truth package)`);
  const noMasks = !existsSync(maskFile);
  if (noMasks && !opts.masksOptional) throw new Error(`${maskFile} not found: this split has no ground truth here (a withheld split's is in the release's ground-truth package: --gt <ground-truth package>/<split>)`);
  const meta = JSON.parse(readFileSync(metaFile, 'utf8')) as { videos?: Record<string, MetaVideo> };
  if (!meta.videos || typeof meta.videos !== 'object') throw new Error(`${metaFile}: no "videos" object`);

  const videos = new Map<string, { frames: string[]; size: [number, number] | null }>();
  const samples: SplitSample[] = [];
  const annoVideo = new Map<string, string>();
  for (const [video, v] of Object.entries(meta.videos)) {
    if (!Array.isArray(v.frames) || v.frames.length === 0) throw new Error(`${metaFile}: video ${video} lists no frames`);
    videos.set(video, { frames: v.frames, size: null });
    for (const [expId, e] of Object.entries(v.expressions ?? {})) {
      const annoIds = (e.anno_id ?? []).map(String);
      for (const a of annoIds) annoVideo.set(a, video);
      samples.push({
        annoIds,
        info: {
          video,
          expId,
          targets: annoIds.length,
          ...(typeof e.motion_reasoning === 'boolean' ? { motionReasoning: e.motion_reasoning } : {}),
          ...('audio' in e ? { withAudio: e.audio !== null && e.audio !== undefined && e.audio !== '' } : {}),
        },
      });
    }
  }

  const tracks = new Map<string, (string | null)[]>();
  // check-submission on a withheld split: expressions and frames only (sizes from the JPEGs).
  if (noMasks) return { videos, samples, tracks };
  const input = createReadStream(maskFile);
  try {
    for await (const item of input.pipe(streamObject.withParserAsStream()) as AsyncIterable<{ key: string; value: unknown }>) {
      const video = annoVideo.get(item.key);
      if (!video) continue;
      const v = videos.get(video)!;
      const where = `mask_dict.json → ${item.key}`;
      if (!Array.isArray(item.value) || item.value.length !== v.frames.length) {
        throw new Error(`${where}: expected a list of ${v.frames.length} per-frame masks (video ${video})`);
      }
      tracks.set(
        item.key,
        item.value.map((entry: unknown, i) => {
          if (entry === null) return null;
          const rle = entry as { size?: unknown; counts?: unknown };
          if (!Array.isArray(rle.size) || typeof rle.counts !== 'string') throw new Error(`${where}[${i}]: not a COCO RLE with a string "counts"`);
          const size: [number, number] = [Number(rle.size[0]), Number(rle.size[1])];
          if (!v.size) v.size = size;
          else if (v.size[0] !== size[0] || v.size[1] !== size[1]) throw new Error(`${where}[${i}]: size ${size.join('×')} differs from ${v.size.join('×')} elsewhere in ${video}`);
          return rle.counts;
        }),
      );
    }
  } catch (e) {
    if (e instanceof Error && e.message.startsWith('mask_dict.json')) throw e;
    throw new Error(`${maskFile}: ${(e as Error).message}`);
  } finally {
    input.destroy();
  }
  const missing = [...annoVideo.keys()].filter((a) => !tracks.has(a));
  if (missing.length) throw new Error(`mask_dict.json has no track for anno_id ${missing[0]} (video ${annoVideo.get(missing[0])})${missing.length > 1 ? ` and ${missing.length - 1} more` : ''}`);
  return { videos, samples, tracks };
}

/**
 * The official layout has the video folders at the top of the zip; a zip made of the folder that
 * holds them (one wrapping folder) is accepted too. Returns the source and the videos present.
 */
function openPredictions(pred: string, expected: Set<string>): { source: PredSource; present: (video: string) => boolean } {
  if (!existsSync(pred)) throw new Error(`predictions ${pred} not found`);
  if (statSync(pred).isDirectory()) {
    return { source: { kind: 'dir', root: pred }, present: (v) => existsSync(path.join(pred, v)) };
  }
  const zip = ZipReader.open(pred);
  const byPrefix = new Map<string, Set<string>>();
  try {
    for (const name of zip.names()) {
      const parts = name.split('/');
      if (parts.length < 3 || !expected.has(parts[parts.length - 3])) continue;
      const prefix = parts.slice(0, -3).map((p) => `${p}/`).join('');
      let set = byPrefix.get(prefix);
      if (!set) byPrefix.set(prefix, (set = new Set()));
      set.add(parts[parts.length - 3]);
    }
  } finally {
    zip.close();
  }
  const prefixes = [...byPrefix.keys()];
  if (prefixes.length > 1 && !byPrefix.has('')) throw new Error(`${pred}: video folders appear under several folders (${prefixes.slice(0, 3).join(', ')}); put them at the top of the zip`);
  const prefix = byPrefix.has('') ? '' : (prefixes[0] ?? '');
  const videos = byPrefix.get(prefix) ?? new Set<string>();
  return { source: { kind: 'zip', file: pred, prefix }, present: (v) => videos.has(v) };
}

/** Worker threads cannot load .ts through tsx's hooks by themselves: register them first. */
function startWorker(source: PredSource): Worker {
  const entry = new URL('./eval-worker.ts', import.meta.url).href;
  const tsx = import.meta.resolve('tsx/esm/api');
  const boot = `import { register } from ${JSON.stringify(tsx)}; register(); await import(${JSON.stringify(entry)});`;
  return new Worker(new URL(`data:text/javascript,${encodeURIComponent(boot)}`), { workerData: { evalWorker: true, source } });
}

export async function runEval(opts: EvalOptions): Promise<EvalRun> {
  const started = performance.now();
  const split = await readSplit(opts.gt);
  const { source, present } = openPredictions(opts.pred, new Set(split.videos.keys()));
  const results: SampleResult[] = new Array(split.samples.length);
  const queue: number[] = [];
  let framesTotal = 0;
  split.samples.forEach((s, id) => {
    const frames = split.videos.get(s.info.video)!.frames.length;
    framesTotal += frames;
    if (present(s.info.video)) queue.push(id);
    else results[id] = missingSample(s.info, frames);
  });
  const threads = Math.max(1, Math.min(opts.threads ?? availableParallelism(), queue.length));
  let framesDone = framesTotal - queue.reduce((n, id) => n + split.videos.get(split.samples[id].info.video)!.frames.length, 0);
  opts.onProgress?.(framesDone, framesTotal);

  const taskOf = (id: number): SampleTask => {
    const s = split.samples[id];
    const v = split.videos.get(s.info.video)!;
    return { id, info: s.info, frames: v.frames, size: v.size, tracks: s.annoIds.map((a) => split.tracks.get(a)!) };
  };

  if (queue.length) {
    const workers = Array.from({ length: threads }, () => startWorker(source));
    try {
      await new Promise<void>((resolve, reject) => {
        let next = 0;
        let pending = 0;
        const feed = (w: Worker) => {
          if (next < queue.length) {
            pending++;
            w.postMessage(taskOf(queue[next++]));
          } else if (pending === 0) resolve();
        };
        for (const w of workers) {
          w.on('message', (reply: WorkerReply) => {
            pending--;
            if ('error' in reply) {
              reject(new Error(reply.error));
              return;
            }
            results[reply.id] = reply.result;
            framesDone += reply.result.frames;
            opts.onProgress?.(framesDone, framesTotal);
            feed(w);
          });
          w.on('error', reject);
          feed(w);
        }
      });
    } finally {
      await Promise.all(workers.map((w) => w.terminate()));
    }
  }
  const report = buildReport(results, opts.combined ?? DEFAULT_COMBINED);
  return { report, results, frames: framesTotal, seconds: (performance.now() - started) / 1000, threads };
}

const pct = (x: number | null) => (x === null ? '—' : (100 * x).toFixed(2));

/** The table `studio eval` prints; values ×100 like the papers. */
export function formatReport(report: EvalReport): string {
  const rows: [string, ScoreSummary | null][] = [
    ['all', report.overall],
    ['single target', report.byKind.single],
    ['multi target', report.byKind.multi],
    ['no target', report.byKind['no-target']],
  ];
  if (report.motionReasoning) rows.push(['motion reasoning', report.motionReasoning.yes], ['no motion reasoning', report.motionReasoning.no]);
  if (report.withAudio) rows.push(['with audio', report.withAudio.yes], ['without audio', report.withAudio.no]);
  const head = `${'group'.padEnd(20)}${'samples'.padStart(8)}${'frames'.padStart(9)}${'J'.padStart(8)}${'F'.padStart(8)}${'J&F'.padStart(8)}${'N-acc'.padStart(8)}${'T-acc'.padStart(8)}${'combined'.padStart(10)}`;
  const lines = [head];
  for (const [name, s] of rows) {
    if (!s) continue;
    lines.push(`${name.padEnd(20)}${String(s.samples).padStart(8)}${String(s.frames).padStart(9)}${pct(s.j).padStart(8)}${pct(s.f).padStart(8)}${pct(s.jf).padStart(8)}${pct(s.nAcc).padStart(8)}${pct(s.tAcc).padStart(8)}${pct(s.combined).padStart(10)}`);
  }
  lines.push(report.combinedDefinition);
  if (report.missingVideos.length) {
    const shown = report.missingVideos.slice(0, 10).join(', ');
    lines.push(`missing predictions for ${report.missingVideos.length} video(s), scored 0: ${shown}${report.missingVideos.length > 10 ? ', …' : ''}`);
  }
  return lines.join('\n');
}

function parseThreads(value: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

function parseWeights(value: string): CombinedFormula {
  try {
    return parseCombined(value);
  } catch (e) {
    throw new InvalidArgumentError((e as Error).message);
  }
}

export function registerEval(program: Command): void {
  program
    .command('eval')
    .description('score predictions (<video>/<exp_id>/<frame>.png, a folder or a zip) against a split with ground truth: J, F, J&F, N-acc, T-acc, breakdowns')
    .requiredOption('--gt <split-dir>', 'folder with meta_expressions.json and mask_dict.json (valid_u of a release, or valid/test of its ground-truth package)')
    .requiredOption('--pred <dir|zip>', 'prediction folder or zip, video folders at the top')
    .option('--out <file>', 'write the full report (breakdowns, per video, per sample) as JSON')
    .option('--csv <file>', 'write one row per sample as CSV')
    .option('--threads <n>', 'worker threads (default: all cores)', parseThreads)
    .option('--combined <weights>', 'weights "jf,nAcc,tAcc" of the combined score (default 1,1,1: mean of J&F, N-acc, T-acc)', parseWeights)
    .action(async (opts: { gt: string; pred: string; out?: string; csv?: string; threads?: number; combined?: CombinedFormula }) => {
      const bars = phaseBars();
      let run: EvalRun;
      try {
        run = await runEval({ ...opts, onProgress: (done, total) => bars.update({ phase: 'scoring frames', done, total }) });
      } finally {
        bars.stop();
      }
      console.log(formatReport(run.report));
      console.log(`${run.results.length} samples, ${run.frames} frames in ${run.seconds.toFixed(1)}s on ${run.threads} thread(s) (${Math.round(run.frames / run.seconds)} frames/s)`);
      if (opts.out) {
        writeFileSync(opts.out, JSON.stringify({ gt: path.resolve(opts.gt), pred: path.resolve(opts.pred), ...run.report, samples: run.results }, null, 1));
        console.log(`report: ${opts.out}`);
      }
      if (opts.csv) {
        writeFileSync(opts.csv, samplesCsv(run.results));
        console.log(`per-sample CSV: ${opts.csv}`);
      }
    });
}
