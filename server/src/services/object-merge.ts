import { and, asc, eq, inArray, sql } from 'drizzle-orm';
import { kindForTargetCount } from '#shared/domain.ts';
import { agrees, type Answer } from '#shared/protocol/index.ts';
import { rleArea, rleBbox, rleUnion } from '#shared/rle/index.ts';
import type { MergeResult } from '#shared/schemas/objects.ts';
import type { Db, Tx } from '../db/client.ts';
import { DIALECT } from '../db/dialect.ts';
import { expressions, expressionTargets, masks, objects, validations, videos } from '../db/schema/index.ts';
import { audit } from './audit.ts';
import { badRequest, conflict, ServiceError } from './errors.ts';
import { motionOfTrack, setMotion } from './motion-stats.ts';
import { loadObject, resolveOpenFlags } from './objects-admin.ts';

type MaskRow = typeof masks.$inferSelect;

/**
 * Merges object B into object A of the same video: two ids that are one object (a track split by
 * the tool that made it). In one transaction:
 * - B's masks are united with A's frame by frame (decoded and encoded with the RLE codec, so a
 *   frame where both have pixels gets exactly their union) and A's motion statistics recomputed;
 * - expression targets naming B are renamed to A, or dropped where the expression names A too
 *   (never a duplicate target), and the kind follows the new count;
 * - validators' answers naming B are renamed the same way: their picks are sets of local ids, and
 *   the protocol compares them with the targets. A rename preserves every agreement, except where
 *   someone told A and B apart (picked one where the other was the target); then the merge would
 *   rewrite a recorded verdict, so it is refused and those expressions are named for a decision;
 * - B is excluded with `merged_into_id = A` (its own masks stay, as a record), its open flags are
 *   closed as 'merged', and the decision is audited.
 * On PostgreSQL the video's expression rows are locked first: an answer to one of them (which
 * locks its row, validation.ts) waits for the merge, and then sees B excluded.
 */
export async function mergeIn(tx: Tx, intoId: number, fromId: number, actorId: number, now: number): Promise<MergeResult> {
  if (intoId === fromId) throw badRequest('an object cannot be merged into itself');
  const a = await loadObject(tx, intoId);
  const b = await loadObject(tx, fromId);
  if (a.videoId !== b.videoId) throw badRequest(`objects ${intoId} and ${fromId} belong to different videos; only two ids of one video are merged`);
  if (b.mergedIntoId !== null) {
    if (b.mergedIntoId === intoId) return { objectId: intoId, fromObjectId: fromId, videoId: a.videoId, changed: false, flagsResolved: 0, framesUnited: 0, framesAdded: 0, targetsRewritten: 0, answersRewritten: 0 };
    throw conflict(`object #${b.localId} was already merged into another object`);
  }
  if (a.excludedAt !== null) throw badRequest(`object #${a.localId} is excluded; restore it before merging into it`);
  if (DIALECT === 'postgres') await tx.execute(sql`select id from expressions where video_id = ${a.videoId} order by id for update`);

  const rewrite = await planRewrite(tx, a, b);
  if (rewrite.flipped.length) {
    throw new ServiceError(
      'CONFLICT',
      `a validator told #${a.localId} and #${b.localId} apart in expression ${rewrite.flipped.map((id) => `#${id}`).join(', ')}: merging would change how its answers compare with its targets; decide those expressions first (their answers stay as given)`,
      { expressions: rewrite.flipped },
    );
  }

  const [video] = await tx.select({ width: videos.width, height: videos.height, frameCount: videos.frameCount }).from(videos).where(eq(videos.id, a.videoId));
  const size: [number, number] = [video!.height, video!.width];
  const { united, added } = await uniteMasks(tx, a.id, b.id, size);
  const track = await tx.select({ frameIdx: masks.frameIdx, counts: masks.counts }).from(masks).where(eq(masks.objectId, a.id)).orderBy(asc(masks.frameIdx));
  await setMotion(tx, a.id, motionOfTrack(size, video!.frameCount, track));

  for (const id of rewrite.dropB) await tx.delete(expressionTargets).where(and(eq(expressionTargets.expressionId, id), eq(expressionTargets.objectId, b.id)));
  if (rewrite.renameB.length) {
    await tx.update(expressionTargets).set({ objectId: a.id }).where(and(inArray(expressionTargets.expressionId, rewrite.renameB), eq(expressionTargets.objectId, b.id)));
  }
  for (const id of rewrite.dropB) await tx.update(expressions).set({ kind: kindForTargetCount(rewrite.targetCount.get(id)!) }).where(eq(expressions.id, id));
  for (const [id, targets] of rewrite.answers) await tx.update(validations).set({ targets: JSON.stringify(targets) }).where(eq(validations.id, id));

  await tx.update(objects).set({ excludedAt: now, excludedBy: actorId, exclusionNote: `merged into #${a.localId}`, mergedIntoId: a.id }).where(eq(objects.id, b.id));
  const flagsResolved = await resolveOpenFlags(tx, b.id, 'merged', actorId, now);
  const result = {
    objectId: a.id,
    fromObjectId: b.id,
    videoId: a.videoId,
    changed: true,
    flagsResolved,
    framesUnited: united,
    framesAdded: added,
    targetsRewritten: rewrite.dropB.length + rewrite.renameB.length,
    answersRewritten: rewrite.answers.size,
  };
  const { objectId: _, ...data } = result;
  await audit(tx, { actorId, action: 'object.merge', entity: 'object', entityId: a.id, data: { ...data, into: a.localId, from: b.localId } }, now);
  return result;
}

