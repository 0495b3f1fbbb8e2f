import { index, integer, primaryKey, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { SPLITS } from '#shared/export/splits.ts';
import { expressions } from './expressions.ts';
import { recordings, releases } from './records.ts';
import { videos } from './videos.ts';

/**
 * A video's split, fixed the first time a release includes it: later releases (new seed, new
 * proportions, more videos) never move a video to another split, so train never leaks into test.
 */
export const videoSplits = sqliteTable('video_splits', {
  videoId: integer()
    .primaryKey()
    .references(() => videos.id, { onDelete: 'cascade' }),
  split: text({ enum: SPLITS }).notNull(),
  /** The release that first placed it. */
  releaseId: integer()
    .notNull()
    .references(() => releases.id),
});

/** What a release holds, so exporting it again rebuilds the same bytes however the data grew. */
export const releaseVideos = sqliteTable(
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

export const releaseExpressions = sqliteTable(
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
    /** Its key in meta_expressions.json: "0", "1", … per video. */
    expId: text().notNull(),
    /** The verified clip exported with it, if any. */
    recordingId: integer().references(() => recordings.id),
  },
  (t) => [primaryKey({ columns: [t.releaseId, t.expressionId] }), index('release_expressions_video_idx').on(t.releaseId, t.videoId)],
);
