import { and, asc, eq, inArray, isNull, lt, or } from 'drizzle-orm';
import sharp from 'sharp';
import {
  accumulateMaskedPixels,
  emptyHistogram,
  isSparseTrack,
  lookalikePairs,
  normalizeHistogram,
  sampleFramesPerObject,
  type LookalikePair,
} from '#shared/curation/index.ts';
import type { App } from '../app.ts';

/** What scoring uses: the database, the frames in the store, and a log for failures. */
export type CurationDeps = Pick<App, 'db' | 'store' | 'log'>;
import { retryOnBusy } from '../db/busy.ts';
import { chunked } from '../db/chunks.ts';
import { lazyTransaction, type DbOrTx } from '../db/client.ts';
import { frames, masks, objects, videoCuration, videos } from '../db/schema/index.ts';
import { getSettings } from './settings.ts';
import { notImporting } from './video-visibility.ts';

/**
 * Version of the scoring below. Bump it when the histogram, the sampling or the pairing changes:
 * backfillCuration then recomputes every older row.
 * 2: sparse_objects counted (objects masked on key frames only, shared/src/curation/sparse.ts);
 *    rows of 1 hold 0 there whatever the masks.
 */
export const CURATION_SCORER = 2;

export type VideoCurationRow = typeof videoCuration.$inferSelect;

/** The stored row with its look-alike pairs parsed. */
export type VideoCuration = VideoCurationRow & { lookalikes: LookalikePair[] };


export function parseLookalikeDetail(text: string): LookalikePair[] {
  try {
    const v = JSON.parse(text) as unknown;
    return Array.isArray(v) ? (v as LookalikePair[]) : [];
  } catch {
    return [];
  }
}

/**
 * Scores one video for curation (paper §3.1): object count, clearly moving objects (the `moving`
 * flag computed at import, R2), look-alike pairs (R1: colour histogram of each object's masked
 * pixels over up to FRAMES_PER_OBJECT (8) frames where it is visible, plus its category) and
 * objects whose track is sparse (masked on key frames only: MeViS needs full tracks), then upserts
 * its `video_curation` row in one transaction.
 *
 * Frames are decoded one at a time and only the sampled masks are read, so memory stays flat
 * whatever the video's length. The reads are a snapshot taken before decoding; imported frames
 * and masks never change afterwards, so nothing can go stale in between.
 */
