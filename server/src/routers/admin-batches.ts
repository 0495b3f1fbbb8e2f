import { AddBatchVideosInput, BatchDetail, BatchIdInput, BatchView, CreateBatchInput, RemoveBatchVideosInput, UnassignedPage, UnassignedQuery } from '#shared/schemas/batches.ts';
import { z } from 'zod';
import { addBatchVideos, closeBatch, createBatch, getBatch, listBatches, listUnassigned, removeBatchVideos } from '../services/work-batches.ts';
import { roleProcedure, router } from '../trpc/init.ts';

const admin = roleProcedure('admin');

/** Work batches: curated videos set aside for one annotator (services/work-batches.ts). */
export const adminBatchesRouter = router({
  /** Every batch with its progress, open ones first. */
  list: admin.output(z.array(BatchView)).query(({ ctx }) => listBatches(ctx.app.db)),
  get: admin
    .input(BatchIdInput)
    .output(BatchDetail)
    .query(({ ctx, input }) => getBatch(ctx.app.db, input.batchId)),
  /** Curated videos no open batch holds, neediest first: the picker, and what "the next N" takes. */
  unassigned: admin
    .input(UnassignedQuery)
    .output(UnassignedPage)
    .query(({ ctx, input }) => listUnassigned(ctx.app.db, input)),
  create: admin
    .input(CreateBatchInput)
    .output(BatchView)
    .mutation(({ ctx, input }) => createBatch(ctx.app.db, input, ctx.user.id)),
  addVideos: admin
    .input(AddBatchVideosInput)
    .output(BatchDetail)
    .mutation(({ ctx, input }) => addBatchVideos(ctx.app.db, input.batchId, input.videos, ctx.user.id)),
  removeVideos: admin
    .input(RemoveBatchVideosInput)
    .output(BatchDetail)
    .mutation(({ ctx, input }) => removeBatchVideos(ctx.app.db, input.batchId, input.videoIds, ctx.user.id)),
  /** Its videos go back to the lottery; the batch stays, with its counts, as history. */
  close: admin
    .input(BatchIdInput)
    .output(BatchView)
    .mutation(({ ctx, input }) => closeBatch(ctx.app.db, input.batchId, ctx.user.id)),
});
