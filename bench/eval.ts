/**
 * Evaluator throughput on a valid_u-sized split (npm run bench:eval): 50 videos, 907 expressions,
 * 1280×720, 40–100 frames per video, with one prediction PNG per (expression, frame). The split
 * and the predictions are generated once into the temp folder (seeded, so the same every time) and
 * reused by later runs; only the scoring is timed. The last line is machine-readable.
 *
 *   tsx bench/eval.ts [--quick] [--threads n] [--dir path]
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { mulberry32 } from '#shared/prng.ts';
import { encodeMask } from '#shared/rle/index.ts';
import { formatReport, runEval } from '../server/src/cli/eval.ts';
import { pngChunk } from '../server/src/testing/png-chunk.ts';

const args = process.argv.slice(2);
const opt = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const QUICK = args.includes('--quick');
const VIDEOS = QUICK ? 5 : 50;
const EXPRESSIONS = QUICK ? 90 : 907;
const W = 1280;
const H = 720;
const SEED = 2026;
const dir = opt('--dir') ?? path.join(tmpdir(), `mevis-bench-eval-${VIDEOS}x${EXPRESSIONS}-${W}x${H}-s${SEED}`);
const threads = opt('--threads') ? Number(opt('--threads')) : undefined;

interface Ellipse { cx: number; cy: number; rx: number; ry: number; vx: number; vy: number }

function ellipseAt(e: Ellipse, f: number, dx = 0, dy = 0) {
  return { cx: e.cx + e.vx * f + 30 * Math.sin(f / 9 + e.rx) + dx, cy: e.cy + e.vy * f + dy, rx: e.rx, ry: e.ry };
}

/** Paints into a row-major buffer with `stride` bytes per row starting at `offset` (PNG rows have a filter byte). */
function paint(buf: Uint8Array, stride: number, offset: number, e: { cx: number; cy: number; rx: number; ry: number }, value: number) {
  const y0 = Math.max(0, Math.ceil(e.cy - e.ry));
  const y1 = Math.min(H - 1, Math.floor(e.cy + e.ry));
  for (let y = y0; y <= y1; y++) {
    const t = (y - e.cy) / e.ry;
    const half = e.rx * Math.sqrt(Math.max(0, 1 - t * t));
    const x0 = Math.max(0, Math.ceil(e.cx - half));
    const x1 = Math.min(W - 1, Math.floor(e.cx + half));
    if (x1 >= x0) buf.fill(value, offset + y * stride + x0, offset + y * stride + x1 + 1);
  }
}

const chunk = pngChunk;

/** An 8-bit grey PNG from rows that already carry filter byte 0 (what official inference writes: 0/255 'L'). */
function png(raw: Uint8Array): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(W, 0);
  ihdr.writeUInt32BE(H, 4);
  ihdr[8] = 8;
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 1 })), chunk('IEND', new Uint8Array(0))]);
}

