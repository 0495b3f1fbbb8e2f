/**
 * bench:export — a release export at full MeViS scale. Three processes, so generation never
 * inflates the export's memory figure:
 *   1. this one (the parent) makes a temp DATA_DIR and spawns
 *   2. `export.ts --generate <dataDir>`: builds the synthetic database (bench/lib/scale-db.ts), then
 *   3. `export.ts --export <dataDir> <outDir>`: createRelease + writeRelease, timed, with the peak
 *      RSS taken from the kernel's high-water mark (VmHWM; writeRelease is synchronous, so a timer
 *      sampling RSS would never fire while it runs).
 * Targets on a 2-core machine (reported, not asserted): < 120 s and < 1 GiB. Last line:
 *   bench:export seconds=<s> peak_rss_mb=<mb> masks=<n> expressions=<n>
 * Flags: --keep (leave the temp dir), --size WxH (frame and mask size, default 64x48),
 * --videos N (scale everything down or up from 2,006 videos).
 * BENCH_PROFILE=<dir> writes a V8 CPU profile of the export process there.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import { openApp } from '../server/src/app.ts';
import { loadConfig } from '../server/src/config.ts';
import { sqliteOf } from '../server/src/testing/app.ts';
import { createRelease } from '../server/src/services/export/plan.ts';
import { writeRelease } from '../server/src/services/export/write.ts';
import { buildScaleDb, type ScaleCounts } from './lib/scale-db.ts';
import { fmtInt } from './lib/timing.ts';
import { reportResult, runChild as runChildProcess } from './lib/child.ts';

const SELF = fileURLToPath(import.meta.url);
const TARGET_SECONDS = 120;
const TARGET_RSS_MB = 1024;

const log = (s: string) => process.stderr.write(`${s}\n`);
const secs = (ms: number) => (ms / 1000).toFixed(1);

/** A line of /proc/self/status in MiB (VmHWM: peak resident set, VmRSS: current). */
function procStatusMb(field: 'VmHWM' | 'VmRSS'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync('/proc/self/status', 'utf8'));
  if (!m) throw new Error(`no ${field} in /proc/self/status`);
  return Number(m[1]) / 1024;
}

function openBenchApp(dataDir: string) {
  return openApp(loadConfig({ DATA_DIR: dataDir, STUDIO_DEMO: '0', LOG_LEVEL: 'silent' }), { log: pino({ level: 'silent' }) });
}

function argValue(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}

// ---- child 1: generation ----

interface GenerateResult {
  seconds: number;
  counts: ScaleCounts;
  dbMb: number;
}

async function generate(dataDir: string, args: string[]): Promise<GenerateResult> {
  const size = argValue(args, '--size') ?? '64x48';
  const [width, height] = size.split('x').map(Number);
  const videos = Number(argValue(args, '--videos') ?? 2006);
  if (!(width! > 0 && height! > 0 && videos > 0)) throw new Error(`bad --size ${size} or --videos ${videos}`);
  const app = await openBenchApp(dataDir);
  const t0 = performance.now();
  const counts = await buildScaleDb(app, {
    videos,
    width,
    height,
    onProgress: (done, total) => log(`  generate: ${done}/${total} videos, ${secs(performance.now() - t0)} s`),
  });
  const seconds = (performance.now() - t0) / 1000;
  await app.close();
  return { seconds, counts, dbMb: statSync(path.join(dataDir, 'studio.db')).size / 2 ** 20 };
}

// ---- child 2: the measured export ----

interface ExportRun {
  planSeconds: number;
  writeSeconds: number;
  /** Of writeSeconds: from the last video to the end (stats, README, manifest). */
  finishingSeconds: number;
  /** Seconds spent on the videos of each split, in export order. */
  splitSeconds: Record<string, number>;
  files: number;
  bytes: number;
  masks: number;
  expressions: number;
  videos: number;
  frames: number;
  trainMaskDictBytes: number;
  rssBeforeMb: number;
  hwmBeforeMb: number;
  /** VmHWM when the last video was done, before stats, README and manifest. */
  hwmVideosMb: number;
  peakRssMb: number;
}

async function runExport(dataDir: string, outDir: string): Promise<ExportRun> {
  const app = await openBenchApp(dataDir);
  const hwmBeforeMb = procStatusMb('VmHWM');
  const rssBeforeMb = procStatusMb('VmRSS');

  const t0 = performance.now();
  const release = await createRelease(app.db, { notes: 'bench:export' }, null);
  const t1 = performance.now();
  log(`  createRelease: ${secs(t1 - t0)} s`);

  // Which split each video falls in, to time the splits from the progress calls.
  const splitOfVideo = sqliteOf(app)
    .prepare<[number], { split: string }>(`select rv.split from release_videos rv join videos v on v.id = rv.video_id where rv.release_id = ? order by v.name`)
    .all(release.id)
    .map((r) => r.split);
  const order = ['train', 'valid_u', 'valid', 'test'];
  const sequence = order.flatMap((s) => splitOfVideo.filter((x) => x === s));
  const splitSeconds: Record<string, number> = {};
  let last = t1;
  let finishingAt = t1;
  let hwmVideosMb = 0;
  const written = await writeRelease(app.db, app.store, release, outDir, (p) => {
    const now = performance.now();
    if (p.phase === 'videos') {
      const split = sequence[p.done - 1]!;
      splitSeconds[split] = (splitSeconds[split] ?? 0) + (now - last) / 1000;
      last = now;
      if (p.done % 200 === 0 || p.done === p.total) {
        log(`  export: ${p.done}/${p.total} videos (${split}), ${secs(now - t1)} s, rss ${procStatusMb('VmRSS').toFixed(0)} MB`);
      }
    } else if (p.phase === 'finishing') {
      finishingAt = now;
      hwmVideosMb = procStatusMb('VmHWM');
    }
  });
  const t2 = performance.now();
  const peakRssMb = procStatusMb('VmHWM');
  log(`  writeRelease: ${secs(t2 - t1)} s (finishing ${secs(t2 - finishingAt)} s)`);

  const stats = JSON.parse(readFileSync(path.join(written.dir, 'stats.json'), 'utf8')) as { total: { masks: number; expressions: number; videos: number; frames: number } };
  await app.close();
  return {
    planSeconds: (t1 - t0) / 1000,
    writeSeconds: (t2 - t1) / 1000,
    finishingSeconds: (t2 - finishingAt) / 1000,
    splitSeconds,
    files: written.files,
    bytes: written.bytes,
    masks: stats.total.masks,
    expressions: stats.total.expressions,
    videos: stats.total.videos,
    frames: stats.total.frames,
    trainMaskDictBytes: statSync(path.join(written.dir, 'train', 'mask_dict.json')).size,
    rssBeforeMb,
    hwmBeforeMb,
    hwmVideosMb,
    peakRssMb,
  };
}

