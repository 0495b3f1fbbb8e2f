import { z } from 'zod';

/** Project settings an admin can change; every field has the protocol's default. */
export const SettingsSchema = z.object({
  /** How long a validator holds a sample before it returns to the queue. */
  leaseMinutes: z.number().min(0.1).max(240).default(10),
  /** Share of a validator's samples that are gold (known answer) checks. */
  goldShare: z.number().min(0).max(0.5).default(0.1),
  /** Validators who wrote expressions for a video do not validate its samples (they know its objects). */
  validatorSkipsOwnVideos: z.boolean().default(true),
});
export type Settings = z.infer<typeof SettingsSchema>;

export const SettingsPatch = SettingsSchema.partial();
export type SettingsPatch = z.infer<typeof SettingsPatch>;
