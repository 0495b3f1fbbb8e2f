import { sql } from 'drizzle-orm';
import { index, integer, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { JOB_STATES } from '#shared/domain.ts';

/**
 * Background jobs (exports, speech synthesis, speech checks): what was asked, by whom, and how far
 * it got — the record every instance reads, whichever one runs the job (server/src/jobs/). On
 * PostgreSQL pg-boss hands the job to one instance and hands it again if that one dies; on SQLite
 * the one server runs it in process and picks unfinished ones up at start. `key` names what a job
 * is about (a release version, a recording): at most one queued or running job per kind and key.
 */
export const jobs = sqliteTable(
  'jobs',
  {
    id: text().primaryKey(),
    kind: text().notNull(),
    key: text(),
    /** Jobs made by one request (a TTS batch is one job per expression), shown together. */
    groupId: text(),
    state: text({ enum: JOB_STATES }).notNull(),
    /** JSON: the job's input, its progress while running, and its result when finished. */
    payload: text().notNull(),
    progress: text(),
    result: text(),
    error: text(),
    actorId: integer(),
    /** The instance running it (INSTANCE_ID), and how many times it was started. */
    instance: text(),
    attempts: integer().notNull().default(0),
    createdAt: integer().notNull(),
    updatedAt: integer().notNull(),
  },
  (t) => [
    uniqueIndex('jobs_live_key_uq').on(t.kind, t.key).where(sql`${t.state} in ('queued', 'running')`),
    index('jobs_kind_created_idx').on(t.kind, t.createdAt),
    index('jobs_state_idx').on(t.state),
    index('jobs_group_idx').on(t.groupId),
  ],
);