export async function scoreVideo(app: CurationDeps, videoId: number, now = Date.now()): Promise<VideoCurationRow> {
  const { db } = app;
  const [video] = await db
    .select({ width: videos.width, height: videos.height, frameCount: videos.frameCount, fps: videos.fps })
    .from(videos)
    .where(eq(videos.id, videoId));
  if (!video) throw new Error(`video ${videoId} not found`);
  const objs = await db
    .select({ id: objects.id, localId: objects.localId, category: objects.category, moving: objects.moving })
    .from(objects)
    // The objects annotators see: one an admin excluded is no longer counted or compared.
    .where(and(eq(objects.videoId, videoId), isNull(objects.excludedAt)))
    .orderBy(asc(objects.localId));
  // A row stored now would count such objects as still and never be recomputed (same scorer).
  if (objs.some((o) => o.moving === null)) throw new Error(`video ${videoId}: motion statistics missing (backfillMotionStats fills them at start-up)`);
  const visible = await db
    .select({ objectId: masks.objectId, frameIdx: masks.frameIdx })
    .from(masks)
    .innerJoin(objects, eq(objects.id, masks.objectId))
    .where(and(eq(objects.videoId, videoId), isNull(objects.excludedAt)))
    .orderBy(asc(masks.objectId), asc(masks.frameIdx));

  // Which objects to measure on which frame: an even sample of the frames where each is visible,
  // shared between objects where possible so few frames are decoded.
  const framesOf = new Map<number, number[]>();
  for (const v of visible) {
    let list = framesOf.get(v.objectId);
    if (!list) framesOf.set(v.objectId, (list = []));
    list.push(v.frameIdx);
  }
  const onFrame = new Map<number, number[]>();
  for (const [objectId, list] of sampleFramesPerObject(framesOf)) {
    for (const f of list) {
      let ids = onFrame.get(f);
      if (!ids) onFrame.set(f, (ids = []));
      ids.push(objectId);
    }
  }
  const frameIdxs = [...onFrame.keys()].sort((a, b) => a - b);
  const shaOf = new Map<number, string>();
  for (const part of chunked(frameIdxs)) {
    for (const f of await db.select({ idx: frames.idx, sha256: frames.sha256 }).from(frames).where(and(eq(frames.videoId, videoId), inArray(frames.idx, part)))) {
      shaOf.set(f.idx, f.sha256);
    }
  }

  const counts = new Map(objs.map((o) => [o.id, emptyHistogram()]));
  const size: [number, number] = [video.height, video.width];
  for (const f of frameIdxs) {
    const sha = shaOf.get(f);
    if (!sha) throw new Error(`video ${videoId} has masks on frame ${f} but no such frame`);
    const { data, info } = await sharp(app.store.read(sha)).raw().toBuffer({ resolveWithObject: true });
    const image = { data, width: info.width, height: info.height, channels: info.channels };
    const ids = onFrame.get(f)!;
    const rows = await db
      .select({ objectId: masks.objectId, counts: masks.counts })
      .from(masks)
      .where(and(eq(masks.frameIdx, f), inArray(masks.objectId, ids)));
    for (const r of rows) accumulateMaskedPixels(counts.get(r.objectId)!, image, { size, counts: r.counts });
  }

  const settings = await getSettings(db);
  const pairs = lookalikePairs(
    objs.map((o) => ({ localId: o.localId, category: o.category, hist: normalizeHistogram(counts.get(o.id)!) })),
    settings.lookalikeMaxDistance,
  );
  const row: VideoCurationRow = {
    videoId,
    objectCount: objs.length,
    movingCount: objs.filter((o) => o.moving === true).length,
    lookalikePairs: pairs.length,
    lookalikeDetail: JSON.stringify(pairs.map((p) => ({ a: p.a, b: p.b, distance: Math.round(p.distance * 1e4) / 1e4 }))),
    durationSec: video.fps > 0 ? video.frameCount / video.fps : 0,
    sparseObjects: objs.filter((o) => isSparseTrack(framesOf.get(o.id) ?? [], video.frameCount)).length,
    scorer: CURATION_SCORER,
    computedAt: now,
  };
  // A recomputable cache: losing the last rows to a power cut only means scoring them again, so
  // the commit skips the fsync (a backfill of thousands of videos would otherwise fsync each).
  // Background work: on the server, whose connection never waits for the lock, a CLI import holding
  // it makes this fail at once, so it is retried after asynchronous pauses.
  await retryOnBusy(() =>
    lazyTransaction(db, async (tx) => {
      if (!(await tx.select({ id: videos.id }).from(videos).where(eq(videos.id, videoId))).length) throw new Error(`video ${videoId} was deleted while being scored`);
      const { videoId: _, ...set } = row;
      await tx.insert(videoCuration).values(row).onConflictDoUpdate({ target: videoCuration.videoId, set });
    }),
  );
  return row;
}

/** Stored curation rows of the given videos (absent: not scored yet). */
export async function curationRows(db: DbOrTx, videoIds: readonly number[]): Promise<Map<number, VideoCuration>> {
  const out = new Map<number, VideoCuration>();
  for (const part of chunked([...new Set(videoIds)])) {
    for (const r of await db.select().from(videoCuration).where(inArray(videoCuration.videoId, part))) {
      out.set(r.videoId, { ...r, lookalikes: parseLookalikeDetail(r.lookalikeDetail) });
    }
  }
  return out;
}

