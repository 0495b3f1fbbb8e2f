/**
 * A synthetic MeViS-layout train split at MeViSv2 scale for bench:import: JPEGImages/<video>/<frame>.jpg,
 * meta_expressions.json and a mask_dict.json of the real file's size (MeViSv2 train: 411 MB,
 * ~443k masks; MEVIS_FORMAT.md §2, §10).
 *
 * - Frames are 1280×720, the common MeViS resolution, so the masks' RLE strings are as long as real
 *   ones (about two counts values per column an object spans): the size of mask_dict.json comes from
 *   real-sized objects, not from padding. Each video has one JPEG (a gradient, ~6 kB, made once and
 *   told apart per video by a comment segment), and its frames are hard links to it: the importer
 *   reads, checks and hashes every frame file all the same, and the content-addressed store keeps
 *   one file per video, as it would for byte-identical frames. `distinctFrames` gives every frame
 *   its own bytes (one store file per frame) to measure the store's per-file cost instead.
 * - Frame counts are log-normal around the real mean (~78, clamped to 20–300), 2–6 objects a
 *   video (MeViS: ~4), each a blob with ragged edges (100–480 px wide, half with a hole) that
 *   moves, and is absent on some frames as real objects are (enters late, leaves early, an
 *   occlusion gap). About 470k masks of ~900 bytes: 418 MB (the real file: ~443k, 411 MB).
 * - About 16.5 expressions a video (MeViSv2 train: 27,502 for 1,662 videos): single, multi
 *   and no-target, every object named by at least one.
 * mask_dict.json is written as it is generated, a megabyte at a time, never whole in memory.
 * Seeded: two runs write the same split.
 */
import { closeSync, linkSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { mulberry32 } from '#shared/prng.ts';
import { runsToCounts } from '#shared/rle/index.ts';

export const WIDTH = 1280;
export const HEIGHT = 720;

export interface SplitOptions {
  videos: number;
  seed?: number;
  /** Every frame its own bytes (a comment segment with its index) instead of hard links to one JPEG. */
  distinctFrames?: boolean;
  onProgress?: (done: number, total: number) => void;
}

export interface SplitCounts {
  videos: number;
  frames: number;
  objects: number;
  masks: number;
  expressions: number;
  maskDictBytes: number;
  metaBytes: number;
}

const COLOURS = ['white', 'black', 'brown', 'grey', 'red', 'small', 'large', 'dark'];
const NOUNS = ['dog', 'cat', 'car', 'person', 'bird', 'horse', 'sheep', 'bicycle', 'cow', 'fish'];
const VERBS = ['moving to the left', 'walking away', 'turning around', 'running forward', 'standing still then leaving', 'jumping over the fence', 'following the other one', 'moving towards the camera'];
const GROUPS = ['two', 'three', 'the pair of', 'both'];

/** A normal deviate (Box-Muller) from the seeded generator. */
function gaussian(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

/** Inserts a JPEG comment (COM) segment after SOI: same picture, other bytes. */
function withComment(jpeg: Buffer, text: string): Buffer {
  const body = Buffer.from(text, 'latin1');
  const seg = Buffer.alloc(4);
  seg.writeUInt16BE(0xfffe, 0);
  seg.writeUInt16BE(body.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), seg, body, jpeg.subarray(2)]);
}

interface Blob {
  width: number;
  height: number;
  /** Per column: offset of the first masked row from the blob's top, and the number of rows. */
  top: Int32Array;
  len: Int32Array;
  /** Rows left unmasked inside that run from `hole` on (0: none), as under a bicycle's frame or an arm. */
  hole: Int32Array;
  holeLen: Int32Array;
}

/**
 * An ellipse-like blob with ragged edges (a random walk on each edge), as real masks have; half of
 * them have a hole across part of their columns, which splits those columns into two runs.
 */
