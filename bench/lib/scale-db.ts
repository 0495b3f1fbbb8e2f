/**
 * A synthetic database at full MeViS scale (2,006 videos, ~136k frames, 8,171 objects, ~443k
 * masks, 33,072 accepted expressions) for bench:export. Rows go in through raw prepared
 * statements in a few large transactions, not through the importer: the point is the export, and
 * the importer would take many minutes. Frames are tiny JPEGs: a handful of distinct ones are put in
 * the store once and every frame row points at one of them (the export copies a store file per
 * frame row all the same). Masks are moving rectangles whose RLEs come from a pool encoded once.
 * Everything is drawn from a seeded PRNG, so two runs build the same database.
 */
import { createHash } from 'node:crypto';
import sharp from 'sharp';
import { encodeMask, rleArea, rleBbox } from '#shared/rle/index.ts';
import { mulberry32 } from '#shared/prng.ts';
import type { App } from '../../server/src/app.ts';
import { sqliteOf } from '../../server/src/testing/app.ts';

export interface ScaleOptions {
  videos?: number;
  /** Total frames over all videos; each video has 50–90. */
  frames?: number;
  /** Total objects; each video has 2–7. */
  objects?: number;
  /** Total accepted expressions. */
  expressions?: number;
  /** Share of single-target and multi-target expressions; the rest are no-target. */
  singleShare?: number;
  multiShare?: number;
  /** Frame and mask size (the masks' RLE size is the video's [height, width]). */
  width?: number;
  height?: number;
  seed?: number;
  /** Videos per transaction (also the progress step). */
  batch?: number;
  onProgress?: (done: number, total: number) => void;
}

export interface ScaleCounts {
  videos: number;
  frames: number;
  objects: number;
  masks: number;
  expressions: number;
  single: number;
  multi: number;
  none: number;
  targets: number;
  /** Distinct JPEGs in the store (all frame rows point at one of these). */
  storeFiles: number;
  /** Distinct RLEs encoded for the mask pool. */
  rlePool: number;
}

const FRAMES_MIN = 50;
const FRAMES_MAX = 90;
const OBJECTS_MIN = 2;
const OBJECTS_MAX = 7;
const EXPRESSIONS_MIN = 4;
const EXPRESSIONS_MAX = 40;
const DISTINCT_JPEGS = 16;
/** Rectangle positions are snapped to this many steps per axis, which bounds the RLE pool. */
const GRID = 32;

const frameName = (idx: number) => String(idx).padStart(5, '0');

/**
 * `n` integers in [min, max] summing exactly to `total`: uniform draws, then ±1 nudges on random
 * entries until the sum matches.
 */
function distribute(rand: () => number, n: number, total: number, min: number, max: number): number[] {
  if (total < n * min || total > n * max) throw new Error(`cannot split ${total} into ${n} values in [${min}, ${max}]`);
  const xs = Array.from({ length: n }, () => min + Math.floor(rand() * (max - min + 1)));
  let sum = xs.reduce((s, x) => s + x, 0);
  while (sum !== total) {
    const i = Math.floor(rand() * n);
    if (sum < total && xs[i]! < max) {
      xs[i]!++;
      sum++;
    } else if (sum > total && xs[i]! > min) {
      xs[i]!--;
      sum--;
    }
  }
  return xs;
}

function shuffle<T>(rand: () => number, xs: T[]): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}

interface PooledMask {
  counts: string;
  area: number;
  bbox: [number, number, number, number];
}

/** RLEs of axis-aligned rectangles, encoded on first use and reused for every later frame. */
class RectPool {
  private readonly pool = new Map<string, PooledMask>();
  private readonly raster: Uint8Array;

  constructor(
    readonly w: number,
    readonly h: number,
  ) {
    this.raster = new Uint8Array(w * h);
  }

  get size(): number {
    return this.pool.size;
  }

