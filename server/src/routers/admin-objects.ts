import { VideoIdInput } from '#shared/schemas/videos.ts';
import {
  AdminVideoObjects,
  ExcludeObjectInput,
  FlagListQuery,
  MaskFlagPage,
  MergeObjectsInput,
  MergeResult,
  ObjectDecision,
  ObjectIdInput,
  ResolveFlagInput,
} from '#shared/schemas/objects.ts';
import { z } from 'zod';
import type { App } from '../app.ts';
import { MASK_FLAG_RESOLUTIONS } from '#shared/domain.ts';
import { resolveFlag } from '../services/flag-resolution.ts';
import { listFlags } from '../services/mask-flags.ts';
import { mergeObjects } from '../services/object-merge.ts';
import { adminVideoObjects, excludeObject, restoreObject } from '../services/objects-admin.ts';
import { roleProcedure, router } from '../trpc/init.ts';

const admin = roleProcedure('admin');

/**
 * Curation counts the objects annotators see, so a decision that changes them queues the video's
 * scoring again (a background job; the answer does not wait for it).
 */
async function rescore<T extends { videoId: number; changed: boolean }>(app: App, actorId: number, result: T): Promise<T> {
  if (result.changed) await app.curation.score([result.videoId], { actorId });
  return result;
}

/** A video's objects and the admin's decisions on them (services/objects-admin.ts, object-merge.ts). */
export const adminObjectsRouter = router({
  /** The video's objects with coverage, motion, exclusion and flags; expressions naming excluded ones. */
  video: admin
    .input(VideoIdInput)
    .output(AdminVideoObjects)
    .query(({ ctx, input }) => adminVideoObjects(ctx.app.db, input.videoId, ctx.user)),
  exclude: admin
    .input(ExcludeObjectInput)
    .output(ObjectDecision)
    .mutation(async ({ ctx, input }) => rescore(ctx.app, ctx.user.id, await excludeObject(ctx.app.db, input.objectId, input.note, ctx.user.id))),
  restore: admin
    .input(ObjectIdInput)
    .output(ObjectDecision)
    .mutation(async ({ ctx, input }) => rescore(ctx.app, ctx.user.id, await restoreObject(ctx.app.db, input.objectId, ctx.user.id))),
  /** `fromObjectId` (B) into `objectId` (A), same video: masks united, targets and answers renamed. */
  merge: admin
    .input(MergeObjectsInput)
    .output(MergeResult)
    .mutation(async ({ ctx, input }) => rescore(ctx.app, ctx.user.id, await mergeObjects(ctx.app.db, input.objectId, input.fromObjectId, ctx.user.id))),
});

/** The "bad mask" queue (services/mask-flags.ts, flag-resolution.ts). */
export const adminFlagsRouter = router({
  list: admin
    .input(FlagListQuery)
    .output(MaskFlagPage)
    .query(({ ctx, input }) => listFlags(ctx.app.db, input)),
  resolve: admin
    .input(ResolveFlagInput)
    .output(z.object({ flagId: z.number().int(), objectId: z.number().int(), videoId: z.number().int(), resolution: z.enum(MASK_FLAG_RESOLUTIONS) }))
    .mutation(async ({ ctx, input }) => {
      const r = await resolveFlag(ctx.app.db, input, ctx.user.id);
      if (r.resolution !== 'dismissed') await ctx.app.curation.score([r.videoId], { actorId: ctx.user.id });
      return r;
    }),
});
