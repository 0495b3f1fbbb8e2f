import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { decode } from 'fast-png';
import { imageSize } from 'image-size';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoDataset, type DemoManifest, type DemoVideo } from './generate.ts';
import { vocPalette } from './palette.ts';
import { paintBackground, planScene, renderFrame } from './scene.ts';

const SEED = 4242;
const OTHER_SEED = 4243;

async function listFiles(root: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(path.join(root, rel), { withFileTypes: true })) {
    const r = path.posix.join(rel, e.name);
    if (e.isDirectory()) out.push(...(await listFiles(root, r)));
    else out.push(r);
  }
  return out.sort();
}

async function hashes(root: string): Promise<Map<string, string>> {
  const m = new Map<string, string>();
  for (const f of await listFiles(root)) m.set(f, createHash('sha256').update(await readFile(path.join(root, f))).digest('hex'));
  return m;
}

interface Masks {
  video: DemoVideo;
  /** Decoded labels per frame. */
  labels: Uint8Array[];
}

function pixelsOf(labels: Uint8Array, id: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < labels.length; i++) if (labels[i] === id) out.push(i);
  return out;
}

function centroid(labels: Uint8Array, width: number, id: number): { x: number; y: number; n: number } {
  let sx = 0;
  let sy = 0;
  let n = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] !== id) continue;
    sx += i % width;
    sy += Math.floor(i / width);
    n++;
  }
  return { x: sx / n, y: sy / n, n };
}

function only(video: DemoVideo, motion: string): number[] {
  return video.objects.filter((o) => o.motion === motion).map((o) => o.id);
}

