import { integer, real, sqliteTable, text } from 'drizzle-orm/sqlite-core';
import { videos } from './videos.ts';

/**
 * Computed curation scores of a video (paper §3.1, R1: several look-alike objects; R2: real
 * motion), stored once after import so the curation table sorts and filters thousands of videos
 * without touching masks or frames.
 */
export const videoCuration = sqliteTable('video_curation', {
  videoId: integer()
    .primaryKey()
    .references(() => videos.id, { onDelete: 'cascade' }),
  objectCount: integer().notNull(),
  /** Objects whose motion statistics say they clearly move (objects.moving). */
  movingCount: integer().notNull(),
  /** Pairs of objects with similar appearance (colour histogram of their masked pixels, and category when known). */
  lookalikePairs: integer().notNull(),
  /** JSON: [{a, b, distance}] with a, b the objects' local ids, most similar first. */
  lookalikeDetail: text().notNull(),
  durationSec: real().notNull(),
  /**
   * Objects masked on only part of their track (key frames, as XMem/AOT-style tools give): masks on
   * fewer frames than the span from their first to their last masked frame. MeViS needs full tracks.
   */
  sparseObjects: integer().notNull().default(0),
  /** Version of the scoring code, so a change can recompute old rows. */
  scorer: integer().notNull(),
  computedAt: integer().notNull(),
});