  get(x: number, y: number, rw: number, rh: number): PooledMask {
    const key = `${x},${y},${rw},${rh}`;
    let m = this.pool.get(key);
    if (!m) {
      const { w, h, raster } = this;
      raster.fill(0);
      for (let yy = y; yy < y + rh; yy++) raster.fill(1, yy * w + x, yy * w + x + rw);
      const rle = encodeMask(raster, h, w);
      m = { counts: rle.counts, area: rleArea(rle), bbox: rleBbox(rle) };
      if (m.area !== rw * rh || m.bbox[0] !== x || m.bbox[1] !== y || m.bbox[2] !== rw || m.bbox[3] !== rh) {
        throw new Error(`RLE of rectangle ${key} measured as area ${m.area}, bbox ${m.bbox.join(',')}`);
      }
      this.pool.set(key, m);
    }
    return m;
  }
}

/** Builds the database in `app` (expected empty) and returns what it inserted. */
export async function buildScaleDb(app: App, opts: ScaleOptions = {}): Promise<ScaleCounts> {
  const nVideos = opts.videos ?? 2006;
  const nFrames = opts.frames ?? Math.round(nVideos * 68);
  const nObjects = opts.objects ?? Math.round((nVideos * 8171) / 2006);
  const nExpressions = opts.expressions ?? Math.round((nVideos * 33072) / 2006);
  const width = opts.width ?? 64;
  const height = opts.height ?? 48;
  const batch = opts.batch ?? 200;
  const rand = mulberry32(opts.seed ?? 2006);
  const now = Date.now();

  // A few distinct JPEGs, stored once.
  const jpegs: { sha256: string; bytes: number }[] = [];
  for (let i = 0; i < DISTINCT_JPEGS; i++) {
    const background = { r: (i * 53) % 256, g: (i * 97 + 40) % 256, b: (i * 29 + 90) % 256 };
    const bytes = await sharp({ create: { width, height, channels: 3, background } }).jpeg().toBuffer();
    const { sha256 } = app.store.putSync(bytes);
    jpegs.push({ sha256, bytes: bytes.length });
  }
  const storeFiles = new Set(jpegs.map((j) => j.sha256)).size;

  const framesPer = distribute(rand, nVideos, nFrames, FRAMES_MIN, FRAMES_MAX);
  const objectsPer = distribute(rand, nVideos, nObjects, OBJECTS_MIN, OBJECTS_MAX);
  const expressionsPer = distribute(rand, nVideos, nExpressions, EXPRESSIONS_MIN, EXPRESSIONS_MAX);
  // Exact kind mix over the whole set, shuffled across videos.
  const nSingle = Math.round(nExpressions * (opts.singleShare ?? 0.65));
  const nMulti = Math.round(nExpressions * (opts.multiShare ?? 0.24));
  const kinds = shuffle(rand, [
    ...Array<'single'>(nSingle).fill('single'),
    ...Array<'multi'>(nMulti).fill('multi'),
    ...Array<'none'>(nExpressions - nSingle - nMulti).fill('none'),
  ]);

  const c = sqliteOf(app); // bulk generation writes through the SQLite file directly
  const insVideo = c.prepare(
    `insert into videos (name, source, status, width, height, frame_count, fps, content_hash, created_at) values (?, 'mevis', 'accepted', ?, ?, ?, 6, ?, ?)`,
  );
  const insFrame = c.prepare(`insert into frames (video_id, idx, name, sha256, bytes) values (?, ?, ?, ?, ?)`);
  const insObject = c.prepare(`insert into objects (video_id, local_id, category, visible_frames) values (?, ?, ?, ?)`);
  const insMask = c.prepare(
    `insert into masks (object_id, frame_idx, counts, area, bbox_x, bbox_y, bbox_w, bbox_h) values (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insExpression = c.prepare(
    `insert into expressions (uid, video_id, author_id, text, kind, motion_reasoning, status, origin, source_exp_id, created_at, decided_at)
     values (?, ?, null, ?, ?, ?, 'accepted', 'imported', ?, ?, ?)`,
  );
  const insTarget = c.prepare(`insert into expression_targets (expression_id, object_id) values (?, ?)`);

  const pool = new RectPool(width, height);
  const counts: ScaleCounts = { videos: 0, frames: 0, objects: 0, masks: 0, expressions: 0, single: 0, multi: 0, none: 0, targets: 0, storeFiles, rlePool: 0 };
  const categories = ['person', 'car', 'dog', 'cat', 'horse', 'bird', 'cow', 'sheep', 'bear', 'elephant'];
  const verbs = ['moving left', 'walking forward', 'turning around', 'running away', 'standing still then leaving', 'jumping over'];
  const stepX = Math.max(1, Math.floor(width / GRID));
  const stepY = Math.max(1, Math.floor(height / GRID));
  let kindAt = 0;

  const insertVideo = (v: number) => {
    const name = createHash('sha256').update(`bench-video-${v}`).digest('hex').slice(0, 12);
    const fc = framesPer[v]!;
    const videoId = Number(insVideo.run(name, width, height, fc, createHash('sha256').update(name).digest('hex'), now).lastInsertRowid);
    const jpegBase = Math.floor(rand() * DISTINCT_JPEGS);
    for (let f = 0; f < fc; f++) {
      const j = jpegs[(jpegBase + (f >> 3)) % DISTINCT_JPEGS]!;
      insFrame.run(videoId, f, frameName(f), j.sha256, j.bytes);
    }
    counts.frames += fc;

    const objectIds: number[] = [];
    for (let o = 1; o <= objectsPer[v]!; o++) {
      // Visible on one contiguous stretch covering 60–100% of the video (mean ~80%).
      const visible = Math.max(1, Math.round(fc * (0.6 + 0.4 * rand())));
      const first = Math.floor(rand() * (fc - visible + 1));
      const category = categories[Math.floor(rand() * categories.length)]!;
      const objectId = Number(insObject.run(videoId, o, category, visible).lastInsertRowid);
      objectIds.push(objectId);
      // A rectangle of 10–30% × 15–40% of the frame drifting linearly, bouncing off the edges.
      const rw = Math.max(1, Math.round(width * (0.1 + 0.2 * rand())));
      const rh = Math.max(1, Math.round(height * (0.15 + 0.25 * rand())));
      const spanX = width - rw;
      const spanY = height - rh;
      let px = rand() * spanX;
      let py = rand() * spanY;
      let vx = (rand() - 0.5) * width * 0.04;
      let vy = (rand() - 0.5) * height * 0.04;
      for (let f = first; f < first + visible; f++) {
        const x = Math.min(spanX, Math.round(px / stepX) * stepX);
        const y = Math.min(spanY, Math.round(py / stepY) * stepY);
        const m = pool.get(x, y, rw, rh);
        insMask.run(objectId, f, m.counts, m.area, m.bbox[0], m.bbox[1], m.bbox[2], m.bbox[3]);
        px += vx;
        py += vy;
        if (px < 0 || px > spanX) {
          vx = -vx;
          px = Math.max(0, Math.min(spanX, px));
        }
        if (py < 0 || py > spanY) {
          vy = -vy;
          py = Math.max(0, Math.min(spanY, py));
        }
      }
      counts.masks += visible;
    }
    counts.objects += objectIds.length;

    for (let e = 0; e < expressionsPer[v]!; e++) {
      const kind = kinds[kindAt++]!;
      const picked = shuffle(rand, [...objectIds]);
      const targets = kind === 'none' ? [] : kind === 'single' ? picked.slice(0, 1) : picked.slice(0, 2 + Math.floor(rand() * Math.min(3, objectIds.length - 1)));
      const text = `${kind === 'multi' ? 'the group' : 'the object'} ${verbs[Math.floor(rand() * verbs.length)]} (${e})`;
      const expressionId = Number(
        insExpression.run(`bench:${name}:${e}`, videoId, text, kind, rand() < 0.2 ? 1 : 0, String(e), now, now).lastInsertRowid,
      );
      for (const t of targets) insTarget.run(expressionId, t);
      counts.targets += targets.length;
      counts[kind]++;
    }
    counts.expressions += expressionsPer[v]!;
    counts.videos++;
  };

  for (let start = 0; start < nVideos; start += batch) {
    c.transaction(() => {
      for (let v = start; v < Math.min(nVideos, start + batch); v++) insertVideo(v);
    })();
    opts.onProgress?.(counts.videos, nVideos);
  }
  // Leave a checkpointed database, as a long-running server would have.
  c.pragma('wal_checkpoint(TRUNCATE)');
  counts.rlePool = pool.size;
  return counts;
}