function makeBlob(rand: () => number): Blob {
  const width = 100 + Math.floor(rand() * 381);
  const height = 80 + Math.floor(rand() * 300);
  const top = new Int32Array(width);
  const len = new Int32Array(width);
  const hole = new Int32Array(width);
  const holeLen = new Int32Array(width);
  const holeFrom = rand() < 0.5 ? Math.floor(width * (0.2 + rand() * 0.2)) : width;
  const holeTo = Math.floor(width * (0.6 + rand() * 0.2));
  let jTop = 0;
  let jBottom = 0;
  let jHole = 0;
  for (let j = 0; j < width; j++) {
    jTop = Math.max(-12, Math.min(12, jTop + Math.floor(rand() * 5) - 2));
    jBottom = Math.max(-12, Math.min(12, jBottom + Math.floor(rand() * 5) - 2));
    const u = (2 * (j + 0.5)) / width - 1;
    const half = (height / 2 - 13) * Math.sqrt(1 - u * u);
    const t = Math.round(height / 2 - half) + jTop;
    const b = Math.round(height / 2 + half) + jBottom;
    top[j] = Math.max(0, Math.min(height - 2, t));
    len[j] = Math.max(1, Math.min(height - top[j]!, b - top[j]!));
    if (j >= holeFrom && j < holeTo && len[j]! > 20) {
      jHole = Math.max(-6, Math.min(6, jHole + Math.floor(rand() * 3) - 1));
      hole[j] = Math.floor(len[j]! * 0.4) + jHole;
      holeLen[j] = Math.max(1, Math.floor(len[j]! * 0.25));
    }
  }
  return { width, height, top, len, hole, holeLen };
}

const runs = new Uint32Array(4 * 1024 + 1);

/** COCO counts of the blob with its top-left corner at (x, y): built from its columns, no raster. */
function blobCounts(b: Blob, x: number, y: number): string {
  let m = 0;
  let cursor = 0;
  for (let j = 0; j < b.width; j++) {
    const start = (x + j) * HEIGHT + y + b.top[j]!;
    runs[m++] = start - cursor;
    if (b.holeLen[j]! > 0) {
      runs[m++] = b.hole[j]!;
      runs[m++] = b.holeLen[j]!;
      runs[m++] = b.len[j]! - b.hole[j]! - b.holeLen[j]!;
    } else runs[m++] = b.len[j]!;
    cursor = start + b.len[j]!;
  }
  runs[m++] = WIDTH * HEIGHT - cursor;
  return runsToCounts(runs.subarray(0, m));
}

/** Frames an object is visible on: mostly all, else it enters late, leaves early or is occluded a while. */
function visibility(rand: () => number, n: number): (f: number) => boolean {
  const r = rand();
  if (r < 0.65) return () => true;
  if (r < 0.8) {
    const from = Math.floor(rand() * n * 0.6);
    return (f) => f >= from;
  }
  if (r < 0.9) {
    const to = Math.max(2, Math.ceil(n * (0.4 + rand() * 0.6)));
    return (f) => f < to;
  }
  const gap = Math.max(1, Math.floor(n * (0.1 + rand() * 0.3)));
  const from = Math.floor(n * 0.2 + rand() * (n * 0.8 - gap));
  return (f) => f < from || f >= from + gap;
}

