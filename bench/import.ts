/**
 * bench:import — the MeViS importer at MeViSv2 scale, beside a running server.
 *   1. A child process writes a synthetic MeViS-layout train split into a temp dir
 *      (bench/lib/mevis-split.ts: 1,662 videos, ~78 frames each, ~28k expressions, a ~400 MB
 *      mask_dict.json), so generation never shares a heap with anything measured.
 *   2. The real server starts on a throw-away data dir (`node --import tsx server/src/index.ts`).
 *   3. The real CLI imports the split into that data dir (`server/src/cli/index.ts import <split>
 *      --format mevis`, what `npm run studio -- import` runs, without the npm and tsx wrapper
 *      processes so the memory figure is the importer's own). Wall time from spawn to exit; peak RSS
 *      from the kernel's high-water mark (GNU time's maxrss when /usr/bin/time exists, else
 *      /proc/<pid>/status VmHWM polled), RSS printed as it goes.
 *   4. Meanwhile /healthz of the server is asked one request at a time (every 20 ms): its p50/p99
 *      and failures while the import runs, against a few seconds before it.
 * Targets on a 2-core machine (reported, not asserted): < 300 s and < 1 GiB peak RSS. Last line:
 *   bench:import videos=<n> masks=<n> mask_dict_mb=<n> seconds=<s> peak_rss_mb=<n>
 * Flags: --videos N (default 1662), --keep (leave the temp dir, split included),
 * --split DIR (import a split a --keep run left, skipping generation), --distinct-frames (every
 * frame its own bytes: one store file, with its fsyncs, per frame).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { repoRoot } from '../server/src/paths.ts';
import { reportResult, runChild } from './lib/child.ts';
import { CrashServer, freePort } from './lib/crash-server.ts';
import { writeMevisSplit, type SplitCounts } from './lib/mevis-split.ts';
import { fmtInt } from './lib/timing.ts';

const SELF = fileURLToPath(import.meta.url);
const TARGET_SECONDS = 300;
const TARGET_RSS_MB = 1024;
const HEALTH_EVERY_MS = 20;
const GNU_TIME = '/usr/bin/time';

const log = (s: string) => process.stderr.write(`${s}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function argValue(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}

// ---- child: generation ----

async function generate(splitDir: string, args: string[]): Promise<SplitCounts & { seconds: number }> {
  const videos = Number(argValue(args, '--videos') ?? 1662);
  if (!Number.isInteger(videos) || videos < 1) throw new Error(`bad --videos ${videos}`);
  const t0 = performance.now();
  const counts = await writeMevisSplit(splitDir, {
    videos,
    distinctFrames: args.includes('--distinct-frames'),
    onProgress: (done, total) => {
      if (done % 200 === 0 || done === total) log(`  generate: ${done}/${total} videos, ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    },
  });
  const result = { ...counts, seconds: (performance.now() - t0) / 1000 };
  // A later run with --split reads the counts back from here.
  writeFileSync(path.join(splitDir, 'bench-split.json'), JSON.stringify(result));
  return result;
}

// ---- /healthz, one request at a time ----

class HealthProbe {
  readonly latencies: number[] = [];
  failures = 0;
  private running = false;
  private loop: Promise<void> = Promise.resolve();
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

  constructor(private readonly port: number) {}

  private once(): Promise<void> {
    const t0 = performance.now();
    return new Promise((resolve) => {
      const req = http.get({ host: '127.0.0.1', port: this.port, path: '/healthz', agent: this.agent, timeout: 10_000 }, (res) => {
        res.resume();
        res.on('end', () => {
          if (res.statusCode === 200) this.latencies.push(performance.now() - t0);
          else this.failures++;
          resolve();
        });
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', () => {
        this.failures++;
        resolve();
      });
    });
  }

  start(): void {
    this.running = true;
    this.loop = (async () => {
      while (this.running) {
        await this.once();
        await sleep(HEALTH_EVERY_MS);
      }
    })();
  }

  async stop(): Promise<{ n: number; p50: number; p99: number; max: number; failures: number }> {
    this.running = false;
    await this.loop;
    this.agent.destroy();
    const xs = [...this.latencies].sort((a, b) => a - b);
    const q = (p: number) => (xs.length ? xs[Math.min(xs.length - 1, Math.floor(p * xs.length))]! : NaN);
    return { n: xs.length, p50: q(0.5), p99: q(0.99), max: xs.at(-1) ?? NaN, failures: this.failures };
  }
}

// ---- the measured import ----

function procStatusKb(pid: number, field: 'VmHWM' | 'VmRSS' | 'RssAnon' | 'RssFile'): number | null {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : null;
  } catch {
    return null;
  }
}

/** The importer's node process: the child itself, or GNU time's child. */
function nodePid(pid: number, wrapped: boolean): number | null {
  if (!wrapped) return pid;
  try {
    const kids = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean);
    return kids.length ? Number(kids[0]) : null;
  } catch {
    return null;
  }
}

