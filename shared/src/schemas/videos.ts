import { z } from 'zod';
import { VIDEO_STATUSES } from '../domain.ts';

export const VideoIdInput = z.object({ videoId: z.number().int().positive() });

/** A video to watch; `withExcluded` (admins only, ignored for others) adds the objects taken out of annotation. */
export const VideoViewInput = VideoIdInput.extend({ withExcluded: z.boolean().optional() });

export const VideoListInput = z
  .object({
    status: z.enum(VIDEO_STATUSES).optional(),
    limit: z.number().int().min(1).max(500).default(100),
    offset: z.number().int().min(0).default(0),
  })
  .default({ limit: 100, offset: 0 });

export const VideoSummary = z.object({
  id: z.number().int(),
  name: z.string(),
  status: z.enum(VIDEO_STATUSES),
  width: z.number().int(),
  height: z.number().int(),
  frameCount: z.number().int(),
  fps: z.number(),
  objectCount: z.number().int(),
  expressionCount: z.number().int(),
});
export type VideoSummary = z.infer<typeof VideoSummary>;

export const VideoDetail = z.object({
  id: z.number().int(),
  name: z.string(),
  status: z.enum(VIDEO_STATUSES),
  width: z.number().int(),
  height: z.number().int(),
  fps: z.number(),
  /** Source frame names in playback order; frame i is served at /media/frames/<id>/<i>. */
  frames: z.array(z.string()),
  objects: z.array(z.object({ localId: z.number().int(), category: z.string().nullable() })),
});
export type VideoDetail = z.infer<typeof VideoDetail>;

/** Every object's masks as COCO RLE counts per frame (null = not visible), size [h, w]. */
export const VideoMasks = z.object({
  size: z.tuple([z.number().int(), z.number().int()]),
  tracks: z.array(z.object({ localId: z.number().int(), counts: z.array(z.string().nullable()) })),
});
export type VideoMasks = z.infer<typeof VideoMasks>;
