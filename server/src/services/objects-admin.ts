import { and, asc, count, eq, inArray, isNotNull, isNull, max, min } from 'drizzle-orm';
import { trackCoverage } from '#shared/objects/coverage.ts';
import type { Role } from '#shared/roles.ts';
import type { AdminVideoObjects } from '#shared/schemas/objects.ts';
import type { Db, DbOrTx, Tx } from '../db/client.ts';
import { expressions, expressionTargets, maskFlags, masks, objects, users, validations, videos } from '../db/schema/index.ts';
import { audit } from './audit.ts';
import { conflict, notFound } from './errors.ts';
import { flagRows } from './mask-flags.ts';
import { notImporting, shownStatus } from './video-visibility.ts';

/**
 * An admin's decisions on a video's objects (issue 17): take one out of annotation (a bystander, a
 * broken mask) with a note, or put it back. An excluded object is gone for everyone but the
 * admin: annotators and validators are not shown it and cannot name it (services/videos.ts,
 * annotation.ts, validation.ts), exports leave it out (export/write.ts), and expressions that
 * already named it are listed on the video's admin page for a decision. Merging two ids that are
 * one object is in object-merge.ts. Every decision is in the audit log, in its own transaction.
 */

export type ObjectRow = typeof objects.$inferSelect;

/** The object, of a video that is not being imported; the same "not found" for both. */
export async function loadObject(tx: DbOrTx, objectId: number): Promise<ObjectRow> {
  const [row] = await tx
    .select({ object: objects })
    .from(objects)
    .innerJoin(videos, eq(videos.id, objects.videoId))
    .where(and(eq(objects.id, objectId), notImporting));
  if (!row) throw notFound(`object ${objectId}`);
  return row.object;
}

/** Closes the open flags on an object with this resolution; returns how many. */
export async function resolveOpenFlags(tx: Tx, objectId: number, resolution: 'excluded' | 'merged', actorId: number, now: number): Promise<number> {
  const closed = await tx
    .update(maskFlags)
    .set({ resolvedAt: now, resolvedBy: actorId, resolution })
    .where(and(eq(maskFlags.objectId, objectId), isNull(maskFlags.resolvedAt)))
    .returning({ id: maskFlags.id });
  return closed.length;
}

/** Inside the caller's transaction (resolving a flag excludes in the same one). */
export async function excludeIn(tx: Tx, objectId: number, note: string, actorId: number, now: number) {
  const o = await loadObject(tx, objectId);
  if (o.excludedAt !== null) return { objectId, videoId: o.videoId, changed: false, flagsResolved: 0 };
  await tx.update(objects).set({ excludedAt: now, excludedBy: actorId, exclusionNote: note }).where(eq(objects.id, objectId));
  const flagsResolved = await resolveOpenFlags(tx, objectId, 'excluded', actorId, now);
  await audit(tx, { actorId, action: 'object.exclude', entity: 'object', entityId: objectId, data: { videoId: o.videoId, localId: o.localId, note, flagsResolved } }, now);
  return { objectId, videoId: o.videoId, changed: true, flagsResolved };
}

export function excludeObject(db: Db, objectId: number, note: string, actorId: number, now = Date.now()) {
  return db.transaction((tx) => excludeIn(tx, objectId, note, actorId, now));
}

/** Puts an excluded object back. A merge is not undone: the other object holds its masks now. */
export async function restoreObject(db: Db, objectId: number, actorId: number, now = Date.now()) {
  return db.transaction(async (tx) => {
    const o = await loadObject(tx, objectId);
    if (o.mergedIntoId !== null) {
      const [into] = await tx.select({ localId: objects.localId }).from(objects).where(eq(objects.id, o.mergedIntoId));
      throw conflict(`object #${o.localId} was merged into #${into?.localId ?? '?'}, which holds its masks now; a merge is not undone`);
    }
    if (o.excludedAt === null) return { objectId, videoId: o.videoId, changed: false, flagsResolved: 0 };
    await tx.update(objects).set({ excludedAt: null, excludedBy: null, exclusionNote: null }).where(eq(objects.id, objectId));
    await audit(tx, { actorId, action: 'object.restore', entity: 'object', entityId: objectId, data: { videoId: o.videoId, localId: o.localId, wasExcludedAt: o.excludedAt, note: o.exclusionNote } }, now);
    return { objectId, videoId: o.videoId, changed: true, flagsResolved: 0 };
  });
}

