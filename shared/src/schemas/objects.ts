import { z } from 'zod';
import { EXPRESSION_STATUSES, MASK_FLAG_RESOLUTIONS, VIDEO_SOURCES, VIDEO_STATUSES } from '../domain.ts';

/**
 * Objects and their masks for the admin (issue 17, "Masks and objects"): a video's objects with
 * their coverage, excluding and merging them, and the "bad mask" flags annotators and validators
 * raise (server/src/services/objects-admin.ts, object-merge.ts, mask-flags.ts).
 */

/** A note on a decision or a flag: a sentence or two, not an essay. */
export const OBJECT_NOTE_MAX = 500;

/** Flags one person may raise (or re-raise with a new note) per window; past that they wait. */
export const MASK_FLAG_LIMITS = { perWindow: 20, windowMs: 60 * 60_000 } as const;

const id = z.number().int().positive();
const localId = z.number().int().min(0).max(65535);
const Note = z.string().trim().min(1, 'write a short note').max(OBJECT_NOTE_MAX, `a note is at most ${OBJECT_NOTE_MAX} characters`);

export const ObjectIdInput = z.object({ objectId: id });

export const ExcludeObjectInput = z.object({ objectId: id, note: Note });

/** Merge `fromObjectId` (B) into `objectId` (A): A keeps its id and gains B's masks; B is excluded. */
export const MergeObjectsInput = z
  .object({ objectId: id, fromObjectId: id })
  .refine((m) => m.objectId !== m.fromObjectId, { message: 'an object cannot be merged into itself', path: ['fromObjectId'] });

/** An annotator's flag: an object of the video they are annotating. */
export const AnnotatorFlagInput = z.object({ videoId: id, localId, note: Note });

/**
 * A validator's flag: an object of the video of the sample they hold. Strict: a video or sample
 * named beside it is refused, not quietly replaced by the held one.
 */
export const ValidatorFlagInput = z.strictObject({ localId, note: Note });

/** Strict: the same two fields whatever the object is (a validator learns nothing about targets). */
export const FlagResult = z.strictObject({
  flagged: z.literal(true),
  /** The same note was already waiting for the admin: nothing new was stored. */
  alreadyFlagged: z.boolean(),
});
export type FlagResult = z.infer<typeof FlagResult>;

export const FlagListQuery = z
  .object({
    state: z.enum(['open', 'resolved']).default('open'),
    videoId: id.optional(),
    limit: z.number().int().min(1).max(200).default(50),
    /** Keyset paging: flags with a smaller id. */
    before: id.optional(),
  })
  .default({ state: 'open', limit: 50 });

export const ResolveFlagInput = z.discriminatedUnion('resolution', [
  z.object({ flagId: id, resolution: z.literal('dismissed') }),
  z.object({ flagId: id, resolution: z.literal('excluded'), note: Note }),
  /** The flagged object (B) is merged into `intoObjectId` (A) of the same video. */
  z.object({ flagId: id, resolution: z.literal('merged'), intoObjectId: id }),
]);
export type ResolveFlagInput = z.infer<typeof ResolveFlagInput>;

export const MaskFlagRow = z.object({
  id: z.number().int(),
  objectId: z.number().int(),
  localId: z.number().int(),
  category: z.string().nullable(),
  videoId: z.number().int(),
  videoName: z.string(),
  reporter: z.string(),
  /** Raised while validating this expression (a validator), or null (an annotator). */
  expressionId: z.number().int().nullable(),
  note: z.string(),
  createdAt: z.number(),
  /** The object's first masked frame: where the queue shows it. Null when it has no mask. */
  firstFrame: z.number().int().nullable(),
  objectExcluded: z.boolean(),
  resolvedAt: z.number().nullable(),
  resolvedBy: z.string().nullable(),
  resolution: z.enum(MASK_FLAG_RESOLUTIONS).nullable(),
});
export type MaskFlagRow = z.infer<typeof MaskFlagRow>;

export const MaskFlagPage = z.object({
  flags: z.array(MaskFlagRow),
  nextBefore: z.number().int().nullable(),
  /** Open flags in all (the queue's length). */
  open: z.number().int(),
});

export const TrackCoverageView = z.object({
  masked: z.number().int(),
  frames: z.number().int(),
  first: z.number().int().nullable(),
  last: z.number().int().nullable(),
  sparse: z.boolean(),
});

export const AdminObjectRow = z.object({
  id: z.number().int(),
  localId: z.number().int(),
  category: z.string().nullable(),
  coverage: TrackCoverageView,
  motion: z.object({
    moving: z.boolean().nullable(),
    visibleFrames: z.number().int().nullable(),
    travel: z.number().nullable(),
    reach: z.number().nullable(),
    displacement: z.number().nullable(),
    meanIou: z.number().nullable(),
    shapeIou: z.number().nullable(),
    areaChange: z.number().nullable(),
  }),
  excluded: z.object({ at: z.number(), by: z.string().nullable(), note: z.string().nullable() }).nullable(),
  /** Merged into this object of the same video (then also excluded). */
  mergedInto: z.object({ id: z.number().int(), localId: z.number().int() }).nullable(),
  openFlags: z.number().int(),
});
export type AdminObjectRow = z.infer<typeof AdminObjectRow>;

/** An expression that names an excluded object: it waits for the admin's decision. */
export const AffectedExpression = z.object({
  id: z.number().int(),
  text: z.string(),
  status: z.enum(EXPRESSION_STATUSES),
  /** Its excluded targets (local ids). */
  excludedTargets: z.array(z.number().int()),
});

export const AdminVideoObjects = z.object({
  video: z.object({
    id: z.number().int(),
    name: z.string(),
    status: z.enum(VIDEO_STATUSES),
    source: z.enum(VIDEO_SOURCES),
    width: z.number().int(),
    height: z.number().int(),
    frameCount: z.number().int(),
    fps: z.number(),
  }),
  objects: z.array(AdminObjectRow),
  affected: z.array(AffectedExpression),
  /** Some undecided expressions were left out: the viewer also validates and has not answered them. */
  affectedHidden: z.boolean(),
  flags: z.array(MaskFlagRow),
});
export type AdminVideoObjects = z.infer<typeof AdminVideoObjects>;

export const ObjectDecision = z.object({
  objectId: z.number().int(),
  videoId: z.number().int(),
  /** False when the object was already in the asked state (a retry): nothing was written. */
  changed: z.boolean(),
  /** Open flags on the object closed by this decision. */
  flagsResolved: z.number().int(),
});

export const MergeResult = ObjectDecision.extend({
  fromObjectId: z.number().int(),
  /** Frames where both had a mask (united pixel by pixel) and where only B had one (moved over). */
  framesUnited: z.number().int(),
  framesAdded: z.number().int(),
  /** Expression targets renamed from B to A (or dropped where A was named too), and answers renamed. */
  targetsRewritten: z.number().int(),
  answersRewritten: z.number().int(),
});
export type MergeResult = z.infer<typeof MergeResult>;
