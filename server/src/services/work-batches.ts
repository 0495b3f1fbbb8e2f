import { and, asc, count, countDistinct, desc, eq, gte, inArray, isNull, lt, max, or, sql, type SQL } from 'drizzle-orm';
import type { BatchDetail, BatchVideoPick, BatchView, CreateBatchInput, MyBatch, UnassignedQuery } from '#shared/schemas/batches.ts';
import { isUniqueViolation } from '../db/busy.ts';
import type { Db, DbOrTx, Tx } from '../db/client.ts';
import { expressions, userRoles, users, videos, workBatches, workBatchVideos } from '../db/schema/index.ts';
import { audit } from './audit.ts';
import { badRequest, conflict, notFound } from './errors.ts';
import { containsText } from './like.ts';
import { notImporting, shownStatus } from './video-visibility.ts';

/*
 * Work batches: an admin sets curated videos aside for one annotator. While a batch is open its
 * videos are that annotator's only, and come to them first (services/assignment.ts); closing it
 * hands them back to the lottery and keeps the batch, its videos and its counts as history.
 */

const b = workBatches;
const bv = workBatchVideos;
const e = expressions;

/** A row of work_batch_videos that is the batch's: in it now, or, for a closed batch, in it when it closed. */
const memberOfBatch = sql`(${bv.releasedAt} is null or ${bv.releasedAt} >= ${b.closedAt})`;
/** The annotator's expressions that count for the batch: on its videos, written while it was open. */
const writtenForBatch = and(eq(e.videoId, bv.videoId), eq(e.authorId, b.annotatorId), gte(e.createdAt, b.createdAt), or(isNull(b.closedAt), lt(e.createdAt, b.closedAt)));
const acceptedCount = sql<number>`count(${e.id}) filter (where ${e.status} = 'accepted')`.mapWith(Number);

/** Batches with their progress, open ones first, newest first. */
async function batchViews(db: DbOrTx, where: SQL | undefined, limit = 500): Promise<BatchView[]> {
  const rows = await db
    .select({
      id: b.id,
      name: b.name,
      annotatorId: b.annotatorId,
      createdById: b.createdBy,
      createdAt: b.createdAt,
      closedAt: b.closedAt,
      videos: countDistinct(bv.videoId),
      videosStarted: countDistinct(e.videoId),
      expressionsWritten: count(e.id),
      expressionsAccepted: acceptedCount,
      lastActivityAt: max(e.createdAt),
    })
    .from(b)
    .leftJoin(bv, and(eq(bv.batchId, b.id), memberOfBatch))
    .leftJoin(e, writtenForBatch)
    .where(where)
    .groupBy(b.id)
    .orderBy(sql`case when ${b.closedAt} is null then 0 else 1 end`, desc(b.id))
    .limit(limit);
  const people = await peopleOf(db, rows.flatMap((r) => (r.createdById === null ? [r.annotatorId] : [r.annotatorId, r.createdById])));
  return rows.map(({ createdById, ...r }) => ({
    ...r,
    annotator: people.get(r.annotatorId)?.username ?? `user ${r.annotatorId}`,
    annotatorActive: people.get(r.annotatorId)?.active ?? false,
    createdBy: createdById === null ? null : (people.get(createdById)?.username ?? null),
    lastActivityAt: r.lastActivityAt ?? null,
  }));
}

/** Names of these users, and whether each is an enabled annotator (a batch of someone who left holds its videos for nobody). */
async function peopleOf(db: DbOrTx, ids: number[]): Promise<Map<number, { username: string; active: boolean }>> {
  const unique = [...new Set(ids)];
  if (!unique.length) return new Map();
  const rows = await db
    .select({ id: users.id, username: users.username, disabled: users.disabled, role: userRoles.role })
    .from(users)
    .leftJoin(userRoles, and(eq(userRoles.userId, users.id), eq(userRoles.role, 'annotator')))
    .where(inArray(users.id, unique));
  return new Map(rows.map((u) => [u.id, { username: u.username, active: !u.disabled && u.role !== null }]));
}

export function listBatches(db: Db): Promise<BatchView[]> {
  return batchViews(db, undefined);
}

/** One batch with each of its videos and the annotator's expressions on it. */
export async function getBatch(db: DbOrTx, batchId: number): Promise<BatchDetail> {
  const [view] = await batchViews(db, eq(b.id, batchId));
  if (!view) throw notFound(`batch ${batchId}`);
  const videoList = await db
    .select({ id: videos.id, name: videos.name, status: videos.status, expressionsWritten: count(e.id), expressionsAccepted: acceptedCount })
    .from(bv)
    .innerJoin(b, eq(b.id, bv.batchId))
    .innerJoin(videos, eq(videos.id, bv.videoId))
    .leftJoin(e, writtenForBatch)
    .where(and(eq(bv.batchId, batchId), memberOfBatch))
    .groupBy(videos.id)
    .orderBy(asc(videos.name));
  return { ...view, videoList: videoList.map((v) => ({ ...v, status: shownStatus(v.status) })) };
}

