import { z } from 'zod';
import { AnswerFeedback, LeaderboardRow, SampleView, SubmitAnswerInput, ValidatorStats } from '#shared/schemas/validate.ts';
import { validatorOverview } from '../services/overview.ts';
import { flagByValidator } from '../services/mask-flags.ts';
import { FlagResult, ValidatorFlagInput } from '#shared/schemas/objects.ts';
import { leaderboard, nextSample, submitAnswer, validatorStats } from '../services/validation.ts';
import { roleProcedure, router } from '../trpc/init.ts';

const validator = roleProcedure('validator');

const EMPTY_STATS = { answered: 0, scored: 0, correct: 0, accuracy: null, goldAnswered: 0, goldCorrect: 0, goldAccuracy: null, medianSeconds: null, points: 0 };

/**
 * Every output here is a strict schema: a field that is not declared (a target, a round, another
 * validator's answer) cannot reach a validator even if a service returned it by mistake.
 */
export const validateRouter = router({
  /** The validator home: counts only. */
  overview: validator
    .output(z.strictObject({ waitingForMe: z.number().int(), answered: z.number().int() }))
    .query(({ ctx }) => validatorOverview(ctx.app.db, ctx.user.id)),

  /** The sample to answer now (the one already held, or a new one under a lease); null when none. */
  next: validator
    .output(SampleView.nullable())
    .mutation(({ ctx }) => nextSample(ctx.app.db, ctx.user.id)),

  answer: validator
    .input(SubmitAnswerInput)
    .output(AnswerFeedback)
    .mutation(({ ctx, input }) => submitAnswer(ctx.app.db, ctx.user.id, input.expressionId, input.answer)),

  /**
   * "Bad mask" on an object of the held sample's video, named by its local id only: the answer is
   * the same whatever the sample's targets are (services/mask-flags.ts).
   */
  flagMask: validator
    .input(ValidatorFlagInput)
    .output(FlagResult)
    .mutation(({ ctx, input }) => flagByValidator(ctx.app.db, ctx.user.id, input)),

  stats: validator.output(ValidatorStats).query(async ({ ctx }) => {
    const [mine] = await validatorStats(ctx.app.db, [ctx.user.id]);
    const { validatorId: _, ...rest } = mine ?? { validatorId: 0, ...EMPTY_STATS };
    return rest;
  }),

  /** Ranked by accuracy-weighted points, not by volume. */
  leaderboard: validator.output(z.array(LeaderboardRow)).query(({ ctx }) => leaderboard(ctx.app.db, 20)),
});