/** Writes the split into `dir` (which must not exist yet, or be empty). */
export async function writeMevisSplit(dir: string, opts: SplitOptions): Promise<SplitCounts> {
  const rand = mulberry32(opts.seed ?? 17);
  const jpegRoot = path.join(dir, 'JPEGImages');
  mkdirSync(jpegRoot, { recursive: true });
  // One gradient picture for all; a comment segment makes each video's (or frame's) bytes its own.
  const raw = Buffer.alloc(WIDTH * HEIGHT * 3);
  for (let y = 0; y < HEIGHT; y++)
    for (let x = 0; x < WIDTH; x++) raw.set([40 + ((x * 120) / WIDTH) | 0, 70 + ((y * 90) / HEIGHT) | 0, 90], (y * WIDTH + x) * 3);
  const base = await sharp(raw, { raw: { width: WIDTH, height: HEIGHT, channels: 3 } }).jpeg({ quality: 70 }).toBuffer();

  const counts: SplitCounts = { videos: 0, frames: 0, objects: 0, masks: 0, expressions: 0, maskDictBytes: 0, metaBytes: 0 };
  const meta: Record<string, { frames: string[]; expressions: Record<string, { exp: string; obj_id: number[]; anno_id: string[] }> }> = {};
  const fd = openSync(path.join(dir, 'mask_dict.json'), 'w');
  let pending = '{';
  let firstTrack = true;
  const flush = (force: boolean) => {
    if (!force && pending.length < 1 << 20) return;
    counts.maskDictBytes += writeSync(fd, pending);
    pending = '';
  };
  const sizeJson = `{"size":[${HEIGHT},${WIDTH}],"counts":`;
  let annoSeq = 0;
  try {
    for (let v = 0; v < opts.videos; v++) {
      const name = (0x1a2b3c4d5e6f + v * 0x9e3779b1).toString(16).slice(-12);
      const n = Math.max(20, Math.min(300, Math.round(Math.exp(Math.log(70) + 0.45 * gaussian(rand)))));
      const frameNames = Array.from({ length: n }, (_, f) => String(f).padStart(5, '0'));
      const vdir = path.join(jpegRoot, name);
      mkdirSync(vdir);
      const first = path.join(vdir, `${frameNames[0]}.jpg`);
      writeFileSync(first, withComment(base, `bench ${name}`));
      for (let f = 1; f < n; f++) {
        const file = path.join(vdir, `${frameNames[f]}.jpg`);
        if (opts.distinctFrames) writeFileSync(file, withComment(base, `bench ${name} ${f}`));
        else linkSync(first, file);
      }

      const objectCount = 2 + Math.floor(rand() * 5);
      const annoIds: string[] = [];
      for (let o = 0; o < objectCount; o++) {
        const blob = makeBlob(rand);
        let x = Math.floor(rand() * (WIDTH - blob.width));
        let y = 1 + Math.floor(rand() * (HEIGHT - blob.height - 2));
        // A fifth of the objects stand still, as real scenes have bystanders.
        const still = rand() < 0.2;
        let vx = still ? 0 : Math.round((rand() - 0.5) * 12);
        let vy = still ? 0 : Math.round((rand() - 0.5) * 6);
        const visible = visibility(rand, n);
        const annoId = String(annoSeq++);
        annoIds.push(annoId);
        pending += `${firstTrack ? '' : ','}\n${JSON.stringify(annoId)}:[`;
        firstTrack = false;
        for (let f = 0; f < n; f++) {
          if (f > 0) pending += ',';
          if (visible(f)) {
            // Counts use chars 48..111, backslash (92) among them: JSON escapes it, as json.dump does.
            pending += sizeJson + JSON.stringify(blobCounts(blob, x, y)) + '}';
            counts.masks++;
          } else pending += 'null';
          x += vx;
          y += vy;
          // Bounce off the edges, keeping a row of background above and below (no empty runs).
          if (x < 0 || x > WIDTH - blob.width) {
            vx = -vx;
            x += 2 * vx;
          }
          if (y < 1 || y > HEIGHT - blob.height - 1) {
            vy = -vy;
            y += 2 * vy;
          }
          flush(false);
        }
        pending += ']';
      }

      const expressions: Record<string, { exp: string; obj_id: number[]; anno_id: string[] }> = {};
      const expCount = 5 + Math.floor(rand() * 24);
      const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)]!;
      for (let e = 0; e < Math.max(expCount, objectCount); e++) {
        let ids: number[];
        // The first ones name each object once; then 70 % single, 22 % multi, 8 % no target.
        const r = rand();
        if (e < objectCount) ids = [e];
        else if (r < 0.7) ids = [Math.floor(rand() * objectCount)];
        else if (r < 0.92) ids = [...new Set([Math.floor(rand() * objectCount), Math.floor(rand() * objectCount), Math.floor(rand() * objectCount)])].sort((a, b) => a - b);
        else ids = [];
        const subject = ids.length > 1 ? `${pick(GROUPS)} ${pick(NOUNS)}s` : `the ${pick(COLOURS)} ${pick(NOUNS)}`;
        expressions[String(e)] = { exp: `${subject} ${pick(VERBS)}`, obj_id: ids, anno_id: ids.map((i) => annoIds[i]!) };
      }
      meta[name] = { frames: frameNames, expressions };
      counts.videos++;
      counts.frames += n;
      counts.objects += objectCount;
      counts.expressions += Object.keys(expressions).length;
      opts.onProgress?.(v + 1, opts.videos);
    }
    pending += '\n}\n';
    flush(true);
  } finally {
    closeSync(fd);
  }
  const metaText = JSON.stringify({ videos: meta });
  writeFileSync(path.join(dir, 'meta_expressions.json'), metaText);
  counts.metaBytes = Buffer.byteLength(metaText);
  return counts;
}
