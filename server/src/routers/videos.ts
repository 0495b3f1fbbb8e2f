import { VideoDetail, VideoListInput, VideoMasks, VideoSummary, VideoViewInput } from '#shared/schemas/videos.ts';
import { z } from 'zod';
import type { SessionUser } from '#shared/schemas/users.ts';
import { getVideo, getVideoMasks, listVideos, type VideoScope } from '../services/videos.ts';
import { refuseHiddenVideo } from '../services/probes.ts';
import { STAFF_ROLES } from '#shared/roles.ts';
import { roleProcedure, router } from '../trpc/init.ts';

const scopeOf = (user: SessionUser): VideoScope => (user.roles.includes('admin') ? { onlyAccepted: false } : { onlyAccepted: true, annotatorId: user.id });

/** Excluded objects are shown only to admins who ask (their video page); work pages never ask. */
const viewScope = (user: SessionUser, withExcluded = false): VideoScope => ({ ...scopeOf(user), withExcluded: withExcluded && user.roles.includes('admin') });

export const videosRouter = router({
  list: roleProcedure('admin', 'annotator')
    .input(VideoListInput)
    .output(z.object({ total: z.number().int(), videos: z.array(VideoSummary) }))
    .query(({ ctx, input }) => listVideos(ctx.app.db, input, scopeOf(ctx.user))),

  // Every staff role watches videos (validators judge, speakers replay for context); masks carry no
  // targets. Not participants: masks of a challenge's withheld split are its ground truth.
  get: roleProcedure(...STAFF_ROLES)
    .input(VideoViewInput)
    .output(VideoDetail)
    .query(async ({ ctx, input }) => {
      // Closed to a validator while they hold a single-frame probe on it (services/probes.ts).
      await refuseHiddenVideo(ctx.app.db, ctx.user, input.videoId);
      return getVideo(ctx.app.db, input.videoId, viewScope(ctx.user, input.withExcluded));
    }),

  masks: roleProcedure(...STAFF_ROLES)
    .input(VideoViewInput)
    .output(VideoMasks)
    .query(async ({ ctx, input }) => {
      await refuseHiddenVideo(ctx.app.db, ctx.user, input.videoId);
      return getVideoMasks(ctx.app.db, input.videoId, viewScope(ctx.user, input.withExcluded));
    }),
});