/** The annotator's open batches and how far they are (their home page). */
export async function myBatches(db: Db, annotatorId: number): Promise<MyBatch[]> {
  return (await batchViews(db, and(eq(b.annotatorId, annotatorId), isNull(b.closedAt)))).map(({ id, name, videos: n, videosStarted }) => ({ id, name, videos: n, videosStarted }));
}

/** Curated videos that no open batch holds. */
const unassigned = and(eq(videos.status, 'accepted'), sql`not exists (select 1 from ${bv} where ${bv.videoId} = ${videos.id} and ${bv.releasedAt} is null)`);
const acceptedExpressions = sql<number>`(select count(*) from ${e} where ${e.videoId} = ${videos.id} and ${e.status} = 'accepted')`.mapWith(Number);

/**
 * Curated videos no open batch holds, those that need expressions most first (fewest accepted,
 * then by name): the picker's list, whose first N are "the next N unassigned videos".
 */
export async function listUnassigned(db: DbOrTx, q: UnassignedQuery) {
  const where = and(unassigned, q.search ? containsText(videos.name, q.search) : undefined);
  const [{ n: total }] = (await db.select({ n: count() }).from(videos).where(where)) as [{ n: number }];
  const rows = await db
    .select({ id: videos.id, name: videos.name, frameCount: videos.frameCount, acceptedExpressions })
    .from(videos)
    .where(where)
    .orderBy(asc(acceptedExpressions), asc(videos.name))
    .limit(q.limit)
    .offset(q.offset);
  return { total, videos: rows };
}

interface Hold {
  videoId: number;
  video: string;
  batchId: number;
  batch: string;
  annotator: string;
}

/** Which of these videos open batches hold, and which batches. */
async function holdsOn(db: DbOrTx, videoIds: number[]): Promise<Hold[]> {
  if (!videoIds.length) return [];
  return db
    .select({ videoId: videos.id, video: videos.name, batchId: b.id, batch: b.name, annotator: users.username })
    .from(bv)
    .innerJoin(b, eq(b.id, bv.batchId))
    .innerJoin(videos, eq(videos.id, bv.videoId))
    .innerJoin(users, eq(users.id, b.annotatorId))
    .where(and(inArray(bv.videoId, videoIds), isNull(bv.releasedAt)))
    .orderBy(asc(videos.id));
}

const listed = (items: string[], most = 5) => (items.length > most ? `${items.slice(0, most).join(', ')} and ${items.length - most} more` : items.join(', '));

function heldError(holds: Hold[]) {
  const what = holds.map((h) => `"${h.video}" (id ${h.videoId}, batch "${h.batch}" of ${h.annotator})`);
  return conflict(`${holds.length === 1 ? 'video' : 'videos'} ${listed(what)} ${holds.length === 1 ? 'is' : 'are'} already in an open batch; a video is in one open batch at a time`);
}

/**
 * Runs a change that puts videos into a batch. Whether a video is free is left to the partial
 * unique index work_batch_videos_open_uq (a video is in at most one open batch), not to a check
 * that two admins racing could both pass: its violation rolls the whole change back and becomes a
 * clear error naming the video and the batch that holds it. (Under SERIALIZABLE, PostgreSQL may
 * report two transactions at once as a serialization failure instead: the request runs again and
 * meets the index then.)
 */
async function puttingVideos<T>(db: Db, change: (track: (ids: number[]) => void) => Promise<T>): Promise<T> {
  let tried: number[] = [];
  try {
    return await change((ids) => (tried = ids));
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
    const holds = await holdsOn(db, tried);
    throw holds.length ? heldError(holds) : conflict('a video was put in another batch meanwhile; please try again');
  }
}

/** The videos a pick names, checked to be curated; those already in `into` (the batch they go to) are left out. */
async function resolvePick(tx: Tx, pick: BatchVideoPick, into?: number): Promise<number[]> {
  if ('next' in pick) {
    const { videos: next } = await listUnassigned(tx, { limit: pick.next, offset: 0 });
    if (!next.length) throw badRequest('every curated video is in an open batch already: none is left to assign');
    return next.map((v) => v.id);
  }
  const ids = [...new Set(pick.videoIds)];
  const found = await tx.select({ id: videos.id, name: videos.name, status: videos.status }).from(videos).where(and(inArray(videos.id, ids), notImporting));
  const byId = new Map(found.map((v) => [v.id, v]));
  const missing = ids.filter((id) => !byId.has(id));
  if (missing.length) throw notFound(`${missing.length === 1 ? 'video' : 'videos'} ${listed(missing.map(String))}`);
  const notCurated = found.filter((v) => v.status !== 'accepted');
  if (notCurated.length) {
    throw badRequest(`only curated (accepted) videos can be assigned: ${listed(notCurated.map((v) => `"${v.name}" (id ${v.id}) is ${v.status}`))}`);
  }
  if (into === undefined) return ids;
  const already = new Set((await tx.select({ videoId: bv.videoId }).from(bv).where(and(eq(bv.batchId, into), inArray(bv.videoId, ids), isNull(bv.releasedAt)))).map((r) => r.videoId));
  return ids.filter((id) => !already.has(id));
}

