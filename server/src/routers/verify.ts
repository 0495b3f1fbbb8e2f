import { ClipToVerify, ClipVoteInput, ClipVoteResult } from '#shared/schemas/record.ts';
import { nextClip, voteClip } from '../services/clip-verification.ts';
import { roleProcedure, router } from '../trpc/init.ts';

const validator = roleProcedure('validator');

/** Human verification of audio clips, by validators (never the clip's own speaker). */
export const verifyRouter = router({
  next: validator.output(ClipToVerify.nullable()).mutation(({ ctx }) => nextClip(ctx.app.db, ctx.user.id)),
  vote: validator
    .input(ClipVoteInput)
    .output(ClipVoteResult)
    .mutation(({ ctx, input }) => voteClip(ctx.app.db, ctx.user.id, input.recordingId, input.vote, input.reason)),
});
