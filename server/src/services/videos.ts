import { and, asc, count, eq, inArray, isNull } from 'drizzle-orm';
import type { VideoStatus } from '#shared/domain.ts';
import type { VideoDetail, VideoMasks, VideoSummary } from '#shared/schemas/videos.ts';
import type { Db, DbOrTx } from '../db/client.ts';
import { expressions, frames, masks, objects, videos } from '../db/schema/index.ts';
import { notHeldForOthers } from './assignment.ts';
import { notFound } from './errors.ts';
import { notImporting, shownStatus } from './video-visibility.ts';

export interface VideoScope {
  /** Non-admins only ever see curated (accepted) videos. */
  onlyAccepted: boolean;
  /** An annotator's list leaves out the videos other annotators' open work batches hold. */
  annotatorId?: number;
  /**
   * Also the objects an admin took out of annotation (services/objects-admin.ts): only the admin's
   * own pages ask for them. Everyone else, and every work page, gets the video without them.
   */
  withExcluded?: boolean;
}

/** Objects shown in this scope: excluded ones only on an admin page that asks for them. */
const shownObjects = (videoId: number, scope: VideoScope) => and(eq(objects.videoId, videoId), scope.withExcluded ? undefined : isNull(objects.excludedAt));

async function loadVideo(db: DbOrTx, videoId: number, scope: VideoScope) {
  // Videos still being imported are missing to everyone, admins included.
  const [v] = await db.select().from(videos).where(and(eq(videos.id, videoId), notImporting));
  // Same error for "missing" and "not yours to see": ids are not an oracle for excluded videos.
  if (!v || (scope.onlyAccepted && v.status !== 'accepted')) throw notFound(`video ${videoId}`);
  return { ...v, status: shownStatus(v.status) };
}

export async function listVideos(db: Db, opts: { status?: VideoStatus; limit: number; offset: number }, scope: VideoScope): Promise<{ total: number; videos: VideoSummary[] }> {
  const status = scope.onlyAccepted ? 'accepted' : opts.status;
  const where = and(status ? eq(videos.status, status) : notImporting, scope.annotatorId === undefined ? undefined : notHeldForOthers(scope.annotatorId));
  const [{ n: total }] = (await db.select({ n: count() }).from(videos).where(where)) as [{ n: number }];
  const rows = await db
    .select({
      id: videos.id,
      name: videos.name,
      status: videos.status,
      width: videos.width,
      height: videos.height,
      frameCount: videos.frameCount,
      fps: videos.fps,
    })
    .from(videos)
    .where(where)
    .orderBy(asc(videos.name))
    .limit(opts.limit)
    .offset(opts.offset);
  const ids = rows.map((r) => r.id);
  const perVideo = async (table: typeof objects | typeof expressions, where?: ReturnType<typeof isNull>) =>
    new Map(
      ids.length
        ? (await db.select({ videoId: table.videoId, n: count() }).from(table).where(and(inArray(table.videoId, ids), where)).groupBy(table.videoId)).map((r) => [r.videoId, r.n])
        : [],
    );
  // The objects people annotate: excluded ones are not counted.
  const objectCounts = await perVideo(objects, isNull(objects.excludedAt));
  const expressionCounts = await perVideo(expressions);
  return {
    total,
    videos: rows.map((r) => ({ ...r, status: shownStatus(r.status), objectCount: objectCounts.get(r.id) ?? 0, expressionCount: expressionCounts.get(r.id) ?? 0 })),
  };
}

export async function getVideo(db: DbOrTx, videoId: number, scope: VideoScope): Promise<VideoDetail> {
  const v = await loadVideo(db, videoId, scope);
  const frameRows = await db.select({ name: frames.name }).from(frames).where(eq(frames.videoId, videoId)).orderBy(asc(frames.idx));
  const objectRows = await db
    .select({ localId: objects.localId, category: objects.category })
    .from(objects)
    .where(shownObjects(videoId, scope))
    .orderBy(asc(objects.localId));
  return { id: v.id, name: v.name, status: v.status, width: v.width, height: v.height, fps: v.fps, frames: frameRows.map((f) => f.name), objects: objectRows };
}

export async function getVideoMasks(db: Db, videoId: number, scope: VideoScope): Promise<VideoMasks> {
  const v = await loadVideo(db, videoId, scope);
  const objs = await db.select({ id: objects.id, localId: objects.localId }).from(objects).where(shownObjects(videoId, scope)).orderBy(asc(objects.localId));
  const tracks = new Map(objs.map((o) => [o.id, { localId: o.localId, counts: new Array<string | null>(v.frameCount).fill(null) }]));
  if (objs.length) {
    const rows = await db
      .select({ objectId: masks.objectId, frameIdx: masks.frameIdx, counts: masks.counts })
      .from(masks)
      .where(inArray(masks.objectId, objs.map((o) => o.id)));
    for (const r of rows) tracks.get(r.objectId)!.counts[r.frameIdx] = r.counts;
  }
  return { size: [v.height, v.width], tracks: [...tracks.values()] };
}

/** The frame's content address, or null; used by the media route after its access check. */
export async function frameHash(db: Db, videoId: number, idx: number, scope: VideoScope): Promise<string | null> {
  const [row] = await db
    .select({ sha256: frames.sha256, status: videos.status })
    .from(frames)
    .innerJoin(videos, eq(videos.id, frames.videoId))
    .where(and(eq(frames.videoId, videoId), eq(frames.idx, idx), notImporting));
  if (!row || (scope.onlyAccepted && row.status !== 'accepted')) return null;
  return row.sha256;
}
