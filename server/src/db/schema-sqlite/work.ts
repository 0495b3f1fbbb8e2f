import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { MASK_FLAG_RESOLUTIONS, PROBE_ANSWERS, PROBE_DECISIONS } from '#shared/domain.ts';
import { expressions } from './expressions.ts';
import { users } from './users.ts';
import { objects, videos } from './videos.ts';

/**
 * "Bad mask" reports on an object by an annotator or validator, for the admin's queue. One row per
 * (object, reporter): a second report by the same person updates the note and reopens it.
 */
export const maskFlags = sqliteTable(
  'mask_flags',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    objectId: integer()
      .notNull()
      .references(() => objects.id, { onDelete: 'cascade' }),
    videoId: integer()
      .notNull()
      .references(() => videos.id, { onDelete: 'cascade' }),
    reporterId: integer()
      .notNull()
      .references(() => users.id),
    /** The sample the reporter was looking at, if any (a validator sees an expression). */
    expressionId: integer().references(() => expressions.id, { onDelete: 'set null' }),
    note: text().notNull(),
    createdAt: integer().notNull(),
    resolvedAt: integer(),
    resolvedBy: integer().references(() => users.id),
    resolution: text({ enum: MASK_FLAG_RESOLUTIONS }),
  },
  (t) => [uniqueIndex('mask_flags_object_reporter_uq').on(t.objectId, t.reporterId), index('mask_flags_open_idx').on(t.createdAt).where(sql`${t.resolvedAt} is null`)],
);

/** Videos an admin set aside for one annotator: others are not given them while the batch is open. */
export const workBatches = sqliteTable(
  'work_batches',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    name: text().notNull(),
    annotatorId: integer()
      .notNull()
      .references(() => users.id),
    createdBy: integer().references(() => users.id),
    createdAt: integer().notNull(),
    /** Closed batches keep their history; their videos go back to the lottery. */
    closedAt: integer(),
  },
  (t) => [index('work_batches_annotator_idx').on(t.annotatorId, t.closedAt)],
);

export const workBatchVideos = sqliteTable(
  'work_batch_videos',
  {
    batchId: integer()
      .notNull()
      .references(() => workBatches.id, { onDelete: 'cascade' }),
    videoId: integer()
      .notNull()
      .references(() => videos.id, { onDelete: 'cascade' }),
    /** Set when the batch closes or the video is taken out of it. */
    releasedAt: integer(),
  },
  // A video is in at most one open batch: the database refuses a second, whatever the race.
  (t) => [primaryKey({ columns: [t.batchId, t.videoId] }), uniqueIndex('work_batch_videos_open_uq').on(t.videoId).where(sql`${t.releasedAt} is null`)],
);

/**
 * The single-frame probe (issue 18; paper §3.1, V1): for a share of accepted expressions with
 * targets, a blind task shows one validator one frame (no playback) and the sentence. If they still
 * pick the annotator's set, the sentence is identifiable from a single frame (`matched`) and waits
 * for the admin's decision (keep, or reject V1). Probe answers never count as protocol answers:
 * they live here, not in `validations`. One probe per expression.
 */
export const probes = sqliteTable(
  'probes',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    expressionId: integer()
      .notNull()
      .references(() => expressions.id, { onDelete: 'cascade' }),
    /** The one frame shown (index into the video's frames), drawn when the probe is made. */
    frameIdx: integer().notNull(),
    createdAt: integer().notNull(),
    /** The validator holding it now, and until when (like a protocol lease). */
    holderId: integer().references(() => users.id),
    leaseExpiresAt: integer(),
    answeredBy: integer().references(() => users.id),
    answer: text({ enum: PROBE_ANSWERS }),
    /** JSON sorted list of object local ids when answer = 'targets'. */
    targets: text(),
    /** The answer equals the annotator's target set: identifiable from one frame. */
    matched: integer({ mode: 'boolean' }),
    durationMs: integer(),
    answeredAt: integer(),
    decision: text({ enum: PROBE_DECISIONS }),
    decidedBy: integer().references(() => users.id),
    decidedAt: integer(),
  },
  (t) => [
    uniqueIndex('probes_expression_uq').on(t.expressionId),
    uniqueIndex('probes_holder_uq').on(t.holderId).where(sql`${t.holderId} is not null`),
    index('probes_open_idx').on(t.createdAt).where(sql`${t.answeredAt} is null`),
  ],
);

/**
 * An admin took a person's answers out of the next round (issue 18): their validation answers
 * were voided (validations.voided_at) and the samples those answers decided re-entered validation.
 */
export const raterExclusions = sqliteTable(
  'rater_exclusions',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    userId: integer()
      .notNull()
      .references(() => users.id),
    actorId: integer().references(() => users.id),
    note: text().notNull().default(''),
    /** Answers voided and samples sent back to validation by this action. */
    voidedAnswers: integer().notNull(),
    reopenedSamples: integer().notNull(),
    createdAt: integer().notNull(),
  },
  (t) => [index('rater_exclusions_user_idx').on(t.userId, t.createdAt)],
);
