import { z } from 'zod';
import { AnnotationView, MyExpressionsResult, SubmitExpressionInput, SubmitExpressionResult } from '#shared/schemas/annotate.ts';
import { VideoIdInput } from '#shared/schemas/videos.ts';
import { annotationView, myExpressions, submitExpression } from '../services/annotation.ts';
import { nextVideoFor, recordSkip } from '../services/assignment.ts';
import { annotatorOverview } from '../services/overview.ts';
import { flagByAnnotator } from '../services/mask-flags.ts';
import { AnnotatorFlagInput, FlagResult } from '#shared/schemas/objects.ts';
import { roleProcedure, router } from '../trpc/init.ts';

const annotator = roleProcedure('annotator');

export const annotateRouter = router({
  /** The annotator home: counts of the work waiting for this user. */
  overview: annotator.query(({ ctx }) => annotatorOverview(ctx.app.db, ctx.user.id)),

  /** A random curated video, weighted by need (see services/assignment.ts); null when none. */
  nextVideo: annotator
    .input(z.object({ exclude: z.number().int().positive().optional() }).default({}))
    .output(z.object({ videoId: z.number().int().nullable() }))
    .mutation(async ({ ctx, input }) => ({ videoId: await nextVideoFor(ctx.app.db, ctx.user.id, { exclude: input.exclude }) })),

  skip: annotator
    .input(VideoIdInput)
    .output(z.object({ videoId: z.number().int().nullable() }))
    .mutation(async ({ ctx, input }) => {
      await recordSkip(ctx.app.db, ctx.user.id, input.videoId);
      return { videoId: await nextVideoFor(ctx.app.db, ctx.user.id, { exclude: input.videoId }) };
    }),

  video: annotator
    .input(VideoIdInput)
    .output(AnnotationView)
    .query(({ ctx, input }) => annotationView(ctx.app.db, input.videoId, ctx.user.id)),

  submit: annotator
    .input(SubmitExpressionInput)
    .output(SubmitExpressionResult)
    .mutation(({ ctx, input }) => submitExpression(ctx.app.db, ctx.user.id, input)),

  /** "Bad mask" on an object of a video this annotator may work on, with a short note (services/mask-flags.ts). */
  flagMask: annotator
    .input(AnnotatorFlagInput)
    .output(FlagResult)
    .mutation(({ ctx, input }) => flagByAnnotator(ctx.app.db, ctx.user.id, input)),

  mine: annotator
    .input(z.object({ limit: z.number().int().min(1).max(200).default(20) }).default({ limit: 20 }))
    .output(MyExpressionsResult)
    .query(({ ctx, input }) => myExpressions(ctx.app.db, ctx.user.id, input.limit)),
});
