import { randomInt } from 'node:crypto';
import { and, count, eq, gt, isNull, max, sql, type SQL } from 'drizzle-orm';
import type { Db, DbOrTx } from '../db/client.ts';
import { annotationSkips, expressions, videos, workBatches, workBatchVideos } from '../db/schema/index.ts';
import { audit } from './audit.ts';
import { notFound, ServiceError } from './errors.ts';

/** A skip keeps a video away from that annotator for a day (unless nothing else is left). */
const SKIP_MEMORY_MS = 24 * 3600_000;

export interface VideoWeightInput {
  videoId: number;
  accepted: number;
  mine: number;
  skippedRecently: boolean;
}

/**
 * The "next video" lottery (paper §3.1: the system picks a video at random). Weighting towards
 * videos with few accepted expressions spreads the dataset over all videos; weighting away from
 * videos this annotator already wrote for keeps each video's expressions from one voice.
 */
export function videoWeight(v: VideoWeightInput): number {
  const coverage = 1 / (1 + v.accepted);
  const diversity = 1 / (1 + v.mine) ** 2;
  return coverage * diversity * (v.skippedRecently ? 0.02 : 1);
}

export function pickWeighted<T>(items: readonly T[], weight: (t: T) => number, random: (max: number) => number = randomInt): T | null {
  const weights = items.map(weight);
  const total = weights.reduce((a, b) => a + b, 0);
  if (!(total > 0)) return null;
  // Integer lottery on a fine grid: crypto randomInt takes integers only.
  const GRID = 1_000_000_000;
  let ticket = (random(GRID) / GRID) * total;
  for (let i = 0; i < items.length; i++) {
    ticket -= weights[i]!;
    if (ticket < 0) return items[i]!;
  }
  return items[items.length - 1]!;
}

/** A video an open work batch holds, for whom, and since when (services/work-batches.ts makes them). */
export interface Reservation {
  videoId: number;
  annotatorId: number;
  batchId: number;
  batchCreatedAt: number;
}

/**
 * Every video an open batch holds. The partial unique index work_batch_videos_open_uq keeps a
 * video in at most one, so each video appears once.
 */
export async function openReservations(db: DbOrTx): Promise<Reservation[]> {
  return db
    .select({ videoId: workBatchVideos.videoId, annotatorId: workBatches.annotatorId, batchId: workBatches.id, batchCreatedAt: workBatches.createdAt })
    .from(workBatchVideos)
    .innerJoin(workBatches, eq(workBatches.id, workBatchVideos.batchId))
    .where(isNull(workBatchVideos.releasedAt));
}

/** A filter on `videos`: not held by an open batch of another annotator than `userId` (lists and counts). */
export function notHeldForOthers(userId: number): SQL {
  return sql`not exists (select 1 from ${workBatchVideos} inner join ${workBatches} on ${workBatches.id} = ${workBatchVideos.batchId}
    where ${workBatchVideos.videoId} = ${videos.id} and ${workBatchVideos.releasedAt} is null and ${workBatches.annotatorId} <> ${userId})`;
}

/**
 * Refuses a video that another annotator's open batch holds, whichever way it is asked for by id
 * (opening it, writing for it, skipping it): while the batch is open it is that annotator's only.
 */
export async function assertNotReservedForOther(db: DbOrTx, userId: number, videoId: number): Promise<void> {
  const [held] = await db
    .select({ annotatorId: workBatches.annotatorId })
    .from(workBatchVideos)
    .innerJoin(workBatches, eq(workBatches.id, workBatchVideos.batchId))
    .where(and(eq(workBatchVideos.videoId, videoId), isNull(workBatchVideos.releasedAt)));
  if (held && held.annotatorId !== userId) throw new ServiceError('FORBIDDEN', `video ${videoId} is set aside for another annotator's work batch`);
}

/**
 * The next video for an annotator. First their open batches' videos they have not yet written for
 * since the batch was made (not skipped in the last day, not `exclude`); once none is left, the
 * lottery over every curated video, less those other annotators' open batches hold.
 */
export async function nextVideoFor(db: Db, userId: number, opts: { exclude?: number; now?: number } = {}): Promise<number | null> {
  const now = opts.now ?? Date.now();
  const accepted = await db
    .select({ videoId: expressions.videoId, n: count() })
    .from(expressions)
    .where(eq(expressions.status, 'accepted'))
    .groupBy(expressions.videoId);
  const mine = await db
    .select({ videoId: expressions.videoId, n: count(), last: max(expressions.createdAt) })
    .from(expressions)
    .where(eq(expressions.authorId, userId))
    .groupBy(expressions.videoId);
  const skipped = await db
    .selectDistinct({ videoId: annotationSkips.videoId })
    .from(annotationSkips)
    .where(and(eq(annotationSkips.userId, userId), gt(annotationSkips.at, now - SKIP_MEMORY_MS)));
  const reservations = await openReservations(db);
  const acceptedBy = new Map(accepted.map((r) => [r.videoId, r.n]));
  const mineBy = new Map(mine.map((r) => [r.videoId, r]));
  const skippedSet = new Set(skipped.map((r) => r.videoId));
  const heldBy = new Map(reservations.map((r) => [r.videoId, r]));
  const candidates = (await db.select({ id: videos.id }).from(videos).where(eq(videos.status, 'accepted')))
    .filter((v) => (heldBy.get(v.id)?.annotatorId ?? userId) === userId)
    .map((v) => ({ videoId: v.id, accepted: acceptedBy.get(v.id) ?? 0, mine: mineBy.get(v.id)?.n ?? 0, skippedRecently: skippedSet.has(v.id) }));
  const batchTodo = candidates.filter((c) => {
    const held = heldBy.get(c.videoId);
    if (!held || c.skippedRecently || c.videoId === opts.exclude) return false;
    const last = mineBy.get(c.videoId)?.last;
    return last == null || last < held.batchCreatedAt;
  });
  if (batchTodo.length) return pickWeighted(batchTodo, videoWeight)?.videoId ?? null;
  const pool = candidates.length > 1 && opts.exclude !== undefined ? candidates.filter((c) => c.videoId !== opts.exclude) : candidates;
  return pickWeighted(pool, videoWeight)?.videoId ?? null;
}

export async function recordSkip(db: Db, userId: number, videoId: number, now = Date.now()): Promise<void> {
  await db.transaction(async (tx) => {
    const [v] = await tx.select({ id: videos.id }).from(videos).where(and(eq(videos.id, videoId), eq(videos.status, 'accepted')));
    if (!v) throw notFound(`video ${videoId}`);
    await assertNotReservedForOther(tx, userId, videoId);
    await tx.insert(annotationSkips).values({ userId, videoId, at: now });
    await audit(tx, { actorId: userId, action: 'annotation.skip', entity: 'video', entityId: videoId }, now);
  });
}

