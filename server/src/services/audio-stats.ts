import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { recordings, users } from '../db/schema/index.ts';
import { describeMissing } from '../audio/tools.ts';
import type { AudioPipeline } from './audio-pipeline.ts';
import type { TtsJobs } from './tts.ts';

/** The admin's audio view: seconds by origin and state, per speaker, failures by cause. */
export async function audioStats(db: Db) {
  const byKind = await db
    .select({
      kind: recordings.kind,
      status: recordings.status,
      clips: sql<number>`count(*)`,
      seconds: sql<number>`coalesce(sum(${recordings.durationMs}), 0) / 1000.0`,
    })
    .from(recordings)
    .groupBy(recordings.kind, recordings.status)
    // Ordered as SQLite's grouping happened to return them; PostgreSQL's comes in any order.
    .orderBy(recordings.kind, recordings.status);
  const perSpeaker = await db
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
    .orderBy(users.username);
  const failures = await db
    .select({ cause: recordings.failureCause, clips: sql<number>`count(*)` })
    .from(recordings)
    .where(eq(recordings.status, 'failed'))
    .groupBy(recordings.failureCause)
    .orderBy(sql`${recordings.failureCause} nulls first`);
  const asr = await db.select({ status: recordings.asrStatus, clips: sql<number>`count(*)` }).from(recordings).groupBy(recordings.asrStatus).orderBy(recordings.asrStatus);
  return { byKind, perSpeaker, failures, asr };
}

/** The admin's audio page: which speech tools this server has, what is missing, the figures, the recent TTS requests. */
export async function audioStatus(deps: { db: Db; audio: AudioPipeline; tts: TtsJobs }) {
  const tools = await deps.audio.tools();
  return {
    tools: { ffmpeg: Boolean(tools.ffmpeg), sox: Boolean(tools.sox), espeakNg: Boolean(tools.espeakNg), pocketsphinx: Boolean(tools.pocketsphinx) },
    missing: describeMissing(tools),
    stats: await audioStats(deps.db),
    jobs: await deps.tts.list(),
  };
}