function generate(): { samples: number; frames: number } {
  const rnd = mulberry32(SEED);
  const split = path.join(dir, 'valid_u');
  const predRoot = path.join(dir, 'pred');
  mkdirSync(split, { recursive: true });
  const videos: Record<string, unknown> = {};
  const maskDict: string[] = [];
  const mask = new Uint8Array(W * H);
  const raw = new Uint8Array(H * (W + 1));
  let annoNext = 1;
  let samples = 0;
  let frames = 0;
  const started = performance.now();
  for (let v = 0; v < VIDEOS; v++) {
    const name = `bench${String(v).padStart(3, '0')}`;
    const nFrames = 40 + Math.floor(rnd() * 61);
    const frameNames = Array.from({ length: nFrames }, (_, i) => String(i).padStart(5, '0'));
    const objects: Ellipse[] = Array.from({ length: 2 + Math.floor(rnd() * 5) }, () => ({
      cx: 100 + rnd() * (W - 200), cy: 100 + rnd() * (H - 200), rx: 20 + rnd() * 120, ry: 20 + rnd() * 90, vx: (rnd() - 0.5) * 6, vy: (rnd() - 0.5) * 3,
    }));
    const annoIds = objects.map(() => String(annoNext++));
    objects.forEach((o, k) => {
      const track = frameNames.map((_, f) => {
        mask.fill(0);
        paint(mask, W, 0, ellipseAt(o, f), 1);
        const rle = encodeMask(mask, H, W);
        return `{"size":[${H},${W}],"counts":${JSON.stringify(rle.counts)}}`;
      });
      maskDict.push(`${JSON.stringify(annoIds[k])}:[${track.join(',')}]`);
    });
    const nExp = Math.floor(EXPRESSIONS / VIDEOS) + (v < EXPRESSIONS % VIDEOS ? 1 : 0);
    const expressions: Record<string, unknown> = {};
    for (let e = 0; e < nExp; e++) {
      const r = rnd();
      const count = r < 0.1 ? 0 : r < 0.7 ? 1 : Math.min(objects.length, 2 + Math.floor(rnd() * 2));
      const targets = [...objects.keys()].sort(() => rnd() - 0.5).slice(0, count).sort((a, b) => a - b);
      expressions[String(e)] = {
        exp: `synthetic expression ${e}`, obj_id: targets, anno_id: targets.map((t) => annoIds[t]),
        motion_reasoning: rnd() < 0.3, audio: rnd() < 0.5 ? `audio/valid_u/${name}/${e}.wav` : null,
      };
      // A plausible method: the right objects a few pixels off, now and then a wrong one or nothing.
      const dx = Math.round((rnd() - 0.5) * 16);
      const dy = Math.round((rnd() - 0.5) * 10);
      const wrong = rnd() < 0.15 ? Math.floor(rnd() * objects.length) : -1;
      const silent = count === 0 && rnd() < 0.7;
      const out = path.join(predRoot, name, String(e));
      mkdirSync(out, { recursive: true });
      for (let f = 0; f < nFrames; f++) {
        raw.fill(0);
        if (!silent) {
          for (const t of targets) paint(raw, W + 1, 1, ellipseAt(objects[t], f, dx, dy), 255);
          if (wrong >= 0 && f % 3 === 0) paint(raw, W + 1, 1, ellipseAt(objects[wrong], f), 255);
        }
        writeFileSync(path.join(out, `${frameNames[f]}.png`), png(raw));
      }
      samples++;
      frames += nFrames;
    }
    videos[name] = { frames: frameNames, expressions };
    process.stderr.write(`\rgenerating: video ${v + 1}/${VIDEOS}, ${frames} prediction frames, ${((performance.now() - started) / 1000).toFixed(0)} s`);
  }
  process.stderr.write('\n');
  writeFileSync(path.join(split, 'meta_expressions.json'), JSON.stringify({ videos }));
  writeFileSync(path.join(split, 'mask_dict.json'), `{${maskDict.join(',')}}`);
  const info = { samples, frames };
  writeFileSync(path.join(dir, 'done.json'), JSON.stringify(info));
  return info;
}

async function main() {
  let info: { samples: number; frames: number };
  if (existsSync(path.join(dir, 'done.json'))) {
    info = JSON.parse(readFileSync(path.join(dir, 'done.json'), 'utf8')) as typeof info;
    console.log(`reusing ${dir} (${info.samples} samples, ${info.frames} frames)`);
  } else {
    rmSync(dir, { recursive: true, force: true });
    info = generate();
    console.log(`generated ${dir}`);
  }
  const run = await runEval({
    gt: path.join(dir, 'valid_u'),
    pred: path.join(dir, 'pred'),
    threads,
    onProgress: (done, total) => process.stderr.write(`\rscoring: ${done}/${total} frames`),
  });
  process.stderr.write('\n');
  console.log(formatReport(run.report));
  const rssMb = process.resourceUsage().maxRSS / 1024;
  console.log(`${run.threads} worker thread(s); seconds include reading the split and starting the workers`);
  console.log(`bench:eval samples=${run.results.length} frames=${run.frames} seconds=${run.seconds.toFixed(2)} frames_per_s=${Math.round(run.frames / run.seconds)} peak_rss_mb=${Math.round(rssMb)}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