async function putInBatch(tx: Tx, batchId: number, videoIds: number[]): Promise<void> {
  // A video taken out of this batch earlier has its row still: it is put back (released_at cleared).
  for (let i = 0; i < videoIds.length; i += 400) {
    await tx
      .insert(bv)
      .values(videoIds.slice(i, i + 400).map((videoId) => ({ batchId, videoId, releasedAt: null })))
      .onConflictDoUpdate({ target: [bv.batchId, bv.videoId], set: { releasedAt: null } });
  }
}

/** Refuses anyone but an enabled user with the annotator role. */
async function assertAnnotator(tx: Tx, userId: number): Promise<void> {
  const [u] = await tx.select({ username: users.username, disabled: users.disabled }).from(users).where(eq(users.id, userId));
  if (!u) throw notFound(`user ${userId}`);
  const [role] = await tx.select({ role: userRoles.role }).from(userRoles).where(and(eq(userRoles.userId, userId), eq(userRoles.role, 'annotator')));
  if (!role) throw badRequest(`${u.username} is not an annotator: a batch goes to a user with the annotator role`);
  if (u.disabled) throw badRequest(`${u.username} is disabled: a batch goes to an active annotator`);
}

async function openBatch(tx: Tx, batchId: number) {
  const [batch] = await tx.select({ id: b.id, name: b.name, closedAt: b.closedAt }).from(b).where(eq(b.id, batchId));
  if (!batch) throw notFound(`batch ${batchId}`);
  if (batch.closedAt !== null) throw conflict(`batch "${batch.name}" is closed; make a new batch instead`);
  return batch;
}

export async function createBatch(db: Db, input: CreateBatchInput, actorId: number, now = Date.now()): Promise<BatchView> {
  const id = await puttingVideos(db, (track) =>
    db.transaction(async (tx) => {
      await assertAnnotator(tx, input.annotatorId);
      const ids = await resolvePick(tx, input.videos);
      track(ids);
      const [row] = await tx.insert(b).values({ name: input.name, annotatorId: input.annotatorId, createdBy: actorId, createdAt: now }).returning({ id: b.id });
      await putInBatch(tx, row!.id, ids);
      await audit(tx, { actorId, action: 'batch.create', entity: 'work_batch', entityId: row!.id, data: { name: input.name, annotatorId: input.annotatorId, videoIds: ids } }, now);
      return row!.id;
    }),
  );
  return (await batchViews(db, eq(b.id, id)))[0]!;
}

/** Adds videos to an open batch; those already in it stay as they are. */
export async function addBatchVideos(db: Db, batchId: number, pick: BatchVideoPick, actorId: number, now = Date.now()): Promise<BatchDetail> {
  await puttingVideos(db, (track) =>
    db.transaction(async (tx) => {
      await openBatch(tx, batchId);
      const ids = await resolvePick(tx, pick, batchId);
      track(ids);
      if (!ids.length) return;
      await putInBatch(tx, batchId, ids);
      await audit(tx, { actorId, action: 'batch.addVideos', entity: 'work_batch', entityId: batchId, data: { videoIds: ids } }, now);
    }),
  );
  return getBatch(db, batchId);
}

/** Takes videos out of an open batch: they go back to the lottery. */
export async function removeBatchVideos(db: Db, batchId: number, videoIds: number[], actorId: number, now = Date.now()): Promise<BatchDetail> {
  await db.transaction(async (tx) => {
    const batch = await openBatch(tx, batchId);
    const ids = [...new Set(videoIds)];
    const inIt = new Set((await tx.select({ videoId: bv.videoId }).from(bv).where(and(eq(bv.batchId, batchId), inArray(bv.videoId, ids), isNull(bv.releasedAt)))).map((r) => r.videoId));
    const strangers = ids.filter((id) => !inIt.has(id));
    if (strangers.length) throw badRequest(`${strangers.length === 1 ? 'video' : 'videos'} ${listed(strangers.map(String))} ${strangers.length === 1 ? 'is' : 'are'} not in batch "${batch.name}"`);
    await tx
      .update(bv)
      .set({ releasedAt: now })
      .where(and(eq(bv.batchId, batchId), inArray(bv.videoId, ids), isNull(bv.releasedAt)));
    await audit(tx, { actorId, action: 'batch.removeVideos', entity: 'work_batch', entityId: batchId, data: { videoIds: ids } }, now);
  });
  return getBatch(db, batchId);
}

/** Closes a batch: its videos go back to the lottery; the batch and its counts stay as history. */
export async function closeBatch(db: Db, batchId: number, actorId: number, now = Date.now()): Promise<BatchView> {
  await db.transaction(async (tx) => {
    await openBatch(tx, batchId);
    const released = await tx
      .update(bv)
      .set({ releasedAt: now })
      .where(and(eq(bv.batchId, batchId), isNull(bv.releasedAt)))
      .returning({ videoId: bv.videoId });
    await tx.update(b).set({ closedAt: now }).where(eq(b.id, batchId));
    await audit(tx, { actorId, action: 'batch.close', entity: 'work_batch', entityId: batchId, data: { videosReleased: released.length } }, now);
  });
  return (await batchViews(db, eq(b.id, batchId)))[0]!;
}