/** Videos without a curation row or with one from an older scorer, oldest id first; none an import is still writing. */
export async function videosToScore(db: DbOrTx): Promise<number[]> {
  const rows = await db
    .select({ id: videos.id })
    .from(videos)
    .leftJoin(videoCuration, eq(videoCuration.videoId, videos.id))
    .where(and(notImporting, or(isNull(videoCuration.videoId), lt(videoCuration.scorer, CURATION_SCORER))))
    .orderBy(asc(videos.id));
  return rows.map((r) => r.id);
}

export interface CurationProgress {
  done: number;
  total: number;
  videoId: number;
}

export interface CurationRun {
  scored: number;
  /** Videos whose scoring failed (a missing frame file, a corrupt mask); logged, retried by the next backfill. */
  failed: number;
}

/**
 * Scores the given videos one after another. A failure is logged and skipped, never thrown: the
 * videos themselves are fine, only their scores are missing, and the next backfill tries again.
 */
export async function scoreVideos(app: CurationDeps, videoIds: readonly number[], onProgress?: (e: CurationProgress) => void): Promise<CurationRun> {
  const run: CurationRun = { scored: 0, failed: 0 };
  let done = 0;
  for (const videoId of videoIds) {
    try {
      await scoreVideo(app, videoId);
      run.scored++;
    } catch (e) {
      run.failed++;
      app.log.warn({ videoId, err: e }, 'curation scoring failed');
    }
    onProgress?.({ done: ++done, total: videoIds.length, videoId });
  }
  return run;
}

/**
 * Scores every video lacking a curation row or carrying one from an older scorer (`all`: every
 * video, e.g. after lookalikeMaxDistance changed, since the stored pairs were cut at the old value).
 * Meant for start-up, not awaited: scores appear in the curation table as they are computed.
 */
export async function backfillCuration(app: CurationDeps, onProgress?: (e: CurationProgress) => void, opts: { all?: boolean } = {}): Promise<CurationRun> {
  const ids = opts.all
    ? (await app.db.select({ id: videos.id }).from(videos).where(notImporting).orderBy(asc(videos.id))).map((r) => r.id)
    : await videosToScore(app.db);
  if (ids.length === 0) return { scored: 0, failed: 0 };
  const run = await scoreVideos(app, ids, onProgress);
  app.log.info({ ...run }, 'computed curation scores');
  return run;
}

/**
 * Objects' categories per video name, taken before an import commits: an import that only adds
 * categories to videos already present (meta.json after the masks) changes their look-alike
 * pairs, and this is how curateAfterImport tells them from unchanged re-imports.
 */
export async function categorySnapshot(db: DbOrTx, names: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (const part of chunked([...new Set(names)])) {
    const rows = await db
      .select({ name: videos.name, localId: objects.localId, category: objects.category })
      .from(objects)
      .innerJoin(videos, eq(videos.id, objects.videoId))
      .where(inArray(videos.name, part))
      .orderBy(asc(videos.name), asc(objects.localId));
    for (const r of rows) out.set(r.name, (out.get(r.name) ?? '') + `${r.localId}:${r.category ?? ''}\n`);
  }
  return out;
}

/**
 * After a committed import: the videos to score — those it added, and those it kept whose
 * categories it changed or that have no current score.
 */
export async function videosToScoreAfterImport(db: DbOrTx, importId: number, names: readonly string[], categoriesBefore: Map<string, string>): Promise<number[]> {
  const after = await categorySnapshot(db, names);
  const rows = new Map<number, { importId: number | null; name: string }>();
  for (const part of chunked([...new Set(names)])) {
    for (const v of await db.select({ id: videos.id, importId: videos.importId, name: videos.name }).from(videos).where(inArray(videos.name, part))) rows.set(v.id, v);
  }
  const current = await curationRows(db, [...rows.keys()]);
  return [...rows]
    .filter(([id, v]) => v.importId === importId || (current.get(id)?.scorer ?? 0) < CURATION_SCORER || categoriesBefore.get(v.name) !== after.get(v.name))
    .map(([id]) => id)
    .sort((a, b) => a - b);
}
