import { and, asc, count, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import type { VideoStatus } from '#shared/domain.ts';
import { suggestion } from '#shared/curation/index.ts';
import type { CurationQuery, CurationRow } from '#shared/schemas/curation.ts';
import type { Db } from '../db/client.ts';
import { expressions, videoCuration, videos } from '../db/schema/index.ts';
import { audit } from './audit.ts';
import { badRequest } from './errors.ts';
import { getSettings } from './settings.ts';
import { containsText } from './like.ts';
import { notImporting, shownStatus } from './video-visibility.ts';

/**
 * The curation table: every video with its stored scores, the rules' suggestion (computed in SQL
 * from the current thresholds, so it can be filtered and sorted on), paginated for thousands.
 */
export async function listCuration(db: Db, q: CurationQuery) {
  const s = await getSettings(db);
  const expressionCount = sql<number>`(select count(*) from ${expressions} where ${expressions.videoId} = ${videos.id} and ${expressions.status} = 'accepted')`;
  const suggested = sql<number | null>`case when ${videoCuration.videoId} is null then null when ${videoCuration.objectCount} >= ${s.curationMinObjects} and ${videoCuration.movingCount} >= ${s.curationMinMoving} and ${videoCuration.sparseObjects} = 0 then 1 else 0 end`;
  const durationSec = sql<number>`${videos.frameCount} / ${videos.fps}`;
  const conditions: SQL[] = [];
  conditions.push(q.status ? eq(videos.status, q.status) : notImporting);
  if (q.search) conditions.push(containsText(videos.name, q.search));
  if (q.suggested !== undefined) conditions.push(sql`${suggested} = ${q.suggested ? 1 : 0}`);
  const where = conditions.length ? and(...conditions) : undefined;
  const key = {
    name: videos.name,
    objects: videoCuration.objectCount,
    moving: videoCuration.movingCount,
    lookalikes: videoCuration.lookalikePairs,
    duration: durationSec,
    frames: videos.frameCount,
    expressions: expressionCount,
  }[q.sort];
  const order = q.dir === 'asc' ? asc(key) : desc(key);
  const [{ n: total }] = (await db.select({ n: count() }).from(videos).leftJoin(videoCuration, eq(videoCuration.videoId, videos.id)).where(where)) as [{ n: number }];
  const rows = await db
    .select({
      id: videos.id,
      name: videos.name,
      source: videos.source,
      status: videos.status,
      width: videos.width,
      height: videos.height,
      frameCount: videos.frameCount,
      durationSec,
      objectCount: videoCuration.objectCount,
      movingCount: videoCuration.movingCount,
      lookalikePairs: videoCuration.lookalikePairs,
      lookalikeDetail: videoCuration.lookalikeDetail,
      sparseObjects: videoCuration.sparseObjects,
      expressionCount,
      suggested,
    })
    .from(videos)
    .leftJoin(videoCuration, eq(videoCuration.videoId, videos.id))
    .where(where)
    .orderBy(order, asc(videos.name))
    .limit(q.limit)
    .offset(q.offset);
  return {
    total,
    rules: { minObjects: s.curationMinObjects, minMoving: s.curationMinMoving },
    rows: rows.map((r): CurationRow => {
      // The same rule code as everywhere else; SQL above only mirrors it for filtering and sorting.
      const reasons =
        r.objectCount === null || r.movingCount === null || r.lookalikePairs === null
          ? []
          : suggestion({ objectCount: r.objectCount, movingCount: r.movingCount, lookalikePairs: r.lookalikePairs, sparseObjects: r.sparseObjects ?? 0 }, s).reasons;
      const { lookalikeDetail, ...rest } = r;
      return { ...rest, status: shownStatus(r.status), suggested: r.suggested === null ? null : Number(r.suggested) === 1, lookalikes: lookalikeDetail ? (JSON.parse(lookalikeDetail) as CurationRow['lookalikes']) : [], reasons };
    }),
  };
}

/** Accepts or excludes videos, singly or in bulk; only accepted videos are served to annotators. */
export async function setVideoStatus(db: Db, videoIds: number[], status: VideoStatus, actorId: number, now = Date.now()): Promise<{ changed: number }> {
  const ids = [...new Set(videoIds)];
  return db.transaction(async (tx) => {
    const found = await tx.select({ id: videos.id, status: videos.status }).from(videos).where(and(inArray(videos.id, ids), notImporting));
    if (found.length !== ids.length) throw badRequest(`unknown video id(s): ${ids.filter((id) => !found.some((f) => f.id === id)).join(', ')}`);
    let changed = 0;
    for (const v of found) {
      if (v.status === status) continue;
      await tx.update(videos).set({ status }).where(eq(videos.id, v.id));
      await audit(tx, { actorId, action: 'video.status', entity: 'video', entityId: v.id, data: { from: v.status, to: status } }, now);
      changed++;
    }
    return { changed };
  });
}