interface ImportRun {
  seconds: number;
  /** User + system CPU of the importer (null without /usr/bin/time). */
  cpuSeconds: number | null;
  peakRssMb: number;
  /** Peaks of the two parts of RSS as polled (each may peak at another moment). */
  peakAnonMb: number;
  peakFileMb: number;
  rssSource: string;
  summary: string;
  masks: number;
  videosAdded: number;
  output: string;
}

async function runImport(split: string, dataDir: string, workDir: string): Promise<ImportRun> {
  const cli = [process.execPath, '--import', 'tsx', path.join(repoRoot, 'server/src/cli/index.ts'), 'import', split, '--format', 'mevis'];
  const wrapped = existsSync(GNU_TIME);
  const timeFile = path.join(workDir, 'import.time');
  // maxrss in KiB, then user and system CPU seconds: on a shared machine the CPU time says what
  // the import costs when the wall time says mostly how busy the other processes kept the cores.
  const cmd = wrapped ? [GNU_TIME, '-f', '%M %U %S', '-o', timeFile, ...cli] : cli;
  const t0 = performance.now();
  const child = spawn(cmd[0]!, cmd.slice(1), { cwd: repoRoot, env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  let hwmKb = 0;
  let rssKb = 0;
  // RSS is heap and buffers (anonymous) plus file pages mapped in: SQLite maps up to 256 MB of the
  // database per connection (mmap_size), which counts in RSS but is the page cache's to reclaim.
  let anonKb = 0;
  let fileKb = 0;
  const elapsed = () => ((performance.now() - t0) / 1000).toFixed(1).padStart(6);
  const onData = (d: Buffer) => {
    const text = d.toString('utf8');
    output += text;
    for (const line of text.split('\n')) if (line.trim()) log(`  [${elapsed()} s, rss ${(rssKb / 1024).toFixed(0)} MB] ${line.trim()}`);
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  let lastPrint = 0;
  const poll = setInterval(() => {
    const pid = nodePid(child.pid!, wrapped);
    if (pid === null) return;
    rssKb = procStatusKb(pid, 'VmRSS') ?? rssKb;
    hwmKb = Math.max(hwmKb, procStatusKb(pid, 'VmHWM') ?? 0);
    anonKb = Math.max(anonKb, procStatusKb(pid, 'RssAnon') ?? 0);
    fileKb = Math.max(fileKb, procStatusKb(pid, 'RssFile') ?? 0);
    if (performance.now() - lastPrint > 15_000) {
      lastPrint = performance.now();
      log(`  [${elapsed()} s] importer rss ${(rssKb / 1024).toFixed(0)} MB, peak so far ${(hwmKb / 1024).toFixed(0)} MB (anonymous ${(anonKb / 1024).toFixed(0)}, file-backed ${(fileKb / 1024).toFixed(0)})`);
    }
  }, 100);
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  clearInterval(poll);
  const seconds = (performance.now() - t0) / 1000;
  if (code !== 0) throw new Error(`import failed (exit ${code}):\n${output.slice(-4000)}`);
  let peakKb = hwmKb;
  let rssSource = 'VmHWM polled every 100 ms';
  let cpuSeconds: number | null = null;
  if (wrapped) {
    const [maxrss, user, sys] = readFileSync(timeFile, 'utf8').trim().split('\n').at(-1)!.split(' ').map(Number);
    peakKb = maxrss!;
    cpuSeconds = user! + sys!;
    rssSource = 'maxrss from /usr/bin/time';
  }
  const summary = output.split('\n').find((l) => l.startsWith('import ')) ?? '';
  const m = /(\d+) videos added.*?(\d+) masks/.exec(summary);
  return { seconds, cpuSeconds, peakRssMb: peakKb / 1024, peakAnonMb: anonKb / 1024, peakFileMb: fileKb / 1024, rssSource, summary, videosAdded: Number(m?.[1] ?? 0), masks: Number(m?.[2] ?? 0), output };
}

// ---- parent ----

async function main() {
  const args = process.argv.slice(2);
  if (args[0] === '--generate') {
    reportResult(await generate(args[1]!, args.slice(2)));
    return;
  }
  const keep = args.includes('--keep');
  const given = argValue(args, '--split');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-import-'));
  const split = given ? path.resolve(given) : path.join(dir, 'train');
  const dataDir = path.join(dir, 'data');
  mkdirSync(dataDir);
  let server: CrashServer | null = null;
  try {
    let gen: SplitCounts & { seconds: number };
    if (given) {
      gen = JSON.parse(readFileSync(path.join(split, 'bench-split.json'), 'utf8')) as typeof gen;
      log(`using the split in ${split}`);
    } else {
      log(`generating a MeViS-layout train split in ${split} …`);
      gen = await runChild<typeof gen>(SELF, ['--generate', split, ...args.filter((a) => a !== '--keep')]);
    }
    const maskDictMb = gen.maskDictBytes / 2 ** 20;
    console.log(
      `split:    ${fmtInt(gen.videos)} videos, ${fmtInt(gen.frames)} frames (${(gen.frames / gen.videos).toFixed(1)} a video), ${fmtInt(gen.objects)} objects, ` +
        `${fmtInt(gen.masks)} masks, ${fmtInt(gen.expressions)} expressions; mask_dict.json ${maskDictMb.toFixed(0)} MB, ` +
        `meta_expressions.json ${(gen.metaBytes / 2 ** 20).toFixed(1)} MB${given ? '' : ` (generated in ${gen.seconds.toFixed(1)} s)`}`,
    );

    const port = await freePort();
    server = new CrashServer({ dataDir, port, demo: false, logFile: path.join(dir, 'server.log') });
    await server.start();
    const idle = new HealthProbe(port);
    idle.start();
    await sleep(3000);
    const before = await idle.stop();
    log(`server on :${port}; importing …`);

    const probe = new HealthProbe(port);
    probe.start();
    // The machine may be shared: its load says how far the figures are the importer's own.
    const loadBefore = os.loadavg()[0]!;
    const run = await runImport(split, dataDir, dir);
    const loadAfter = os.loadavg()[0]!;
    const during = await probe.stop();
    await server.stop();
    server = null;

    const fmtMs = (x: number) => `${x.toFixed(1)} ms`;
    console.log(`importer: ${run.summary}`);
    console.log(
      `wall:     ${run.seconds.toFixed(1)} s from spawn to exit (target < ${TARGET_SECONDS} s: ${run.seconds < TARGET_SECONDS ? 'met' : 'MISSED'})` +
        (run.cpuSeconds === null ? '' : `; importer CPU ${run.cpuSeconds.toFixed(1)} s (user + system)`),
    );
    console.log(`memory:   peak RSS ${run.peakRssMb.toFixed(0)} MB (${run.rssSource}; polled peaks: anonymous ${run.peakAnonMb.toFixed(0)} MB, file-backed ${run.peakFileMb.toFixed(0)} MB) (target < ${TARGET_RSS_MB} MB: ${run.peakRssMb < TARGET_RSS_MB ? 'met' : 'MISSED'})`);
    console.log(`/healthz: before p50 ${fmtMs(before.p50)} p99 ${fmtMs(before.p99)} (${before.n} requests); during the import p50 ${fmtMs(during.p50)} p99 ${fmtMs(during.p99)} max ${fmtMs(during.max)} (${during.n} requests, ${during.failures} failed)`);
    console.log(`machine:  ${os.cpus().length} cores, load average (1 min) ${loadBefore.toFixed(1)} when the import started, ${loadAfter.toFixed(1)} when it ended`);
    console.log(`rates:    ${fmtInt(gen.masks / run.seconds)} masks/s, ${fmtInt(gen.frames / run.seconds)} frames/s, ${(maskDictMb / run.seconds).toFixed(1)} MB/s of mask_dict.json`);
    if (run.videosAdded !== gen.videos || run.masks !== gen.masks) console.log(`WARNING: imported ${run.videosAdded} videos / ${run.masks} masks, generated ${gen.videos} / ${gen.masks}`);
    if (during.failures > 0) console.log(`WARNING: /healthz failed ${during.failures} time(s) during the import`);
    console.log(`bench:import videos=${run.videosAdded} masks=${run.masks} mask_dict_mb=${maskDictMb.toFixed(0)} seconds=${run.seconds.toFixed(1)} peak_rss_mb=${run.peakRssMb.toFixed(0)}`);
  } finally {
    if (server) await server.stop();
    if (keep) log(`kept ${dir}${given ? '' : ` (split: ${split}; again with --split ${split})`}`);
    else {
      rmSync(dir, { recursive: true, force: true });
      log(`removed ${dir}`);
    }
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
