import { VideoDetail, VideoIdInput, VideoListInput, VideoMasks, VideoSummary } from '#shared/schemas/videos.ts';
import { z } from 'zod';
import type { SessionUser } from '#shared/schemas/users.ts';
import { getVideo, getVideoMasks, listVideos, type VideoScope } from '../services/videos.ts';
import { STAFF_ROLES } from '#shared/roles.ts';
import { roleProcedure, router } from '../trpc/init.ts';

const scopeOf = (user: SessionUser): VideoScope => ({ onlyAccepted: !user.roles.includes('admin') });

export const videosRouter = router({
  list: roleProcedure('admin', 'annotator')
    .input(VideoListInput)
    .output(z.object({ total: z.number().int(), videos: z.array(VideoSummary) }))
    .query(({ ctx, input }) => listVideos(ctx.app.db, input, scopeOf(ctx.user))),

  // Every staff role watches videos (validators judge, speakers replay for context); masks carry no
  // targets. Not participants: masks of a challenge's withheld split are its ground truth.
  get: roleProcedure(...STAFF_ROLES)
    .input(VideoIdInput)
    .output(VideoDetail)
    .query(({ ctx, input }) => getVideo(ctx.app.db, input.videoId, scopeOf(ctx.user))),

  masks: roleProcedure(...STAFF_ROLES)
    .input(VideoIdInput)
    .output(VideoMasks)
    .query(({ ctx, input }) => getVideoMasks(ctx.app.db, input.videoId, scopeOf(ctx.user))),
});
