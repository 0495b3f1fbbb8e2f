// PostgreSQL mirror of ../schema-sqlite/jobs.ts (the primary documentation); db/schema-parity.test.ts keeps them in step.
import { sql } from 'drizzle-orm';
import { bigint, index, integer, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { JOB_STATES } from '#shared/domain.ts';

export const jobs = pgTable(
  'jobs',
  {
    id: text().primaryKey(),
    kind: text().notNull(),
    key: text(),
    groupId: text(),
    state: text({ enum: JOB_STATES }).notNull(),
    payload: text().notNull(),
    progress: text(),
    result: text(),
    error: text(),
    actorId: integer(),
    instance: text(),
    attempts: integer().notNull().default(0),
    createdAt: bigint({ mode: 'number' }).notNull(),
    updatedAt: bigint({ mode: 'number' }).notNull(),
  },
  (t) => [
    uniqueIndex('jobs_live_key_uq').on(t.kind, t.key).where(sql`${t.state} in ('queued', 'running')`),
    index('jobs_kind_created_idx').on(t.kind, t.createdAt),
    index('jobs_state_idx').on(t.state),
    index('jobs_group_idx').on(t.groupId),
  ],
);
