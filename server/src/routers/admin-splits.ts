import { VideoIdInput } from '#shared/schemas/videos.ts';
import { SetVideoSplitInput, SetVideoSplitResult, VideoSplitState } from '#shared/schemas/video-splits.ts';
import { setVideoSplits, videoSplitState } from '../services/video-splits.ts';
import { roleProcedure, router } from '../trpc/init.ts';

const admin = roleProcedure('admin');

/** A video's split before its first release (services/video-splits.ts); the CLI's `videos split` does the same by name. */
export const adminSplitsRouter = router({
  get: admin
    .input(VideoIdInput)
    .output(VideoSplitState)
    .query(({ ctx, input }) => videoSplitState(ctx.app.db, input.videoId)),
  /** All or nothing: refused when any of the videos is unknown or already released (its split is pinned). */
  set: admin
    .input(SetVideoSplitInput)
    .output(SetVideoSplitResult)
    .mutation(({ ctx, input }) => setVideoSplits(ctx.app.db, { by: 'id', splits: new Map(input.videoIds.map((id) => [id, input.split])) }, ctx.user.id)),
});
