import { z } from 'zod';
import { AGE_GROUPS, ASR_STATUSES, CLIP_FAILURE_CAUSES, CLIP_VOTES, GENDERS, MICROPHONES, NATIVENESS, RECORDING_KINDS, RECORDING_STATUSES } from '../domain.ts';

export const ToRecord = z.strictObject({
  expressionId: z.number().int(),
  videoId: z.number().int(),
  text: z.string(),
  /** Earlier takes of this expression (failed ones included). */
  recordings: z.number().int(),
});
export type ToRecord = z.infer<typeof ToRecord>;

/** The non-file fields of an upload; the file travels beside them in the same FormData. */
export const UploadFields = z.object({
  uid: z.uuid(),
  expressionId: z.coerce.number().int().positive(),
  /** JSON list of acknowledged clip warning codes. */
  acknowledged: z
    .string()
    .max(500)
    .default('[]')
    .transform((s, ctx) => {
      try {
        const v = JSON.parse(s) as unknown;
        if (Array.isArray(v) && v.every((x) => typeof x === 'string' && x.length < 40)) return v as string[];
      } catch {
        // fall through
      }
      ctx.addIssue({ code: 'custom', message: 'acknowledged must be a JSON list of codes' });
      return z.NEVER;
    }),
});

export const UploadResult = z.object({
  recordingId: z.number().int(),
  status: z.enum(RECORDING_STATUSES),
  alreadySubmitted: z.boolean(),
  wordsPerMinute: z.number().nullable(),
  durationMs: z.number().int(),
});

export const MyRecording = z.object({
  id: z.number().int(),
  expressionId: z.number().int(),
  text: z.string(),
  kind: z.enum(RECORDING_KINDS),
  status: z.enum(RECORDING_STATUSES),
  failureCause: z.enum(CLIP_FAILURE_CAUSES).nullable(),
  asrStatus: z.enum(ASR_STATUSES),
  durationMs: z.number().int(),
  wordsPerMinute: z.number().nullable(),
  lossless: z.boolean(),
  createdAt: z.number(),
});

export const SpeakerProfile = z.object({
  nativeness: z.enum(NATIVENESS).nullable(),
  gender: z.enum(GENDERS).nullable(),
  ageGroup: z.enum(AGE_GROUPS).nullable(),
  microphone: z.enum(MICROPHONES).nullable(),
});
export type SpeakerProfile = z.infer<typeof SpeakerProfile>;

/** What a verifier gets: the sentence and the clip to play, nothing about its speaker. */
export const ClipToVerify = z.strictObject({
  recordingId: z.number().int(),
  text: z.string(),
  durationMs: z.number().int(),
  expiresAt: z.number(),
});

export const ClipVoteInput = z.object({
  recordingId: z.number().int().positive(),
  vote: z.enum(CLIP_VOTES),
  reason: z.string().trim().max(500).optional(),
});

/** After a vote: the clip's status now, and (the vote cast) whether it was synthesized, for the right words. */
export const ClipVoteResult = z.object({ status: z.enum(RECORDING_STATUSES), alreadyVoted: z.boolean(), synthesized: z.boolean() });
