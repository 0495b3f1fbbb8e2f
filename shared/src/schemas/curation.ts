import { z } from 'zod';
import { VIDEO_SOURCES, VIDEO_STATUSES } from '../domain.ts';

export const CURATION_SORTS = ['name', 'objects', 'moving', 'lookalikes', 'duration', 'frames', 'expressions'] as const;

export const CurationQuery = z.object({
  status: z.enum(VIDEO_STATUSES).optional(),
  /** true: only videos the rules suggest; false: only those they do not. */
  suggested: z.boolean().optional(),
  search: z.string().trim().max(100).optional(),
  sort: z.enum(CURATION_SORTS).default('name'),
  dir: z.enum(['asc', 'desc']).default('asc'),
  limit: z.number().int().min(1).max(200).default(50),
  offset: z.number().int().min(0).max(1_000_000).default(0),
});
export type CurationQuery = z.infer<typeof CurationQuery>;

export const CurationRow = z.object({
  id: z.number().int(),
  name: z.string(),
  /** Where it came from; 'demo' marks the synthetic demo videos (left out of releases by default). */
  source: z.enum(VIDEO_SOURCES),
  status: z.enum(VIDEO_STATUSES),
  width: z.number().int(),
  height: z.number().int(),
  frameCount: z.number().int(),
  durationSec: z.number(),
  /** null until the scores are computed (right after import). */
  objectCount: z.number().int().nullable(),
  movingCount: z.number().int().nullable(),
  lookalikePairs: z.number().int().nullable(),
  lookalikes: z.array(z.object({ a: z.number().int(), b: z.number().int(), distance: z.number() })),
  /** Objects masked on key frames only (shared/src/curation/sparse.ts); such a video is never suggested. */
  sparseObjects: z.number().int().nullable(),
  expressionCount: z.number().int(),
  suggested: z.boolean().nullable(),
  /** Why the rules do not suggest it (empty when suggested). */
  reasons: z.array(z.string()),
});
export type CurationRow = z.infer<typeof CurationRow>;

export const CurationPage = z.object({ total: z.number().int(), rows: z.array(CurationRow), rules: z.object({ minObjects: z.number(), minMoving: z.number() }) });

export const SetVideoStatus = z.object({ videoIds: z.array(z.number().int().positive()).min(1).max(1000), status: z.enum(VIDEO_STATUSES) });
