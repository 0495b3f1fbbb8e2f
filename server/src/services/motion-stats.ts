import { asc, eq, inArray, isNull } from 'drizzle-orm';
import { objectMotion, type ObjectMotion } from '#shared/motion/index.ts';
import type { Rle } from '#shared/rle/index.ts';
import type { Db, DbOrTx } from '../db/client.ts';
import { masks, objects, videos } from '../db/schema/index.ts';

/** Motion of one object from its stored masks (frames without a row are "not visible"). */
export function motionOfTrack(size: [number, number], frameCount: number, rows: { frameIdx: number; counts: string }[]): ObjectMotion {
  const track: (Rle | null)[] = new Array(frameCount).fill(null);
  for (const r of rows) track[r.frameIdx] = { size, counts: r.counts };
  return objectMotion(track);
}

export function motionColumns(m: ObjectMotion) {
  return {
    visibleFrames: m.visibleFrames,
    motionReach: m.reach,
    motionShapeIou: m.shapeIou,
    motionTravel: m.travel,
    motionDisplacement: m.displacement,
    motionMeanIou: m.meanIou,
    motionAreaChange: m.areaChange,
    moving: m.moving,
  };
}

/**
 * Objects imported before motion statistics existed get them at start-up; new imports compute
 * them in the import transaction. Returns how many objects were filled.
 */
export async function backfillMotionStats(db: Db): Promise<number> {
  const missing = await db.select({ id: objects.id, videoId: objects.videoId }).from(objects).where(isNull(objects.visibleFrames));
  if (missing.length === 0) return 0;
  const videoRows = await db
    .select({ id: videos.id, w: videos.width, h: videos.height, n: videos.frameCount })
    .from(videos)
    .where(inArray(videos.id, [...new Set(missing.map((m) => m.videoId))]));
  const videoOf = new Map(videoRows.map((v) => [v.id, v]));
  for (const o of missing) {
    const v = videoOf.get(o.videoId)!;
    const rows = await db.select({ frameIdx: masks.frameIdx, counts: masks.counts }).from(masks).where(eq(masks.objectId, o.id)).orderBy(asc(masks.frameIdx));
    // Computed outside the transaction: only the row update is written.
    const motion = motionOfTrack([v.h, v.w], v.n, rows);
    await db.transaction((tx) => setMotion(tx, o.id, motion));
  }
  return missing.length;
}

export async function setMotion(tx: DbOrTx, objectId: number, m: ObjectMotion): Promise<void> {
  await tx.update(objects).set(motionColumns(m)).where(eq(objects.id, objectId));
}