describe('generateDemoDataset', () => {
  let tmp: string;
  let dirA: string;
  let manifest: DemoManifest;
  let masks: Masks[];
  const progress: [number, number][] = [];

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'demo-gen-'));
    dirA = path.join(tmp, 'a');
    manifest = await generateDemoDataset(dirA, { seed: SEED, onProgress: (d, t) => progress.push([d, t]) });
    masks = [];
    for (const video of manifest.videos) {
      const labels: Uint8Array[] = [];
      for (let t = 0; t < video.frames; t++) {
        const png = decode(await readFile(path.join(dirA, 'Annotations', video.name, `${String(t).padStart(5, '0')}.png`)));
        labels.push(png.data as Uint8Array);
      }
      masks.push({ video, labels });
    }
  });

  afterAll(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it('reports progress per written frame', () => {
    const total = manifest.videos.reduce((n, v) => n + v.frames, 0);
    expect(progress[0]).toEqual([0, total]);
    expect(progress.map((p) => p[0])).toEqual(Array.from({ length: total + 1 }, (_, i) => i));
    expect(progress.every((p) => p[1] === total)).toBe(true);
  });

  it('describes three distinct videos with look-alike objects and every motion', async () => {
    expect(manifest.seed).toBe(SEED);
    expect(manifest.fps).toBe(12);
    expect(manifest.videos).toHaveLength(3);
    expect(new Set(manifest.videos.map((v) => v.name)).size).toBe(3);
    const onDisk = JSON.parse(await readFile(path.join(dirA, 'demo.json'), 'utf8')) as DemoManifest;
    expect(onDisk).toEqual(manifest);
    for (const v of manifest.videos) {
      expect(v.name).toMatch(/^demo-[a-z0-9-]+$/);
      expect([v.width, v.height]).toEqual([640, 360]);
      expect(v.frames).toBeGreaterThanOrEqual(40);
      expect(v.frames).toBeLessThanOrEqual(60);
      expect(v.objects.length).toBeGreaterThanOrEqual(4);
      expect(v.objects.length).toBeLessThanOrEqual(8);
      expect(v.objects.map((o) => o.id)).toEqual(v.objects.map((_, i) => i + 1));
      // Look-alikes: one category per video.
      expect(new Set(v.objects.map((o) => o.category)).size).toBe(1);
      const motions = v.objects.map((o) => o.motion);
      for (const m of ['bounce', 'static', 'exit'] as const) expect(motions.filter((x) => x === m)).toHaveLength(1);
      expect(motions.filter((m) => m === 'pair')).toHaveLength(2);
      expect(motions.some((m) => m === 'left' || m === 'right')).toBe(true);
      const [p, q] = v.objects.filter((o) => o.motion === 'pair');
      expect(p!.pairWith).toBe(q!.id);
      expect(q!.pairWith).toBe(p!.id);
      expect(v.objects.filter((o) => o.pairWith !== undefined)).toHaveLength(2);
    }
  });

  it('writes the DAVIS layout: numbered JPEG frames and a mask for each', async () => {
    const top = (await readdir(dirA)).sort();
    expect(top).toEqual(['Annotations', 'JPEGImages', 'demo.json', 'meta.json']);
    for (const v of manifest.videos) {
      const names = Array.from({ length: v.frames }, (_, t) => String(t).padStart(5, '0'));
      expect((await readdir(path.join(dirA, 'JPEGImages', v.name))).sort()).toEqual(names.map((n) => `${n}.jpg`));
      expect((await readdir(path.join(dirA, 'Annotations', v.name))).sort()).toEqual(names.map((n) => `${n}.png`));
    }
  });

  it('writes 8-bit palette PNGs with the DAVIS palette, the size of their frames', async () => {
    const palette = vocPalette();
    for (const v of manifest.videos) {
      for (let t = 0; t < v.frames; t++) {
        const name = String(t).padStart(5, '0');
        const buf = await readFile(path.join(dirA, 'Annotations', v.name, `${name}.png`));
        // IHDR: bit depth at byte 24, colour type at byte 25 (3 = indexed).
        expect([buf[24], buf[25]]).toEqual([8, 3]);
        const png = decode(buf);
        expect(png.channels).toBe(1);
        expect(png.palette).toEqual(palette);
        const jpeg = imageSize(await readFile(path.join(dirA, 'JPEGImages', v.name, `${name}.jpg`)));
        expect(jpeg.type).toBe('jpg');
        expect([png.width, png.height]).toEqual([jpeg.width, jpeg.height]);
      }
      // A second decoder (libvips, like PIL's 'P' mode) also sees a palette image.
      const meta = await sharp(path.join(dirA, 'Annotations', v.name, '00000.png')).metadata();
      expect(meta.isPalette).toBe(true);
    }
  });

  it('uses exactly the object ids of demo.json in the masks', () => {
    for (const { video, labels } of masks) {
      const seen = new Set<number>();
      for (const l of labels) for (const id of new Set(l)) seen.add(id);
      seen.delete(0);
      expect([...seen].sort((a, b) => a - b)).toEqual(video.objects.map((o) => o.id));
    }
  });

  it('keeps the static object’s mask identical on every frame', () => {
    for (const { video, labels } of masks) {
      const [id] = only(video, 'static');
      const first = pixelsOf(labels[0]!, id!);
      expect(first.length).toBeGreaterThan(100);
      for (let t = 1; t < labels.length; t++) expect(pixelsOf(labels[t]!, id!), `${video.name} frame ${t}`).toEqual(first);
    }
  });

  it('moves the bouncing object down and up', () => {
    for (const { video, labels } of masks) {
      const [id] = only(video, 'bounce');
      const ys = labels.map((l) => centroid(l, video.width, id!).y);
      const steps = ys.slice(1).map((y, i) => Math.sign(y - ys[i]!)).filter((s) => s !== 0);
      const reversals = steps.slice(1).filter((s, i) => s !== steps[i]).length;
      expect(steps).toContain(1);
      expect(steps).toContain(-1);
      expect(reversals).toBeGreaterThanOrEqual(1);
      expect(Math.max(...ys) - Math.min(...ys)).toBeGreaterThan(0.05 * video.height);
    }
  });

  it('moves the pair with the same displacement on every frame', () => {
    for (const { video, labels } of masks) {
      const [a, b] = only(video, 'pair');
      let travelled = 0;
      for (let t = 1; t < labels.length; t++) {
        const a0 = centroid(labels[t - 1]!, video.width, a!);
        const a1 = centroid(labels[t]!, video.width, a!);
        const b0 = centroid(labels[t - 1]!, video.width, b!);
        const b1 = centroid(labels[t]!, video.width, b!);
        expect(a1.x - a0.x, `${video.name} frame ${t} dx`).toBeCloseTo(b1.x - b0.x, 6);
        expect(a1.y - a0.y, `${video.name} frame ${t} dy`).toBeCloseTo(b1.y - b0.y, 6);
        travelled += a1.x - a0.x;
      }
      expect(Math.abs(travelled)).toBeGreaterThan(0.05 * video.width);
    }
  });

  it('shows the leaving object on frame 0 and not at the end', () => {
    for (const { video, labels } of masks) {
      const [id] = only(video, 'exit');
      expect(pixelsOf(labels[0]!, id!).length).toBeGreaterThan(100);
      const tail = Math.ceil(0.25 * labels.length);
      for (const l of labels.slice(-tail)) expect(l.includes(id!)).toBe(false);
    }
  });

  it('moves left and right walkers the way demo.json says', () => {
    for (const { video, labels } of masks) {
      for (const o of video.objects.filter((x) => x.motion === 'left' || x.motion === 'right')) {
        const dx = centroid(labels.at(-1)!, video.width, o.id).x - centroid(labels[0]!, video.width, o.id).x;
        expect(Math.sign(dx), `${video.name} object ${o.id}`).toBe(o.motion === 'left' ? -1 : 1);
        expect(Math.abs(dx)).toBeGreaterThan(0.1 * video.width);
      }
    }
  });

  it('lists in meta.json exactly the frames where each object is visible', async () => {
    const meta = JSON.parse(await readFile(path.join(dirA, 'meta.json'), 'utf8')) as {
      videos: Record<string, { objects: Record<string, { category: string; frames: string[] }> }>;
    };
    expect(Object.keys(meta.videos)).toEqual(manifest.videos.map((v) => v.name));
    for (const { video, labels } of masks) {
      const objects = meta.videos[video.name]!.objects;
      expect(Object.keys(objects)).toEqual(video.objects.map((o) => String(o.id)));
      for (const o of video.objects) {
        const expected = labels.flatMap((l, t) => (l.includes(o.id) ? [String(t).padStart(5, '0')] : []));
        expect(objects[String(o.id)]).toEqual({ category: o.category, frames: expected });
      }
    }
  });

  it('gives byte-identical files for the same seed and different ones for another seed', async () => {
    const dirB = path.join(tmp, 'b');
    const dirC = path.join(tmp, 'c');
    await generateDemoDataset(dirB, { seed: SEED });
    await generateDemoDataset(dirC, { seed: OTHER_SEED });
    const a = await hashes(dirA);
    expect(a.size).toBe(2 + 2 * manifest.videos.reduce((n, v) => n + v.frames, 0));
    expect(await hashes(dirB)).toEqual(a);
    const c = await hashes(dirC);
    for (const v of manifest.videos) {
      for (const f of [`JPEGImages/${v.name}/00000.jpg`, `Annotations/${v.name}/00000.png`]) {
        expect(c.get(f), f).toBeDefined();
        expect(c.get(f), f).not.toBe(a.get(f));
      }
    }
  });
});

