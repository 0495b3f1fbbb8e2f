import { and, count, desc, eq, gt, inArray, isNotNull, isNull, lt, min, type SQL } from 'drizzle-orm';
import { MASK_FLAG_LIMITS, type FlagResult, type MaskFlagRow } from '#shared/schemas/objects.ts';
import type { Db, DbOrTx } from '../db/client.ts';
import { auditLog, expressions, leases, maskFlags, masks, objects, users, videos } from '../db/schema/index.ts';
import { assertNotReservedForOther } from './assignment.ts';
import { audit } from './audit.ts';
import { conflict, notFound, ServiceError } from './errors.ts';

/**
 * "Bad mask" flags (issue 17): an annotator or a validator reports an object whose mask looks
 * wrong, with a short note, for the admin's queue. Each may name only an object of the video the
 * server handed them: an annotator, a curated video they may annotate (not one set aside for
 * someone else); a validator, the video of the sample they hold, and only by its local id (they
 * name no sample, and every answer is the same whatever the sample's targets are). Excluded
 * objects cannot be flagged (they are not shown). One flag per (object, reporter): a new note
 * updates it and opens it again. Each person's flags are bounded per hour (MASK_FLAG_LIMITS),
 * counted in the audit log, where every stored flag is written.
 */

interface FlagTarget {
  videoId: number;
  localId: number;
  /** The sample the validator holds; null for an annotator. */
  expressionId: number | null;
}

/** An annotator flags an object of a curated video they may work on. */
export async function flagByAnnotator(db: Db, userId: number, input: { videoId: number; localId: number; note: string }, now = Date.now()): Promise<FlagResult> {
  const [v] = await db.select({ status: videos.status }).from(videos).where(eq(videos.id, input.videoId));
  if (!v || v.status !== 'accepted') throw notFound(`video ${input.videoId}`);
  await assertNotReservedForOther(db, userId, input.videoId);
  return record(db, userId, { videoId: input.videoId, localId: input.localId, expressionId: null }, input.note, now);
}

/** A validator flags an object of the video of the sample they hold (the lease says which). */
export async function flagByValidator(db: Db, userId: number, input: { localId: number; note: string }, now = Date.now()): Promise<FlagResult> {
  const [held] = await db
    .select({ expressionId: leases.expressionId, videoId: expressions.videoId })
    .from(leases)
    .innerJoin(expressions, eq(expressions.id, leases.expressionId))
    .where(eq(leases.validatorId, userId));
  if (!held) throw conflict('you hold no sample right now: a mask is flagged from the video of the sample you are answering');
  return record(db, userId, { videoId: held.videoId, localId: input.localId, expressionId: held.expressionId }, input.note, now);
}

async function record(db: Db, reporterId: number, t: FlagTarget, note: string, now: number): Promise<FlagResult> {
  return db.transaction(async (tx) => {
    const [o] = await tx
      .select({ id: objects.id })
      .from(objects)
      .where(and(eq(objects.videoId, t.videoId), eq(objects.localId, t.localId), isNull(objects.excludedAt)));
    // The same words for an object that does not exist and one an admin excluded.
    if (!o) throw new ServiceError('BAD_REQUEST', `this video has no object #${t.localId}`);
    const [previous] = await tx.select().from(maskFlags).where(and(eq(maskFlags.objectId, o.id), eq(maskFlags.reporterId, reporterId)));
    if (previous && previous.resolvedAt === null && previous.note === note) return { flagged: true as const, alreadyFlagged: true };
    const [{ n: recent }] = (await tx
      .select({ n: count() })
      .from(auditLog)
      .where(and(gt(auditLog.at, now - MASK_FLAG_LIMITS.windowMs), eq(auditLog.actorId, reporterId), eq(auditLog.action, 'mask.flag')))) as [{ n: number }];
    if (recent >= MASK_FLAG_LIMITS.perWindow) {
      throw new ServiceError('TOO_MANY_REQUESTS', `you have flagged ${recent} masks in the last ${MASK_FLAG_LIMITS.windowMs / 60_000} minutes; the admin has them, please wait a little before the next`);
    }
    const values = { note, expressionId: t.expressionId, createdAt: now, resolvedAt: null, resolvedBy: null, resolution: null };
    const [row] = previous
      ? await tx.update(maskFlags).set(values).where(eq(maskFlags.id, previous.id)).returning({ id: maskFlags.id })
      : await tx.insert(maskFlags).values({ objectId: o.id, videoId: t.videoId, reporterId, ...values }).returning({ id: maskFlags.id });
    await audit(tx, { actorId: reporterId, action: 'mask.flag', entity: 'object', entityId: o.id, data: { flagId: row!.id, videoId: t.videoId, localId: t.localId, reopened: Boolean(previous) } }, now);
    return { flagged: true as const, alreadyFlagged: false };
  });
}

