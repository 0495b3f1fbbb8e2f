import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { encode } from 'fast-png';
import sharp from 'sharp';
import { vocPalette } from './palette.ts';
import { paintBackground, planScene, renderFrame, type Motion, type ScenePlan } from './scene.ts';

/**
 * Writes the synthetic demo dataset in the DAVIS layout that the DAVIS importer reads:
 *   JPEGImages/<video>/00000.jpg …   RGB frames
 *   Annotations/<video>/00000.png …  palette PNGs, pixel value = object id (0 background)
 *   meta.json                        YouTube-VOS style categories and visible frames
 *   demo.json                        our manifest: the motion of every object
 * The same seed gives byte-identical files.
 */

export interface DemoObject {
  id: number;
  category: string;
  motion: Motion;
  pairWith?: number;
}

export interface DemoVideo {
  name: string;
  width: number;
  height: number;
  frames: number;
  objects: DemoObject[];
}

export interface DemoManifest {
  seed: number;
  fps: number;
  videos: DemoVideo[];
}

export interface DemoOptions {
  seed?: number;
  videos?: number;
  /** Frames per video; by default each video draws its own length in 40..60. */
  frames?: number;
  width?: number;
  height?: number;
  /** Called with the number of frames written so far (JPEG and PNG both on disk) and the total. */
  onProgress?: (done: number, total: number) => void;
}

export const DEMO_FPS = 12;
export const DEFAULT_DEMO_SEED = 1;
/** Frames in flight at once: enough to keep sharp's threads busy, few enough to bound memory. */
const CONCURRENCY = 4;
const JPEG = { quality: 90, chromaSubsampling: '4:2:0', mozjpeg: false, progressive: false } as const;

function checkInt(name: string, value: number, min: number, max: number): number {
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`${name} must be an integer in ${min}..${max} (got ${value})`);
  return value;
}

export async function generateDemoDataset(outDir: string, opts: DemoOptions = {}): Promise<DemoManifest> {
  const seed = checkInt('seed', opts.seed ?? DEFAULT_DEMO_SEED, 0, 2 ** 32 - 1);
  const count = checkInt('videos', opts.videos ?? 3, 1, 100);
  const width = checkInt('width', opts.width ?? 640, 160, 4096);
  const height = checkInt('height', opts.height ?? 360, 90, 4096);
  // 12 frames: enough for a full hop of the bouncing object and for the leaving one to leave.
  const frames = opts.frames === undefined ? undefined : checkInt('frames', opts.frames, 12, 1000);

  // Stale frames of an earlier run would be imported as part of these videos.
  const existing = await readdir(outDir).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return [];
    throw e;
  });
  if (existing.length > 0) throw new Error(`demo output folder ${outDir} is not empty`);

  const plans = Array.from({ length: count }, (_, i) => planScene(i, seed, { frames, width, height }));
  const total = plans.reduce((n, p) => n + p.frames, 0);
  let done = 0;
  opts.onProgress?.(0, total);

  const meta: Record<string, { objects: Record<string, { category: string; frames: string[] }> }> = {};
  for (const plan of plans) {
    const visible = await writeVideo(outDir, plan, () => opts.onProgress?.(++done, total));
    const objects: Record<string, { category: string; frames: string[] }> = {};
    for (const o of [...plan.objects].sort((a, b) => a.id - b.id)) {
      objects[String(o.id)] = { category: plan.theme.kind.category, frames: visible[o.id]! };
    }
    meta[plan.name] = { objects };
  }

  const manifest: DemoManifest = { seed, fps: DEMO_FPS, videos: plans.map(describe) };
  await writeFile(path.join(outDir, 'meta.json'), JSON.stringify({ videos: meta }, null, 2) + '\n');
  // Written last: a folder with demo.json is a complete dataset.
  await writeFile(path.join(outDir, 'demo.json'), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}

function describe(plan: ScenePlan): DemoVideo {
  const objects = [...plan.objects]
    .sort((a, b) => a.id - b.id)
    .map((o): DemoObject => ({ id: o.id, category: plan.theme.kind.category, motion: o.motion, ...(o.pairWith ? { pairWith: o.pairWith } : {}) }));
  return { name: plan.name, width: plan.width, height: plan.height, frames: plan.frames, objects };
}

export function frameName(t: number): string {
  return String(t).padStart(5, '0');
}

/** Renders and writes one video; returns, per object id, the names of the frames it is visible on. */
async function writeVideo(outDir: string, plan: ScenePlan, tick: () => void): Promise<string[][]> {
  const jpegDir = path.join(outDir, 'JPEGImages', plan.name);
  const maskDir = path.join(outDir, 'Annotations', plan.name);
  await mkdir(jpegDir, { recursive: true });
  await mkdir(maskDir, { recursive: true });
  const background = paintBackground(plan);
  const palette = vocPalette();
  const present: boolean[][] = plan.objects.map(() => new Array<boolean>(plan.frames).fill(false));
  const ids = plan.objects.map((o) => o.id);
  const maxId = Math.max(...ids);

  await eachBounded(plan.frames, CONCURRENCY, async (t) => {
    const { rgb, labels } = renderFrame(plan, background, t);
    const seen = new Uint8Array(maxId + 1);
    for (let i = 0; i < labels.length; i++) seen[labels[i]!] = 1;
    plan.objects.forEach((o, k) => (present[k]![t] = seen[o.id] === 1));
    const png = encode({ width: plan.width, height: plan.height, data: labels, depth: 8, channels: 1, palette });
    const jpg = await sharp(rgb, { raw: { width: plan.width, height: plan.height, channels: 3 } })
      .jpeg(JPEG)
      .toBuffer();
    const name = frameName(t);
    await Promise.all([writeFile(path.join(jpegDir, `${name}.jpg`), jpg), writeFile(path.join(maskDir, `${name}.png`), png)]);
    tick();
  });

  const visible: string[][] = [];
  plan.objects.forEach((o, k) => {
    visible[o.id] = present[k]!.flatMap((p, t) => (p ? [frameName(t)] : []));
  });
  return visible;
}

/**
 * Runs task(0..n-1) with at most `limit` in flight. After a failure no new task starts, and the
 * error is thrown only once the running ones have settled, so no write outlives the call.
 */
async function eachBounded(n: number, limit: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const worker = async () => {
    while (!failed && next < n) {
      const i = next++;
      try {
        await task(i);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  const results = await Promise.allSettled(Array.from({ length: Math.min(limit, n) }, worker));
  const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failure) throw failure.reason;
}