describe('masks are exact', () => {
  it('labels precisely the pixels the objects paint, and the PNG holds those labels', async () => {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'demo-exact-'));
    try {
      const opts = { seed: 7, videos: 3, frames: 14 };
      const manifest = await generateDemoDataset(tmp, opts);
      for (let i = 0; i < manifest.videos.length; i++) {
        const plan = planScene(i, opts.seed, { frames: opts.frames, width: 640, height: 360 });
        expect(plan.name).toBe(manifest.videos[i]!.name);
        const bg = paintBackground(plan);
        // On a ground of a colour no object uses, "drawn" and "labelled" must be the same pixels.
        const probe = new Uint8Array(bg.length);
        for (let p = 0; p < probe.length; p += 3) probe.set([255, 0, 255], p);
        for (const t of [0, 7, 13]) {
          const frame = renderFrame(plan, bg, t);
          const ground = renderFrame(plan, bg, t, { objects: false });
          const onProbe = renderFrame(plan, probe, t);
          const probeGround = renderFrame(plan, probe, t, { objects: false });
          expect(Buffer.from(onProbe.labels).equals(Buffer.from(frame.labels))).toBe(true);
          let labelled = 0;
          for (let p = 0; p < frame.labels.length; p++) {
            const drawn = onProbe.rgb[3 * p] !== probeGround.rgb[3 * p] || onProbe.rgb[3 * p + 1] !== probeGround.rgb[3 * p + 1] || onProbe.rgb[3 * p + 2] !== probeGround.rgb[3 * p + 2];
            if (drawn !== (frame.labels[p] !== 0)) expect.fail(`${plan.name} frame ${t} pixel ${p}: drawn ${drawn}, label ${frame.labels[p]}`);
            // On the real ground too, nothing is drawn outside the masks.
            const differs = frame.rgb[3 * p] !== ground.rgb[3 * p] || frame.rgb[3 * p + 1] !== ground.rgb[3 * p + 1] || frame.rgb[3 * p + 2] !== ground.rgb[3 * p + 2];
            if (differs && frame.labels[p] === 0) expect.fail(`${plan.name} frame ${t} pixel ${p} is drawn but not labelled`);
            if (frame.labels[p]) labelled++;
          }
          expect(labelled).toBeGreaterThan(1000);
          const png = decode(await readFile(path.join(tmp, 'Annotations', plan.name, `${String(t).padStart(5, '0')}.png`)));
          expect(Buffer.from(png.data as Uint8Array).equals(Buffer.from(frame.labels))).toBe(true);
          // The JPEG is this very frame (not a neighbour), up to compression.
          const { data } = await sharp(path.join(tmp, 'JPEGImages', plan.name, `${String(t).padStart(5, '0')}.jpg`)).raw().toBuffer({ resolveWithObject: true });
          let err = 0;
          for (let k = 0; k < data.length; k++) err += Math.abs(data[k]! - frame.rgb[k]!);
          expect(err / data.length).toBeLessThan(4);
        }
      }
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });
});

