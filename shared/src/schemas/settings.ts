import { z } from 'zod';

const Share = z.number().min(0).max(1);

/** Project settings an admin can change; every field has the protocol's default. */
export const SettingsSchema = z.object({
  /** How long a validator holds a sample before it returns to the queue. */
  leaseMinutes: z.number().min(0.1).max(240).default(10),
  /** Share of a validator's samples that are gold (known answer) checks. */
  goldShare: z.number().min(0).max(0.5).default(0.1),
  /** Validators who wrote expressions for a video do not validate its samples (they know its objects). */
  validatorSkipsOwnVideos: z.boolean().default(true),
  /** Share of accepted target expressions that also get a single-frame probe (V1 measured; services/probes.ts). */
  probeShare: Share.default(0.1),

  // Curation rules (paper §3.1 R1/R2): a video is suggested when it meets both thresholds.
  curationMinObjects: z.number().int().min(1).max(50).default(3),
  curationMinMoving: z.number().int().min(0).max(50).default(2),
  /** Colour-histogram distance (0 = identical, 1 = disjoint) under which two objects look alike. */
  lookalikeMaxDistance: z.number().min(0).max(1).default(0.3),

  /** Speaking-rate target for recordings, words per minute (outside: a warning to acknowledge). */
  minWpm: z.number().min(40).max(300).default(100),
  maxWpm: z.number().min(40).max(300).default(150),
  /** A clip whose free transcript has a higher word error rate fails the recognizer gate (1 = only the closed-set check decides). */
  maxAsrWer: z.number().min(0).max(1).default(1),
  /** Agreeing listeners' votes that decide a clip's human check (Common Voice: 2; a split vote goes to one more listener). */
  clipVotesNeeded: z.number().int().min(1).max(5).default(2),

  /** Release splits: seed and shares of train / valid_u / valid / test (MeViS: 1662 / 50 / 140 / 154 of 2006). */
  releaseSeed: z.number().int().min(0).max(2 ** 31).default(2006),
  splitProportions: z
    .object({ train: Share, valid_u: Share, valid: Share, test: Share })
    // Typed shares rarely add up to exactly 1; close enough is scaled to 1.
    .refine((p) => Math.abs(p.train + p.valid_u + p.valid + p.test - 1) < 1e-3, 'split proportions must sum to 1')
    .transform((p) => {
      const sum = p.train + p.valid_u + p.valid + p.test;
      return { train: p.train / sum, valid_u: p.valid_u / sum, valid: p.valid / sum, test: p.test / sum };
    })
    .default({ train: 1662 / 2006, valid_u: 50 / 2006, valid: 140 / 2006, test: 154 / 2006 }),

  /** Dashboard targets the progress bars measure against. */
  targetExpressionsPerVideo: z.number().min(1).max(100).default(16),
  targetNoTargetShare: Share.default(0.1),
  targetTtsShare: Share.default(0.2),
  /** "Gone quiet": no submission for this long while users are active. */
  quietMinutes: z.number().min(5).max(24 * 60).default(30),
});
export type Settings = z.infer<typeof SettingsSchema>;

export const SettingsPatch = SettingsSchema.partial();
export type SettingsPatch = z.infer<typeof SettingsPatch>;
