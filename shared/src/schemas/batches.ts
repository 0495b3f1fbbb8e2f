import { z } from 'zod';
import { VIDEO_STATUSES } from '../domain.ts';

/** Work batches: videos an admin sets aside for one annotator (server/src/services/work-batches.ts). */

/** At most this many videos per request: one admin's click, never a table-sized statement. */
export const MAX_BATCH_REQUEST_VIDEOS = 1000;

const Id = z.number().int().positive().max(2 ** 31 - 1);

/** Which videos: these (picked from the curated list), or the next N curated videos no open batch holds. */
export const BatchVideoPick = z.union([
  z.object({ videoIds: z.array(Id).min(1, 'pick at least one video').max(MAX_BATCH_REQUEST_VIDEOS, `at most ${MAX_BATCH_REQUEST_VIDEOS} videos at once`) }),
  z.object({ next: z.number().int().min(1, 'at least one video').max(MAX_BATCH_REQUEST_VIDEOS, `at most ${MAX_BATCH_REQUEST_VIDEOS} videos at once`) }),
]);
export type BatchVideoPick = z.infer<typeof BatchVideoPick>;

export const CreateBatchInput = z.object({
  name: z.string().trim().min(1, 'a batch needs a name').max(100, 'a batch name has at most 100 characters'),
  annotatorId: Id,
  videos: BatchVideoPick,
});
export type CreateBatchInput = z.infer<typeof CreateBatchInput>;

export const BatchIdInput = z.object({ batchId: Id });

export const AddBatchVideosInput = z.object({ batchId: Id, videos: BatchVideoPick });

export const RemoveBatchVideosInput = z.object({
  batchId: Id,
  videoIds: z.array(Id).min(1, 'pick at least one video').max(MAX_BATCH_REQUEST_VIDEOS, `at most ${MAX_BATCH_REQUEST_VIDEOS} videos at once`),
});

/**
 * A batch and how far its annotator is. Counted over the batch's videos (those in it now; for a
 * closed batch, those in it when it closed) and the annotator's expressions on them since the
 * batch was made (until it closed).
 */
export const BatchView = z.object({
  id: z.number().int(),
  name: z.string(),
  annotatorId: z.number().int(),
  annotator: z.string(),
  /** False once the annotator is disabled or no longer has the annotator role: the batch holds its videos for nobody. */
  annotatorActive: z.boolean(),
  createdBy: z.string().nullable(),
  createdAt: z.number(),
  closedAt: z.number().nullable(),
  videos: z.number().int(),
  /** Videos with at least one expression by the annotator. */
  videosStarted: z.number().int(),
  expressionsWritten: z.number().int(),
  expressionsAccepted: z.number().int(),
  /** The annotator's latest expression in the batch; null before the first. */
  lastActivityAt: z.number().nullable(),
});
export type BatchView = z.infer<typeof BatchView>;

export const BatchVideoView = z.object({
  id: z.number().int(),
  name: z.string(),
  status: z.enum(VIDEO_STATUSES),
  expressionsWritten: z.number().int(),
  expressionsAccepted: z.number().int(),
});
export type BatchVideoView = z.infer<typeof BatchVideoView>;

export const BatchDetail = BatchView.extend({ videoList: z.array(BatchVideoView) });
export type BatchDetail = z.infer<typeof BatchDetail>;

/** Curated videos no open batch holds: what the picker offers. */
export const UnassignedQuery = z.object({
  search: z.string().trim().max(100).optional(),
  limit: z.number().int().min(1).max(200).default(50),
  offset: z.number().int().min(0).max(1_000_000).default(0),
});
export type UnassignedQuery = z.infer<typeof UnassignedQuery>;

export const UnassignedPage = z.object({
  total: z.number().int(),
  videos: z.array(z.object({ id: z.number().int(), name: z.string(), frameCount: z.number().int(), acceptedExpressions: z.number().int() })),
});

/** The annotator's own open batches, for their home page. */
export const MyBatch = z.object({ id: z.number().int(), name: z.string(), videos: z.number().int(), videosStarted: z.number().int() });
export type MyBatch = z.infer<typeof MyBatch>;
