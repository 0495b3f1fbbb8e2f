import { index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';
import { VIDEO_ROW_STATUSES, VIDEO_SOURCES } from '#shared/domain.ts';
import { SPLITS } from '#shared/export/splits.ts';
import { users } from './users.ts';

export const imports = sqliteTable('imports', {
  id: integer().primaryKey({ autoIncrement: true }),
  format: text({ enum: VIDEO_SOURCES }).notNull(),
  /** Folder name of the source as given (for the audit trail; never used to build paths later). */
  source: text().notNull(),
  actorId: integer().references(() => users.id),
  createdAt: integer().notNull(),
  /** JSON: counts of videos/frames/objects/masks/expressions added and skipped. */
  stats: text().notNull(),
});

export const videos = sqliteTable(
  'videos',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    /** The source's video name, kept so exports reuse it. */
    name: text().notNull().unique(),
    source: text({ enum: VIDEO_SOURCES }).notNull(),
    // 'importing' marks rows an import is still writing; readers show only the other statuses.
    status: text({ enum: VIDEO_ROW_STATUSES }).notNull().default('candidate'),
    width: integer().notNull(),
    height: integer().notNull(),
    frameCount: integer().notNull(),
    fps: real().notNull(),
    /** sha256 over frames and masks: lets a re-import recognise the same video (idempotency). */
    contentHash: text().notNull(),
    importId: integer().references(() => imports.id),
    createdAt: integer().notNull(),
    /**
     * The split the source put the video in (a MeViS split folder, e.g. valid_u), kept so that a
     * release can keep it (--keep-splits) instead of re-splitting by name hash; null when the
     * source had none. An admin's explicit choice before the first release also lands here.
     */
    sourceSplit: text({ enum: SPLITS }),
  },
  (t) => [index('videos_status_idx').on(t.status)],
);

export const frames = sqliteTable(
  'frames',
  {
    videoId: integer()
      .notNull()
      .references(() => videos.id, { onDelete: 'cascade' }),
    idx: integer().notNull(),
    /** Source frame name without extension (e.g. "00000"). */
    name: text().notNull(),
    /** Content address of the JPEG in the file store. */
    sha256: text().notNull(),
    bytes: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.videoId, t.idx] }), uniqueIndex('frames_video_name_uq').on(t.videoId, t.name)],
);

export const objects = sqliteTable(
  'objects',
  {
    id: integer().primaryKey({ autoIncrement: true }),
    videoId: integer()
      .notNull()
      .references(() => videos.id, { onDelete: 'cascade' }),
    /** The object's id within its video: palette index (DAVIS) or obj_id (MeViS). */
    localId: integer().notNull(),
    category: text(),
    /** MeViS anno_id this track came from, when imported from a MeViS split. */
    sourceAnnoId: text(),
    // Motion statistics from the masks (shared/src/motion), computed at import: guideline A1
    // warns on targets that barely move, curation (R2) counts clearly moving objects.
    visibleFrames: integer(),
    /** Largest centroid distance over the track, in object sizes: the "shifted" cue. */
    motionReach: real(),
    /** 10th percentile IoU with the first mask: the "reshaped in place" cue. */
    motionShapeIou: real(),
    motionTravel: real(),
    motionDisplacement: real(),
    motionMeanIou: real(),
    motionAreaChange: real(),
    moving: integer({ mode: 'boolean' }),
    /**
     * Set when an admin takes the object out of annotation (a bystander, a broken mask): annotators
     * and validators never see it and exports leave it out. Epoch ms; the audit log has the decision.
     */
    excludedAt: integer(),
    excludedBy: integer().references(() => users.id),
    exclusionNote: text(),
    /** When this id was merged into another object of the same video (its masks moved there); then also excluded. */
    mergedIntoId: integer(),
  },
  (t) => [uniqueIndex('objects_video_local_uq').on(t.videoId, t.localId)],
);

/**
 * One row per (object, frame) where the object is visible; absence of a row = not on that frame
 * (null in mask_dict). Area and box are kept so curation and tracking never decode masks.
 */
export const masks = sqliteTable(
  'masks',
  {
    objectId: integer()
      .notNull()
      .references(() => objects.id, { onDelete: 'cascade' }),
    frameIdx: integer().notNull(),
    /** pycocotools compressed RLE counts; size is the video's [height, width]. */
    counts: text().notNull(),
    area: integer().notNull(),
    bboxX: integer().notNull(),
    bboxY: integer().notNull(),
    bboxW: integer().notNull(),
    bboxH: integer().notNull(),
  },
  (t) => [primaryKey({ columns: [t.objectId, t.frameIdx] })],
);
