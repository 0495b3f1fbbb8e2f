import { and, count, eq, isNull, sql, type SQL } from 'drizzle-orm';
import type { ExpressionStatus, VideoStatus } from '#shared/domain.ts';
import { EXPRESSION_STATUSES, VIDEO_STATUSES } from '#shared/domain.ts';
import type { Db } from '../db/client.ts';
import { notHeldForOthers } from './assignment.ts';
import { waitingFor } from './validation.ts';
import { myBatches } from './work-batches.ts';
import { needsAudioSql } from './recording.ts';
import { expressions, masks, objects, recordings, users, validations, videos } from '../db/schema/index.ts';
import { notImporting, shownStatus } from './video-visibility.ts';

function countsBy<K extends string>(keys: readonly K[], rows: { key: K; n: number }[]): Record<K, number> {
  const out = Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
  for (const r of rows) out[r.key] = r.n;
  return out;
}

/**
 * Rows of videos an import is still writing do not count yet. Subtracted rather than joined: the
 * totals stay a cheap count(*) at full scale, and the staged part is found through the status index.
 */
const stagedVideoIds = sql`(select id from ${videos} where status = 'importing')`;

export async function adminOverview(db: Db) {
  const byStatus = await db.select({ key: videos.status, n: count() }).from(videos).where(notImporting).groupBy(videos.status);
  const videosByStatus = countsBy<VideoStatus>(
    VIDEO_STATUSES,
    byStatus.map((r) => ({ key: shownStatus(r.key), n: r.n })),
  );
  const expressionsByStatus = countsBy<ExpressionStatus>(
    EXPRESSION_STATUSES,
    await db.select({ key: expressions.status, n: count() }).from(expressions).groupBy(expressions.status),
  );
  const one = async (q: SQL) => Number((await db.execute<{ n: number }>(q)).rows[0]!.n);
  const [recordingCount] = await db.select({ n: count() }).from(recordings);
  const [userCount] = await db.select({ n: count() }).from(users).where(eq(users.disabled, false));
  return {
    videos: videosByStatus,
    objects: await one(sql`select (select count(*) from ${objects}) - (select count(*) from ${objects} where video_id in ${stagedVideoIds}) as n`),
    masks: await one(sql`select (select count(*) from ${masks}) - (select count(*) from ${masks} where object_id in (select id from ${objects} where video_id in ${stagedVideoIds})) as n`),
    expressions: expressionsByStatus,
    recordings: recordingCount!.n,
    users: userCount!.n,
  };
}

export async function annotatorOverview(db: Db, userId: number) {
  const mine = countsBy<ExpressionStatus>(
    EXPRESSION_STATUSES,
    await db.select({ key: expressions.status, n: count() }).from(expressions).where(eq(expressions.authorId, userId)).groupBy(expressions.status),
  );
  // Videos other annotators' open work batches hold are not this annotator's to annotate now.
  const [accepted] = await db.select({ n: count() }).from(videos).where(and(eq(videos.status, 'accepted'), notHeldForOthers(userId)));
  return { acceptedVideos: accepted!.n, myExpressions: mine, batches: await myBatches(db, userId) };
}

/** Only counts: a validator's home must not reveal anything about individual samples (blindness). */
export async function validatorOverview(db: Db, userId: number) {
  // Voided answers (rater-exclusion.ts) count nowhere, as in the validator's scores.
  const [answered] = await db.select({ n: count() }).from(validations).where(and(eq(validations.validatorId, userId), isNull(validations.voidedAt)));
  return { waitingForMe: await waitingFor(db, userId), answered: answered!.n };
}

export async function speakerOverview(db: Db, userId: number) {
  const [needAudio] = await db.select({ n: count() }).from(expressions).where(and(eq(expressions.status, 'accepted'), needsAudioSql()));
  const [mine] = await db.select({ n: count() }).from(recordings).where(eq(recordings.speakerId, userId));
  return { needAudio: needAudio!.n, myRecordings: mine!.n };
}
