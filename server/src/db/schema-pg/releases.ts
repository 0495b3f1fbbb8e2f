// PostgreSQL mirror of ../schema-sqlite/releases.ts (the primary documentation); db/schema-parity.test.ts keeps them in step.
import { index, integer, pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { SPLITS } from '#shared/export/splits.ts';
import { expressions } from './expressions.ts';
import { recordings, releases } from './records.ts';
import { videos } from './videos.ts';

/** A video's split, fixed by the first release that includes it. */
export const videoSplits = pgTable('video_splits', {
  videoId: integer()
    .primaryKey()
    .references(() => videos.id, { onDelete: 'cascade' }),
  split: text({ enum: SPLITS }).notNull(),
  /** The release that first placed it. */
  releaseId: integer()
    .notNull()
    .references(() => releases.id),
});

/** What a release holds. */
export const releaseVideos = pgTable(
  'release_videos',
  {
    releaseId: integer()
      .notNull()
      .references(() => releases.id, { onDelete: 'cascade' }),
    videoId: integer()
      .notNull()
      .references(() => videos.id),
    split: text({ enum: SPLITS }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.releaseId, t.videoId] })],
);

export const releaseExpressions = pgTable(
  'release_expressions',
  {
    releaseId: integer()
      .notNull()
      .references(() => releases.id, { onDelete: 'cascade' }),
    expressionId: integer()
      .notNull()
      .references(() => expressions.id),
    videoId: integer()
      .notNull()
      .references(() => videos.id),
    /** Its key in meta_expressions.json. */
    expId: text().notNull(),
    /** The verified clip exported with it, if any. */
    recordingId: integer().references(() => recordings.id),
  },
  (t) => [primaryKey({ columns: [t.releaseId, t.expressionId] }), index('release_expressions_video_idx').on(t.releaseId, t.videoId)],
);
