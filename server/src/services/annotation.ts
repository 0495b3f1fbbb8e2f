import { and, asc, desc, eq, gt, inArray, isNull } from 'drizzle-orm';
import { kindForTargetCount } from '#shared/domain.ts';
import { blockingFindings, checkExpression, unacknowledgedWarnings, type Finding, type FindingCode } from '#shared/guidelines/index.ts';
import { validatorConsensus } from '#shared/protocol/index.ts';
import type { AnnotationView, MyExpression } from '#shared/schemas/annotate.ts';
import type { Db } from '../db/client.ts';
import { expressions, expressionTargets, objects, validations, videos } from '../db/schema/index.ts';
import { assertNotReservedForOther } from './assignment.ts';
import { assertNoneExcluded } from './object-visibility.ts';
import { audit } from './audit.ts';
import { conflict, notFound, ServiceError } from './errors.ts';
import { toEvent } from './validation.ts';
import { getVideo } from './videos.ts';

/** Expressions that still count as "said" for a video: a discarded or rejected one may be retried. */
const LIVE_STATES = ['pending', 'second_round', 'accepted'] as const;

async function existingTexts(db: Db, videoId: number): Promise<string[]> {
  const rows = await db
    .select({ text: expressions.text })
    .from(expressions)
    .where(and(eq(expressions.videoId, videoId), inArray(expressions.status, [...LIVE_STATES])))
    .orderBy(asc(expressions.id));
  return rows.map((r) => r.text);
}

function objectsOf(db: Db, videoId: number) {
  return db
    .select({ id: objects.id, localId: objects.localId, moving: objects.moving, travel: objects.motionTravel, meanIou: objects.motionMeanIou, visibleFrames: objects.visibleFrames })
    .from(objects)
    // Objects an admin excluded are not offered, nor can they be named (services/objects-admin.ts).
    .where(and(eq(objects.videoId, videoId), isNull(objects.excludedAt)))
    .orderBy(asc(objects.localId));
}

/** Everything the annotation page needs besides frames and masks; texts only, never targets. */
export async function annotationView(db: Db, videoId: number, userId: number): Promise<AnnotationView> {
  const video = await getVideo(db, videoId, { onlyAccepted: true });
  await assertNotReservedForOther(db, userId, videoId);
  const motion = (await objectsOf(db, videoId)).map(({ localId, moving, travel, meanIou, visibleFrames }) => ({ localId, moving, travel, meanIou, visibleFrames }));
  return { video, motion, existingTexts: await existingTexts(db, videoId) };
}

/** Canonical form of a submitted text: the guideline checks and the dataset see the same string. */
export function cleanText(text: string): string {
  return text.normalize('NFC').trim().replace(/\s+/g, ' ');
}

export interface Submission {
  uid: string;
  videoId: number;
  targets: number[];
  text: string;
  motionReasoning: boolean;
  acknowledged: string[];
  revisionOf?: number;
  motionFrames?: { start: number; end: number };
}

/**
 * Stores an annotator's expression in the validation queue. The same guideline checks as in the
 * browser run again here on the server's data; errors refuse, unacknowledged warnings refuse.
 * A retry with the same uid returns the stored expression instead of creating a second one.
 */
