import { z } from 'zod';
import { EXPRESSION_STATUSES } from '../domain.ts';

/**
 * Taking a person's answers out of the next round (issue 18; server/src/services/rater-exclusion.ts):
 * a validator's answers are voided and the samples they helped decide are re-derived from the
 * answers left; an annotator's samples that no release holds yet go back to validation.
 */
export const RATER_ROLES = ['validator', 'annotator'] as const;
export type RaterRole = (typeof RATER_ROLES)[number];

export const ExclusionTarget = z
  .object({
    userId: z.number().int().positive(),
    role: z.enum(RATER_ROLES),
  })
  .strict();
export type ExclusionTarget = z.infer<typeof ExclusionTarget>;

export const ExcludeInput = z
  .object({
    userId: z.number().int().positive(),
    role: z.enum(RATER_ROLES),
    /** Why (kept with the record and in the audit log). */
    note: z.string().trim().max(500).default(''),
    /** Also take the role away, so the person gets no new work of that kind. */
    removeRole: z.boolean().default(false),
  })
  .strict();
export type ExcludeInput = z.input<typeof ExcludeInput>;

const Status = z.enum(EXPRESSION_STATUSES);

export const ExclusionPreview = z.object({
  userId: z.number().int(),
  username: z.string(),
  role: z.enum(RATER_ROLES),
  /** Answers the action would void (gold answers among them: they never changed a sample's state). */
  answers: z.number().int(),
  goldAnswers: z.number().int(),
  /** Samples whose state would change, grouped by their current and their new state. */
  samples: z.array(z.object({ from: Status, to: Status, n: z.number().int() })),
  /** Validator: of those samples, how many a release already holds (it keeps them as they were). */
  inRelease: z.number().int(),
  /** Annotator: their expressions a release holds, left alone. */
  releasedLeftAlone: z.number().int(),
  /** Leases on those samples that would end (no longer valid for the sample's new state). */
  leases: z.number().int(),
  /** Whether the person holds the role now, and whether taking it away leaves them another one. */
  hasRole: z.boolean(),
  canRemoveRole: z.boolean(),
});
export type ExclusionPreview = z.infer<typeof ExclusionPreview>;

export const ExclusionResult = z.object({
  /** null: nothing was left to void (a second exclusion), so no record was written. */
  exclusionId: z.number().int().nullable(),
  voidedAnswers: z.number().int(),
  reopenedSamples: z.number().int(),
  leasesReleased: z.number().int(),
  roleRemoved: z.boolean(),
});
export type ExclusionResult = z.infer<typeof ExclusionResult>;

export const ExclusionRow = z.object({
  id: z.number().int(),
  userId: z.number().int(),
  username: z.string(),
  /** From the audit entry written with it (null if that entry is gone). */
  role: z.enum(RATER_ROLES).nullable(),
  actor: z.string().nullable(),
  note: z.string(),
  voidedAnswers: z.number().int(),
  reopenedSamples: z.number().int(),
  createdAt: z.number(),
});
export type ExclusionRow = z.infer<typeof ExclusionRow>;
