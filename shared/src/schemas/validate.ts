import { z } from 'zod';
import { REJECT_REASONS } from '../domain.ts';

export const AnswerInput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('targets'), targets: z.array(z.number().int().min(0).max(65535)).min(1).max(100) }),
  z.object({ kind: z.literal('no_target') }),
  z.object({ kind: z.literal('reject'), reason: z.enum(REJECT_REASONS), note: z.string().trim().max(500).optional() }),
]);
export type AnswerInput = z.infer<typeof AnswerInput>;

export const SubmitAnswerInput = z.object({
  expressionId: z.number().int().positive(),
  answer: AnswerInput,
});

/**
 * What a validator sees of a sample before answering: the sentence and the video. Deliberately
 * nothing else — no targets, no round, no gold flag, no earlier answer. The schema is strict: a
 * response carrying any other field fails as an internal error instead of reaching the validator.
 */
export const SampleView = z.strictObject({
  expressionId: z.number().int(),
  videoId: z.number().int(),
  text: z.string(),
  expiresAt: z.number(),
});
export type SampleView = z.infer<typeof SampleView>;

export const AnswerFeedback = z.strictObject({
  /** The same answer had been stored before (a retry). */
  alreadyAnswered: z.boolean(),
  /** Whether the answer named the annotator's set; null for a rejection. */
  agreed: z.boolean().nullable(),
  /** The sample's outcome once decided; null while it waits for a second validator. */
  outcome: z.enum(['accepted', 'discarded', 'rejected']).nullable(),
  /** The annotator's targets, shown only once the sample is decided. */
  correctTargets: z.array(z.number().int()).nullable(),
  /** Points this answer earned so far (agreeing with a decided outcome). */
  points: z.number(),
});
export type AnswerFeedback = z.infer<typeof AnswerFeedback>;

export const ValidatorStats = z.object({
  answered: z.number().int(),
  scored: z.number().int(),
  correct: z.number().int(),
  accuracy: z.number().nullable(),
  goldAnswered: z.number().int(),
  goldCorrect: z.number().int(),
  goldAccuracy: z.number().nullable(),
  medianSeconds: z.number().nullable(),
  points: z.number(),
});
export type ValidatorStats = z.infer<typeof ValidatorStats>;

export const LeaderboardRow = ValidatorStats.extend({ username: z.string(), rank: z.number().int() });
