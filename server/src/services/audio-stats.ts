import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { recordings, users } from '../db/schema/index.ts';

/** The admin's audio view: seconds by origin and state, per speaker, failures by cause. */
export function audioStats(db: Db) {
  const byKind = db
    .select({
      kind: recordings.kind,
      status: recordings.status,
      clips: sql<number>`count(*)`,
      seconds: sql<number>`coalesce(sum(${recordings.durationMs}), 0) / 1000.0`,
    })
    .from(recordings)
    .groupBy(recordings.kind, recordings.status)
    .all();
  const perSpeaker = db
    .select({
      username: users.username,
      clips: sql<number>`count(*)`,
      verified: sql<number>`sum(case when ${recordings.status} = 'verified' then 1 else 0 end)`,
      failed: sql<number>`sum(case when ${recordings.status} = 'failed' then 1 else 0 end)`,
      seconds: sql<number>`coalesce(sum(${recordings.durationMs}), 0) / 1000.0`,
    })
    .from(recordings)
    .innerJoin(users, eq(users.id, recordings.speakerId))
    .groupBy(users.username)
    .orderBy(users.username)
    .all();
  const failures = db
    .select({ cause: recordings.failureCause, clips: sql<number>`count(*)` })
    .from(recordings)
    .where(eq(recordings.status, 'failed'))
    .groupBy(recordings.failureCause)
    .all();
  const asr = db.select({ status: recordings.asrStatus, clips: sql<number>`count(*)` }).from(recordings).groupBy(recordings.asrStatus).all();
  return { byKind, perSpeaker, failures, asr };
}
