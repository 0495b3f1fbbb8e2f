// PostgreSQL mirror of ../schema-sqlite/work.ts (the primary documentation); db/schema-parity.test.ts keeps them in step.
import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { MASK_FLAG_RESOLUTIONS, PROBE_ANSWERS, PROBE_DECISIONS } from '#shared/domain.ts';
import { expressions } from './expressions.ts';
import { users } from './users.ts';
import { objects, videos } from './videos.ts';

export const maskFlags = pgTable(
  'mask_flags',
  {
    id: integer().primaryKey().generatedByDefaultAsIdentity(),
    objectId: integer()
      .notNull()
      .references(() => objects.id, { onDelete: 'cascade' }),
    videoId: integer()
      .notNull()
      .references(() => videos.id, { onDelete: 'cascade' }),
    reporterId: integer()
      .notNull()
      .references(() => users.id),
    expressionId: integer().references(() => expressions.id, { onDelete: 'set null' }),
    note: text().notNull(),
    createdAt: bigint({ mode: 'number' }).notNull(),
    resolvedAt: bigint({ mode: 'number' }),
    resolvedBy: integer().references(() => users.id),
    resolution: text({ enum: MASK_FLAG_RESOLUTIONS }),
  },
  (t) => [uniqueIndex('mask_flags_object_reporter_uq').on(t.objectId, t.reporterId), index('mask_flags_open_idx').on(t.createdAt).where(sql`${t.resolvedAt} is null`)],
);

export const workBatches = pgTable(
  'work_batches',
  {
    id: integer().primaryKey().generatedByDefaultAsIdentity(),
    name: text().notNull(),
    annotatorId: integer()
      .notNull()
      .references(() => users.id),
    createdBy: integer().references(() => users.id),
    createdAt: bigint({ mode: 'number' }).notNull(),
    closedAt: bigint({ mode: 'number' }),
  },
  (t) => [index('work_batches_annotator_idx').on(t.annotatorId, t.closedAt)],
);

export const workBatchVideos = pgTable(
  'work_batch_videos',
  {
    batchId: integer()
      .notNull()
      .references(() => workBatches.id, { onDelete: 'cascade' }),
    videoId: integer()
      .notNull()
      .references(() => videos.id, { onDelete: 'cascade' }),
    releasedAt: bigint({ mode: 'number' }),
  },
  (t) => [primaryKey({ columns: [t.batchId, t.videoId] }), uniqueIndex('work_batch_videos_open_uq').on(t.videoId).where(sql`${t.releasedAt} is null`)],
);

export const probes = pgTable(
  'probes',
  {
    id: integer().primaryKey().generatedByDefaultAsIdentity(),
    expressionId: integer()
      .notNull()
      .references(() => expressions.id, { onDelete: 'cascade' }),
    frameIdx: integer().notNull(),
    createdAt: bigint({ mode: 'number' }).notNull(),
    holderId: integer().references(() => users.id),
    leaseExpiresAt: bigint({ mode: 'number' }),
    answeredBy: integer().references(() => users.id),
    answer: text({ enum: PROBE_ANSWERS }),
    targets: text(),
    matched: boolean(),
    durationMs: bigint({ mode: 'number' }),
    answeredAt: bigint({ mode: 'number' }),
    decision: text({ enum: PROBE_DECISIONS }),
    decidedBy: integer().references(() => users.id),
    decidedAt: bigint({ mode: 'number' }),
  },
  (t) => [
    uniqueIndex('probes_expression_uq').on(t.expressionId),
    uniqueIndex('probes_holder_uq').on(t.holderId).where(sql`${t.holderId} is not null`),
    index('probes_open_idx').on(t.createdAt).where(sql`${t.answeredAt} is null`),
  ],
);

export const raterExclusions = pgTable(
  'rater_exclusions',
  {
    id: integer().primaryKey().generatedByDefaultAsIdentity(),
    userId: integer()
      .notNull()
      .references(() => users.id),
    actorId: integer().references(() => users.id),
    note: text().notNull().default(''),
    voidedAnswers: integer().notNull(),
    reopenedSamples: integer().notNull(),
    createdAt: bigint({ mode: 'number' }).notNull(),
  },
  (t) => [index('rater_exclusions_user_idx').on(t.userId, t.createdAt)],
);
