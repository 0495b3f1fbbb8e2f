import { asc, eq } from 'drizzle-orm';
import type { Role } from '#shared/roles.ts';
import type { AdminExpressionDetail } from '#shared/schemas/admin.ts';
import type { Db } from '../db/client.ts';
import { expressions, expressionTargets, objects, users, validations, videos } from '../db/schema/index.ts';
import { notFound } from './errors.ts';
import { shownStatus } from './video-visibility.ts';

const UNDECIDED = new Set(['pending', 'second_round']);

/**
 * One expression for the admin: its targets and every answer it got (who, picks, verdict, note,
 * time). Blindness still holds for a person who is admin and validator: while the sample waits
 * for answers and they have not given theirs, its targets and the others' answers are withheld
 * (they could be handed this very sample next). An admin who does not validate sees everything.
 */
export async function expressionDetail(db: Db, expressionId: number, viewer: { id: number; roles: readonly Role[] }): Promise<AdminExpressionDetail> {
  const [e] = await db
    .select({
      id: expressions.id,
      videoId: expressions.videoId,
      videoName: videos.name,
      videoStatus: videos.status,
      text: expressions.text,
      kind: expressions.kind,
      status: expressions.status,
      rejectReason: expressions.rejectReason,
      origin: expressions.origin,
      gold: expressions.gold,
      authorId: expressions.authorId,
      createdAt: expressions.createdAt,
      decidedAt: expressions.decidedAt,
      motionStartFrame: expressions.motionStartFrame,
      motionEndFrame: expressions.motionEndFrame,
      revisionOf: expressions.revisionOf,
    })
    .from(expressions)
    .innerJoin(videos, eq(videos.id, expressions.videoId))
    .where(eq(expressions.id, expressionId))
    .limit(1);
  // A video an import is still writing is seen by no one, its expressions neither.
  if (!e || e.videoStatus === 'importing') throw notFound(`expression ${expressionId}`);

  const answers = await db
    .select({
      id: validations.id,
      validatorId: validations.validatorId,
      validator: users.username,
      round: validations.round,
      answer: validations.answer,
      targets: validations.targets,
      agrees: validations.agrees,
      rejectReason: validations.rejectReason,
      note: validations.rejectNote,
      durationMs: validations.durationMs,
      createdAt: validations.createdAt,
      voidedAt: validations.voidedAt,
    })
    .from(validations)
    .innerJoin(users, eq(users.id, validations.validatorId))
    .where(eq(validations.expressionId, expressionId))
    .orderBy(asc(validations.createdAt), asc(validations.id));

  const [author] = e.authorId === null ? [] : await db.select({ username: users.username }).from(users).where(eq(users.id, e.authorId));
  const { motionStartFrame: start, motionEndFrame: end, videoStatus, authorId: _, ...rest } = e;
  const base = {
    ...rest,
    author: author?.username ?? null,
    videoStatus: shownStatus(videoStatus),
    motionFrames: start !== null && end !== null ? { start, end } : null,
    answerCount: answers.length,
  };
  const blind = UNDECIDED.has(e.status) && viewer.roles.includes('validator') && !answers.some((a) => a.validatorId === viewer.id);
  if (blind) {
    return { ...base, targets: null, answers: null, hiddenBecause: 'you also validate and have not answered this sample: its targets and answers show once it is decided' };
  }
  const targets = await db
    .select({ localId: objects.localId })
    .from(expressionTargets)
    .innerJoin(objects, eq(objects.id, expressionTargets.objectId))
    .where(eq(expressionTargets.expressionId, expressionId))
    .orderBy(asc(objects.localId));
  return {
    ...base,
    targets: targets.map((t) => t.localId),
    answers: answers.map(({ validatorId: _, targets: picked, ...a }) => ({
      ...a,
      picks: a.answer === 'targets' ? (JSON.parse(picked ?? '[]') as number[]) : a.answer === 'no_target' ? [] : null,
    })),
    hiddenBecause: null,
  };
}