/** Flags with their object, video, reporter and resolver, newest first. */
export async function flagRows(db: DbOrTx, q: { state: 'open' | 'resolved'; videoId?: number; limit: number; before?: number }): Promise<MaskFlagRow[]> {
  const where: SQL[] = [q.state === 'open' ? isNull(maskFlags.resolvedAt) : isNotNull(maskFlags.resolvedAt)];
  if (q.videoId !== undefined) where.push(eq(maskFlags.videoId, q.videoId));
  if (q.before !== undefined) where.push(lt(maskFlags.id, q.before));
  const rows = await db
    .select({
      id: maskFlags.id,
      objectId: maskFlags.objectId,
      localId: objects.localId,
      category: objects.category,
      videoId: maskFlags.videoId,
      videoName: videos.name,
      reporter: users.username,
      expressionId: maskFlags.expressionId,
      note: maskFlags.note,
      createdAt: maskFlags.createdAt,
      excludedAt: objects.excludedAt,
      resolvedAt: maskFlags.resolvedAt,
      resolvedById: maskFlags.resolvedBy,
      resolution: maskFlags.resolution,
    })
    .from(maskFlags)
    .innerJoin(objects, eq(objects.id, maskFlags.objectId))
    .innerJoin(videos, eq(videos.id, maskFlags.videoId))
    .innerJoin(users, eq(users.id, maskFlags.reporterId))
    .where(and(...where))
    .orderBy(desc(maskFlags.id))
    .limit(q.limit);
  const objectIds = [...new Set(rows.map((r) => r.objectId))];
  const first = new Map(
    (objectIds.length ? await db.select({ objectId: masks.objectId, first: min(masks.frameIdx) }).from(masks).where(inArray(masks.objectId, objectIds)).groupBy(masks.objectId) : []).map((r) => [
      r.objectId,
      r.first,
    ]),
  );
  const resolverIds = [...new Set(rows.map((r) => r.resolvedById).filter((id): id is number => id !== null))];
  const names = new Map(resolverIds.length ? (await db.select({ id: users.id, username: users.username }).from(users).where(inArray(users.id, resolverIds))).map((u) => [u.id, u.username]) : []);
  return rows.map(({ excludedAt, resolvedById, ...r }) => ({
    ...r,
    firstFrame: first.get(r.objectId) ?? null,
    objectExcluded: excludedAt !== null,
    resolvedBy: resolvedById === null ? null : (names.get(resolvedById) ?? null),
  }));
}

/** The admin's queue: a page of flags (open ones by default) and how many are open. */
export async function listFlags(db: Db, q: { state: 'open' | 'resolved'; videoId?: number; limit: number; before?: number }) {
  const flags = await flagRows(db, { ...q, limit: q.limit + 1 });
  const [{ n: open }] = (await db.select({ n: count() }).from(maskFlags).where(isNull(maskFlags.resolvedAt))) as [{ n: number }];
  const more = flags.length > q.limit;
  const page = flags.slice(0, q.limit);
  return { flags: page, nextBefore: more ? page.at(-1)!.id : null, open };
}
