import { and, count, eq } from 'drizzle-orm';
import type { ExpressionStatus, VideoStatus } from '#shared/domain.ts';
import { EXPRESSION_STATUSES, VIDEO_STATUSES } from '#shared/domain.ts';
import type { Db } from '../db/client.ts';
import { waitingFor } from './validation.ts';
import { needsAudioSql } from './recording.ts';
import { expressions, masks, objects, recordings, users, validations, videos } from '../db/schema/index.ts';

function countsBy<K extends string>(keys: readonly K[], rows: { key: K; n: number }[]): Record<K, number> {
  const out = Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
  for (const r of rows) out[r.key] = r.n;
  return out;
}

export function adminOverview(db: Db) {
  const videosByStatus = countsBy<VideoStatus>(
    VIDEO_STATUSES,
    db.select({ key: videos.status, n: count() }).from(videos).groupBy(videos.status).all(),
  );
  const expressionsByStatus = countsBy<ExpressionStatus>(
    EXPRESSION_STATUSES,
    db.select({ key: expressions.status, n: count() }).from(expressions).groupBy(expressions.status).all(),
  );
  return {
    videos: videosByStatus,
    objects: db.select({ n: count() }).from(objects).get()!.n,
    masks: db.select({ n: count() }).from(masks).get()!.n,
    expressions: expressionsByStatus,
    recordings: db.select({ n: count() }).from(recordings).get()!.n,
    users: db.select({ n: count() }).from(users).where(eq(users.disabled, false)).get()!.n,
  };
}

export function annotatorOverview(db: Db, userId: number) {
  const mine = countsBy<ExpressionStatus>(
    EXPRESSION_STATUSES,
    db
      .select({ key: expressions.status, n: count() })
      .from(expressions)
      .where(eq(expressions.authorId, userId))
      .groupBy(expressions.status)
      .all(),
  );
  return {
    acceptedVideos: db.select({ n: count() }).from(videos).where(eq(videos.status, 'accepted')).get()!.n,
    myExpressions: mine,
  };
}

/** Only counts: a validator's home must not reveal anything about individual samples (blindness). */
export function validatorOverview(db: Db, userId: number) {
  const answered = db.select({ n: count() }).from(validations).where(eq(validations.validatorId, userId)).get()!.n;
  return { waitingForMe: waitingFor(db, userId), answered };
}

export function speakerOverview(db: Db, userId: number) {
  const needAudio = db
    .select({ n: count() })
    .from(expressions)
    .where(and(eq(expressions.status, 'accepted'), needsAudioSql()))
    .get()!.n;
  const mine = db.select({ n: count() }).from(recordings).where(eq(recordings.speakerId, userId)).get()!.n;
  return { needAudio, myRecordings: mine };
}
