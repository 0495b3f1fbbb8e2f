import { ProbeAnswerInput, ProbeAnswerResult, ProbeOverview, ProbeReleased, ProbeView } from '#shared/schemas/probe.ts';
import { answerProbe, nextProbe, probesWaitingFor, releaseProbe } from '../services/probes.ts';
import { roleProcedure, router } from '../trpc/init.ts';

const validator = roleProcedure('validator');

/**
 * The single-frame probe for validators (services/probes.ts). Strict outputs: a probe view carries
 * the sentence, one frame's masks and the probe's id, never the video, the expression or the
 * annotator's choice; an answer's result says only that it was stored.
 */
export const probeRouter = router({
  /** The home page's count of probes waiting for this validator. */
  overview: validator.output(ProbeOverview).query(async ({ ctx }) => ({ waitingForMe: await probesWaitingFor(ctx.app.db, ctx.user.id) })),

  /** The probe held, or a new one under a hold as long as a protocol lease; null when none waits. */
  next: validator.output(ProbeView.nullable()).mutation(({ ctx }) => nextProbe(ctx.app.db, ctx.user.id)),

  answer: validator
    .input(ProbeAnswerInput)
    .output(ProbeAnswerResult)
    .mutation(({ ctx, input }) => answerProbe(ctx.app.db, ctx.user.id, input.probeId, input.answer)),

  /** Give the held probe back (it goes to another validator; this one will not get it again). */
  release: validator.output(ProbeReleased).mutation(({ ctx }) => releaseProbe(ctx.app.db, ctx.user.id)),
});