// ---- parent ----

const runChild = <T>(args: string[]) =>
  runChildProcess<T>(SELF, args, { nodeArgs: args[0] === '--export' && process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.BENCH_PROFILE)}`] : [] });

async function main() {
  const args = process.argv.slice(2);
  if (args[0] === '--generate') {
    reportResult(await generate(args[1]!, args.slice(2)));
    return;
  }
  if (args[0] === '--export') {
    reportResult(await runExport(args[1]!, args[2]!));
    return;
  }

  const keep = args.includes('--keep');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-export-'));
  const dataDir = path.join(dir, 'data');
  const outDir = path.join(dir, 'release');
  mkdirSync(dataDir);
  try {
    log(`generating a MeViS-scale database in ${dataDir} …`);
    const tGen = performance.now();
    const gen = await runChild<GenerateResult>(['--generate', dataDir, ...args.filter((a) => a !== '--keep')]);
    const c = gen.counts;
    console.log(
      `generate: ${gen.seconds.toFixed(1)} s, ${fmtInt(c.videos)} videos, ${fmtInt(c.frames)} frames, ${fmtInt(c.objects)} objects, ${fmtInt(c.masks)} masks, ` +
        `${fmtInt(c.expressions)} expressions (single ${fmtInt(c.single)}, multi ${fmtInt(c.multi)}, none ${fmtInt(c.none)}), ` +
        `${c.storeFiles} distinct JPEGs, ${c.rlePool} pooled RLEs, db ${gen.dbMb.toFixed(0)} MB`,
    );

    const genWall = (performance.now() - tGen) / 1000;
    log(`exporting into ${outDir} (fresh process) …`);
    const tEx = performance.now();
    const ex = await runChild<ExportRun>(['--export', dataDir, outDir]);
    const exWall = (performance.now() - tEx) / 1000;
    console.log(`processes:     generate child ${genWall.toFixed(1)} s, export child ${exWall.toFixed(1)} s wall (start-up and exit included)`);
    const seconds = ex.planSeconds + ex.writeSeconds;
    const gb = ex.bytes / 1e9;
    console.log(`createRelease: ${ex.planSeconds.toFixed(2)} s`);
    console.log(`writeRelease:  ${ex.writeSeconds.toFixed(2)} s (finishing: stats, README, manifest ${ex.finishingSeconds.toFixed(2)} s)`);
    console.log(`  per split:   ${Object.entries(ex.splitSeconds).map(([s, t]) => `${s} ${t.toFixed(1)} s`).join(', ')}`);
    console.log(`export total:  ${seconds.toFixed(2)} s (target < ${TARGET_SECONDS} s: ${seconds < TARGET_SECONDS ? 'met' : 'MISSED'})`);
    console.log(`written:       ${fmtInt(ex.files)} files, ${gb.toFixed(3)} GB (${(gb / seconds).toFixed(3)} GB/s)`);
    console.log(`throughput:    ${fmtInt(ex.masks / seconds)} masks/s, ${fmtInt(ex.frames / seconds)} frames/s, ${fmtInt(ex.expressions / seconds)} expressions/s, ${(ex.videos / seconds).toFixed(1)} videos/s`);
    console.log(`train/mask_dict.json: ${(ex.trainMaskDictBytes / 2 ** 20).toFixed(1)} MB`);
    console.log(
      `memory:        peak RSS ${ex.peakRssMb.toFixed(0)} MB (VmHWM of the export process; ${ex.rssBeforeMb.toFixed(0)} MB RSS after start-up, ` +
        `${ex.hwmVideosMb.toFixed(0)} MB after the last video) (target < ${TARGET_RSS_MB} MB: ${ex.peakRssMb < TARGET_RSS_MB ? 'met' : 'MISSED'})`,
    );
    if (ex.masks !== c.masks || ex.expressions !== c.expressions) {
      console.log(`WARNING: exported ${ex.masks} masks / ${ex.expressions} expressions, generated ${c.masks} / ${c.expressions}`);
    }
    console.log(`bench:export seconds=${seconds.toFixed(2)} peak_rss_mb=${ex.peakRssMb.toFixed(0)} masks=${ex.masks} expressions=${ex.expressions}`);
  } finally {
    if (keep) log(`kept ${dir}`);
    else {
      const t = performance.now();
      rmSync(dir, { recursive: true, force: true });
      log(`removed ${dir} in ${secs(performance.now() - t)} s`);
    }
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
