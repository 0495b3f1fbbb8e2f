import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { MASK_FLAG_RESOLUTIONS } from '#shared/domain.ts';
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