export async function submitExpression(db: Db, authorId: number, s: Submission, now = Date.now()): Promise<{ expressionId: number; status: MyExpression['status']; alreadySubmitted: boolean }> {
  const [previous] = await db.select().from(expressions).where(eq(expressions.uid, s.uid));
  if (previous) {
    if (previous.authorId !== authorId || previous.videoId !== s.videoId) throw conflict('this submission id belongs to another expression');
    return { expressionId: previous.id, status: previous.status, alreadySubmitted: true };
  }
  const [video] = await db.select({ id: videos.id, status: videos.status, frameCount: videos.frameCount }).from(videos).where(eq(videos.id, s.videoId));
  if (!video || video.status !== 'accepted') throw notFound(`video ${s.videoId}`);
  if (s.motionFrames && s.motionFrames.end >= video.frameCount) {
    throw new ServiceError('BAD_REQUEST', `the marked motion ends at frame ${s.motionFrames.end}, but video ${s.videoId} has ${video.frameCount} frames`);
  }
  if (s.revisionOf !== undefined) {
    // Only a rewrite of one's own decided-against expression on this video; one answer whether the
    // id exists, is someone else's, or is still open (no oracle on other people's work).
    const [old] = await db
      .select({ id: expressions.id })
      .from(expressions)
      .where(and(eq(expressions.id, s.revisionOf), eq(expressions.authorId, authorId), eq(expressions.videoId, s.videoId), inArray(expressions.status, ['rejected', 'discarded'])));
    if (!old) throw new ServiceError('BAD_REQUEST', `expression ${s.revisionOf} is not one of your rejected or discarded expressions on this video`);
  }
  const objs = await objectsOf(db, s.videoId);
  const byLocal = new Map(objs.map((o) => [o.localId, o]));
  const targets = [...new Set(s.targets)].sort((a, b) => a - b);
  const unknown = targets.filter((t) => !byLocal.has(t));
  if (unknown.length) {
    const excluded = await db
      .select({ localId: objects.localId })
      .from(objects)
      .where(and(eq(objects.videoId, s.videoId), inArray(objects.localId, unknown)));
    if (excluded.length) throw new ServiceError('BAD_REQUEST', `object ${excluded.map((o) => `#${o.localId}`).join(', ')} of video ${s.videoId} was taken out of annotation by an admin; please reload the video`);
    throw new ServiceError('BAD_REQUEST', `video ${s.videoId} has no object ${unknown.map((u) => `#${u}`).join(', ')}`);
  }
  const text = cleanText(s.text);

  const findings = checkExpression(
    { text, targets },
    {
      motion: new Map(objs.filter((o) => o.moving !== null).map((o) => [o.localId, { moving: o.moving! }])),
      existingTexts: await existingTexts(db, s.videoId),
    },
  );
  const errors = blockingFindings(findings);
  if (errors.length) throw new ServiceError('BAD_REQUEST', errors.map((f) => f.message).join(' '), { findings });
  const pending = unacknowledgedWarnings(findings, s.acknowledged as FindingCode[]);
  if (pending.length) {
    throw new ServiceError('PRECONDITION_FAILED', `please confirm: ${pending.map((f) => f.message).join(' ')}`, { findings });
  }
  const acknowledged = findings.filter((f: Finding) => f.severity === 'warning').map((f) => f.code);

  const id = await db.transaction(async (tx) => {
    // Inside the transaction: a batch made for someone else meanwhile is seen here.
    await assertNotReservedForOther(tx, authorId, s.videoId);
    // And an object excluded or merged away meanwhile (never a target written after the decision).
    if (targets.length) await assertNoneExcluded(tx, s.videoId, targets.map((t) => byLocal.get(t)!.id));
    const [row] = await tx
      .insert(expressions)
      .values({
        uid: s.uid,
        videoId: s.videoId,
        authorId,
        text,
        kind: kindForTargetCount(targets.length),
        motionReasoning: s.motionReasoning,
        status: 'pending',
        origin: 'annotated',
        acknowledged: acknowledged.length ? JSON.stringify(acknowledged) : null,
        createdAt: now,
        revisionOf: s.revisionOf ?? null,
        motionStartFrame: s.motionFrames?.start ?? null,
        motionEndFrame: s.motionFrames?.end ?? null,
      })
      .returning({ id: expressions.id });
    if (targets.length) await tx.insert(expressionTargets).values(targets.map((t) => ({ expressionId: row!.id, objectId: byLocal.get(t)!.id })));
    await audit(tx, { actorId: authorId, action: 'expression.submit', entity: 'expression', entityId: row!.id, data: { videoId: s.videoId, kind: kindForTargetCount(targets.length), acknowledged, revisionOf: s.revisionOf ?? null } }, now);
    return row!.id;
  });
  return { expressionId: id, status: 'pending', alreadySubmitted: false };
}

/** The annotator's own recent work with outcomes (their own targets are theirs to see). */
export async function myExpressions(db: Db, authorId: number, limit: number) {
  const rows = await db
    .select({
      id: expressions.id,
      videoId: expressions.videoId,
      videoName: videos.name,
      text: expressions.text,
      kind: expressions.kind,
      motionReasoning: expressions.motionReasoning,
      status: expressions.status,
      rejectReason: expressions.rejectReason,
      createdAt: expressions.createdAt,
      decidedAt: expressions.decidedAt,
      revisionOf: expressions.revisionOf,
      motionStartFrame: expressions.motionStartFrame,
      motionEndFrame: expressions.motionEndFrame,
    })
    .from(expressions)
    .innerJoin(videos, eq(videos.id, expressions.videoId))
    .where(eq(expressions.authorId, authorId))
    .orderBy(desc(expressions.createdAt), desc(expressions.id))
    .limit(limit);
  const targets = rows.length
    ? await db
        .select({ expressionId: expressionTargets.expressionId, localId: objects.localId })
        .from(expressionTargets)
        .innerJoin(objects, eq(objects.id, expressionTargets.objectId))
        .where(inArray(expressionTargets.expressionId, rows.map((r) => r.id)))
    : [];
  const byExpr = new Map<number, number[]>();
  for (const t of targets) byExpr.set(t.expressionId, [...(byExpr.get(t.expressionId) ?? []), t.localId]);
  // Decided ones: what the validators answered (the sample is final, so its annotator may learn
  // it) — their picks, a rejection's note, and for a discarded one their shared answer if any.
  const decidedIds = rows.filter((r) => r.status === 'discarded' || r.status === 'rejected' || r.status === 'accepted').map((r) => r.id);
  const answers = decidedIds.length
    ? await db
        .select()
        .from(validations)
        // Voided answers (rater-exclusion.ts) no longer decided anything.
        .where(and(inArray(validations.expressionId, decidedIds), gt(validations.round, 0), isNull(validations.voidedAt)))
        .orderBy(asc(validations.id))
    : [];
  const list: MyExpression[] = rows.map(({ motionStartFrame, motionEndFrame, ...r }) => {
    const targets = (byExpr.get(r.id) ?? []).sort((a, b) => a - b);
    const mine = answers.filter((a) => a.expressionId === r.id);
    const events = mine.map(toEvent);
    const consensus = r.status === 'discarded' ? validatorConsensus({ authorId, targets }, events) : null;
    const isDecided = decidedIds.includes(r.id);
    return {
      ...r,
      targets,
      suggestedTargets: consensus ? [...consensus] : null,
      rejectNote: r.status === 'rejected' ? (mine.find((a) => a.answer === 'reject')?.rejectNote ?? null) : null,
      validatorPicks: isDecided ? mine.filter((a) => a.answer !== 'reject').map((a) => (a.answer === 'targets' ? (JSON.parse(a.targets ?? '[]') as number[]) : [])) : null,
      motionFrames: motionStartFrame !== null && motionEndFrame !== null ? { start: motionStartFrame, end: motionEndFrame } : null,
    };
  });

  const all = await db.select({ status: expressions.status }).from(expressions).where(eq(expressions.authorId, authorId));
  const tally = { submitted: all.length, pending: 0, accepted: 0, discarded: 0, rejected: 0 };
  for (const r of all) {
    if (r.status === 'pending' || r.status === 'second_round') tally.pending++;
    else tally[r.status]++;
  }
  const decided = tally.accepted + tally.discarded + tally.rejected;
  return { expressions: list, score: { ...tally, acceptanceRate: decided ? tally.accepted / decided : null } };
}