const UNDECIDED = new Set(['pending', 'second_round']);

/**
 * A video's objects for its admin page: each with its mask coverage, motion statistics, exclusion
 * or merge, and open flags; the expressions that name an excluded object; the open flags. Like
 * the expression view (expression-detail.ts), an admin who also validates is not shown which
 * objects an undecided sample they have not answered names.
 */
export async function adminVideoObjects(db: Db, videoId: number, viewer: { id: number; roles: readonly Role[] }): Promise<AdminVideoObjects> {
  const [v] = await db
    .select({ id: videos.id, name: videos.name, status: videos.status, source: videos.source, width: videos.width, height: videos.height, frameCount: videos.frameCount, fps: videos.fps })
    .from(videos)
    .where(and(eq(videos.id, videoId), notImporting));
  if (!v) throw notFound(`video ${videoId}`);
  const rows = await db
    .select({ o: objects, excludedByName: users.username })
    .from(objects)
    .leftJoin(users, eq(users.id, objects.excludedBy))
    .where(eq(objects.videoId, videoId))
    .orderBy(asc(objects.localId));
  const ids = rows.map((r) => r.o.id);
  // The primary key (object_id, frame_idx) answers these without reading the masks themselves.
  const cover = new Map(
    (ids.length
      ? await db
          .select({ objectId: masks.objectId, n: count(), first: min(masks.frameIdx), last: max(masks.frameIdx) })
          .from(masks)
          .where(inArray(masks.objectId, ids))
          .groupBy(masks.objectId)
      : []
    ).map((c) => [c.objectId, c]),
  );
  const flags = await flagRows(db, { state: 'open', videoId, limit: 500 });
  const localOf = new Map(rows.map((r) => [r.o.id, r.o.localId]));
  const objectRows = rows.map(({ o, excludedByName }) => {
    const c = cover.get(o.id);
    return {
      id: o.id,
      localId: o.localId,
      category: o.category,
      coverage: trackCoverage(c?.n ?? 0, v.frameCount, c?.first ?? null, c?.last ?? null),
      motion: {
        moving: o.moving,
        visibleFrames: o.visibleFrames,
        travel: o.motionTravel,
        reach: o.motionReach,
        displacement: o.motionDisplacement,
        meanIou: o.motionMeanIou,
        shapeIou: o.motionShapeIou,
        areaChange: o.motionAreaChange,
      },
      excluded: o.excludedAt === null ? null : { at: o.excludedAt, by: excludedByName, note: o.exclusionNote },
      mergedInto: o.mergedIntoId === null ? null : { id: o.mergedIntoId, localId: localOf.get(o.mergedIntoId) ?? -1 },
      openFlags: flags.filter((f) => f.objectId === o.id).length,
    };
  });

  const named = await db
    .select({ id: expressions.id, text: expressions.text, status: expressions.status, localId: objects.localId })
    .from(expressionTargets)
    .innerJoin(objects, eq(objects.id, expressionTargets.objectId))
    .innerJoin(expressions, eq(expressions.id, expressionTargets.expressionId))
    .where(and(eq(objects.videoId, videoId), isNotNull(objects.excludedAt)))
    .orderBy(asc(expressions.id), asc(objects.localId));
  const validates = viewer.roles.includes('validator');
  const answered = new Set(
    validates && named.length
      ? (
          await db
            .select({ expressionId: validations.expressionId })
            .from(validations)
            .where(and(eq(validations.validatorId, viewer.id), inArray(validations.expressionId, [...new Set(named.map((n) => n.id))])))
        ).map((r) => r.expressionId)
      : [],
  );
  const affected = new Map<number, AdminVideoObjects['affected'][number]>();
  let affectedHidden = false;
  for (const n of named) {
    if (validates && UNDECIDED.has(n.status) && !answered.has(n.id)) {
      affectedHidden = true;
      continue;
    }
    const e = affected.get(n.id) ?? { id: n.id, text: n.text, status: n.status, excludedTargets: [] };
    e.excludedTargets.push(n.localId);
    affected.set(n.id, e);
  }
  return { video: { ...v, status: shownStatus(v.status) }, objects: objectRows, affected: [...affected.values()], affectedHidden, flags };
}
