// PostgreSQL mirror of ../schema-sqlite/videos.ts (the primary documentation); db/schema-parity.test.ts keeps them in step.
import { bigint, boolean, doublePrecision, index, integer, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { VIDEO_ROW_STATUSES, VIDEO_SOURCES } from '#shared/domain.ts';
import { SPLITS } from '#shared/export/splits.ts';
import { users } from './users.ts';

export const imports = pgTable('imports', {
  id: integer().primaryKey().generatedByDefaultAsIdentity(),
  format: text({ enum: VIDEO_SOURCES }).notNull(),
  /** Folder name of the source as given (audit only). */
  source: text().notNull(),
  actorId: integer().references(() => users.id),
  createdAt: bigint({ mode: 'number' }).notNull(),
  /** JSON counts of what was added and skipped. */
  stats: text().notNull(),
});

export const videos = pgTable(
  'videos',
  {
    id: integer().primaryKey().generatedByDefaultAsIdentity(),
    /** The source's video name. */
    name: text().notNull().unique(),
    source: text({ enum: VIDEO_SOURCES }).notNull(),
    /** 'importing' while an import still writes the rows. */
    status: text({ enum: VIDEO_ROW_STATUSES }).notNull().default('candidate'),
    width: integer().notNull(),
    height: integer().notNull(),
    frameCount: integer().notNull(),
    fps: doublePrecision().notNull(),
    /** sha256 over frames and masks (re-import idempotency). */
    contentHash: text().notNull(),
    importId: integer().references(() => imports.id),
    createdAt: bigint({ mode: 'number' }).notNull(),
    /** The source's split (or the admin's choice before the first release); null: none. */
    sourceSplit: text({ enum: SPLITS }),
  },
  (t) => [index('videos_status_idx').on(t.status)],
);

export const frames = pgTable(
  'frames',
  {
    videoId: integer()
      .notNull()
      .references(() => videos.id, { onDelete: 'cascade' }),
    idx: integer().notNull(),
    /** Source frame name without extension. */
    name: text().notNull(),
    /** Content address of the JPEG. */
    sha256: text().notNull(),
    /** Byte size: bigint. */
    bytes: bigint({ mode: 'number' }).notNull(),
  },
  (t) => [primaryKey({ columns: [t.videoId, t.idx] }), uniqueIndex('frames_video_name_uq').on(t.videoId, t.name)],
);

export const objects = pgTable(
  'objects',
  {
    id: integer().primaryKey().generatedByDefaultAsIdentity(),
    videoId: integer()
      .notNull()
      .references(() => videos.id, { onDelete: 'cascade' }),
    /** Palette index (DAVIS) or obj_id (MeViS) within the video. */
    localId: integer().notNull(),
    category: text(),
    /** MeViS anno_id, when imported from a MeViS split. */
    sourceAnnoId: text(),
    /** Motion statistics from the masks, computed at import. */
    visibleFrames: integer(),
    motionReach: doublePrecision(),
    motionShapeIou: doublePrecision(),
    motionTravel: doublePrecision(),
    motionDisplacement: doublePrecision(),
    motionMeanIou: doublePrecision(),
    motionAreaChange: doublePrecision(),
    moving: boolean(),
    /** Set when an admin takes the object out of annotation (see the SQLite schema). */
    excludedAt: bigint({ mode: 'number' }),
    excludedBy: integer().references(() => users.id),
    exclusionNote: text(),
    /** The object this id was merged into (then also excluded). */
    mergedIntoId: integer(),
  },
  (t) => [uniqueIndex('objects_video_local_uq').on(t.videoId, t.localId)],
);

/** One row per (object, frame) where the object is visible. */
export const masks = pgTable(
  'masks',
  {
    objectId: integer()
      .notNull()
      .references(() => objects.id, { onDelete: 'cascade' }),
    frameIdx: integer().notNull(),
    /** pycocotools compressed RLE counts. */
    counts: text().notNull(),
    /** Pixels: at most width × height, so integer. */
    area: integer().notNull(),
    bboxX: integer().notNull(),
    bboxY: integer().notNull(),
    bboxW: integer().notNull(),
    bboxH: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.objectId, t.frameIdx] })],
);
