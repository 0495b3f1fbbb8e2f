// PostgreSQL mirror of ../schema-sqlite/curation.ts (the primary documentation); db/schema-parity.test.ts keeps them in step.
import { bigint, doublePrecision, integer, pgTable, text } from 'drizzle-orm/pg-core';
import { videos } from './videos.ts';

/** Curation scores of a video (R1 look-alikes, R2 motion), computed once after import. */
export const videoCuration = pgTable('video_curation', {
  videoId: integer()
    .primaryKey()
    .references(() => videos.id, { onDelete: 'cascade' }),
  objectCount: integer().notNull(),
  /** Objects that clearly move (objects.moving). */
  movingCount: integer().notNull(),
  /** Pairs of objects with similar appearance. */
  lookalikePairs: integer().notNull(),
  /** JSON: [{a, b, distance}], most similar first. */
  lookalikeDetail: text().notNull(),
  durationSec: doublePrecision().notNull(),
  /** Objects masked on only part of their track (see the SQLite schema). */
  sparseObjects: integer().notNull().default(0),
  /** Version of the scoring code. */
  scorer: integer().notNull(),
  /** Epoch ms. */
  computedAt: bigint({ mode: 'number' }).notNull(),
});