describe('layout', () => {
  it('keeps its promises across seeds and frame sizes', () => {
    const sizes = [
      { width: 640, height: 360 },
      { width: 854, height: 480 },
      { width: 320, height: 180 },
      { width: 1280, height: 720 },
      { width: 480, height: 360 },
    ];
    let checked = 0;
    for (let seed = 0; seed < 8; seed++) {
      for (const [k, size] of sizes.entries()) {
        for (let i = 0; i < 3; i++) {
          // planScene throws when a guarantee (static, pair, bounce never covered or cut; the
          // leaving object whole at first and gone by 70%) does not hold.
          const plan = planScene(i, seed * 31 + k, { ...size, frames: seed % 2 ? 12 : undefined });
          expect(plan.objects.length).toBeGreaterThanOrEqual(6);
          expect(plan.objects.length).toBeLessThanOrEqual(8);
          checked++;
        }
      }
    }
    expect(checked).toBe(8 * 5 * 3);
  });
});

describe('options', () => {
  it('refuses a non-empty output folder and out-of-range options', async () => {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'demo-opts-'));
    try {
      await writeFile(path.join(tmp, 'stale.txt'), 'x');
      await expect(generateDemoDataset(tmp)).rejects.toThrow(/not empty/);
      await expect(generateDemoDataset(path.join(tmp, 'new'), { frames: 5 })).rejects.toThrow(RangeError);
      await expect(generateDemoDataset(path.join(tmp, 'new'), { seed: 1.5 })).rejects.toThrow(RangeError);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });

  it('names further videos apart when asked for more than three', async () => {
    const tmp = await mkdtemp(path.join(os.tmpdir(), 'demo-many-'));
    try {
      const m = await generateDemoDataset(tmp, { videos: 4, frames: 12, width: 320, height: 180 });
      expect(m.videos.map((v) => v.name)).toEqual(['demo-meadow', 'demo-road', 'demo-pond', 'demo-meadow-2']);
      expect((await readdir(path.join(tmp, 'JPEGImages'))).sort()).toEqual(['demo-meadow', 'demo-meadow-2', 'demo-pond', 'demo-road']);
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  });
});