export function mergeObjects(db: Db, intoId: number, fromId: number, actorId: number, now = Date.now()): Promise<MergeResult> {
  return db.transaction((tx) => mergeIn(tx, intoId, fromId, actorId, now));
}

/** Unites B's masks into A's rows: a union where both have one, B's mask where only B has one. */
async function uniteMasks(tx: Tx, aId: number, bId: number, size: [number, number]): Promise<{ united: number; added: number }> {
  const rows = await tx.select().from(masks).where(inArray(masks.objectId, [aId, bId]));
  const ofA = new Map(rows.filter((r) => r.objectId === aId).map((r) => [r.frameIdx, r]));
  let united = 0;
  const added: MaskRow[] = [];
  for (const m of rows.filter((r) => r.objectId === bId)) {
    const mine = ofA.get(m.frameIdx);
    if (!mine) {
      added.push({ ...m, objectId: aId });
      continue;
    }
    const rle = rleUnion({ size, counts: mine.counts }, { size, counts: m.counts });
    const [x, y, w, h] = rleBbox(rle);
    await tx
      .update(masks)
      .set({ counts: rle.counts, area: rleArea(rle), bboxX: x, bboxY: y, bboxW: w, bboxH: h })
      .where(and(eq(masks.objectId, aId), eq(masks.frameIdx, m.frameIdx)));
    united++;
  }
  // 8 columns: 200 rows stay under both engines' bound-parameter limits.
  for (let i = 0; i < added.length; i += 200) await tx.insert(masks).values(added.slice(i, i + 200));
  return { united, added: added.length };
}

interface Rewrite {
  /** Expressions that name both: B's target row is dropped (and the kind recomputed). */
  dropB: number[];
  /** Expressions that name B only: its row is renamed to A. */
  renameB: number[];
  targetCount: Map<number, number>;
  /** Answer id → its picks with B renamed to A. */
  answers: Map<number, number[]>;
  /** Expressions whose answers would agree or disagree differently after the rename. */
  flipped: number[];
}

/** What the rename of B to A changes in the video's expressions and answers, checked before any write. */
async function planRewrite(tx: Tx, a: { id: number; localId: number; videoId: number }, b: { id: number; localId: number }): Promise<Rewrite> {
  const targetRows = await tx
    .select({ expressionId: expressionTargets.expressionId, objectId: expressionTargets.objectId, localId: objects.localId })
    .from(expressionTargets)
    .innerJoin(expressions, eq(expressions.id, expressionTargets.expressionId))
    .innerJoin(objects, eq(objects.id, expressionTargets.objectId))
    .where(eq(expressions.videoId, a.videoId));
  const targetsOf = new Map<number, number[]>();
  for (const t of targetRows) targetsOf.set(t.expressionId, [...(targetsOf.get(t.expressionId) ?? []), t.localId]);
  const rename = (ids: readonly number[]) => [...new Set(ids.map((t) => (t === b.localId ? a.localId : t)))].sort((x, y) => x - y);

  const out: Rewrite = { dropB: [], renameB: [], targetCount: new Map(), answers: new Map(), flipped: [] };
  for (const [id, targets] of targetsOf) {
    if (!targets.includes(b.localId)) continue;
    if (targets.includes(a.localId)) out.dropB.push(id);
    else out.renameB.push(id);
    out.targetCount.set(id, rename(targets).length);
  }
  const answerRows = await tx
    .select({ id: validations.id, expressionId: validations.expressionId, answer: validations.answer, targets: validations.targets, agrees: validations.agrees })
    .from(validations)
    .innerJoin(expressions, eq(expressions.id, validations.expressionId))
    .where(eq(expressions.videoId, a.videoId));
  const flipped = new Set<number>();
  for (const v of answerRows) {
    const picks = v.answer === 'targets' ? (JSON.parse(v.targets ?? '[]') as number[]) : null;
    const touched = out.targetCount.has(v.expressionId) || Boolean(picks?.includes(b.localId));
    if (!touched || v.answer === 'reject') continue;
    const answer: Answer = picks ? { kind: 'targets', targets: rename(picks) } : { kind: 'no_target' };
    const targets = rename(targetsOf.get(v.expressionId) ?? []);
    if (agrees(answer, { authorId: null, targets }) !== Boolean(v.agrees)) flipped.add(v.expressionId);
    if (picks?.includes(b.localId)) out.answers.set(v.id, rename(picks));
  }
  out.flipped = [...flipped].sort((x, y) => x - y);
  return out;
}
