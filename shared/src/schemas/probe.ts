import { z } from 'zod';
import { EXPRESSION_STATUSES, PROBE_ANSWERS, PROBE_DECISIONS, REJECT_REASONS } from '../domain.ts';
import { VideoMasks } from './videos.ts';

/** The media route of a held probe's one frame (server/src/http/media.ts): named by the probe, not by the video. */
export const probeFrameUrl = (probeId: number) => `/media/probe/${probeId}`;

/**
 * What a validator sees of a single-frame probe: the sentence, one frame (at probeFrameUrl) and
 * the masks of the objects on that frame, as a one-frame VideoMasks. Strict, and deliberately
 * without the video, the frame's index, the expression, its kind or anything of the annotator's
 * answer: the probe asks what one frame tells a reader who has not seen the video.
 */
export const ProbeView = z.strictObject({
  probeId: z.number().int(),
  text: z.string(),
  expiresAt: z.number(),
  width: z.number().int(),
  height: z.number().int(),
  /** The objects visible on the frame (not those an admin excluded), by local id. */
  objects: z.array(z.strictObject({ localId: z.number().int(), category: z.string().nullable() })),
  masks: VideoMasks,
});
export type ProbeView = z.infer<typeof ProbeView>;

export const ProbeAnswer = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal(PROBE_ANSWERS[0]), targets: z.array(z.number().int().min(0).max(65535)).min(1).max(100) }),
  z.object({ kind: z.literal(PROBE_ANSWERS[1]) }),
]);
export type ProbeAnswer = z.infer<typeof ProbeAnswer>;

/** Probe ids are 32-bit row ids on both engines: a larger number is refused as input, not looked up. */
const ProbeId = z.number().int().positive().max(2 ** 31 - 1);

export const ProbeAnswerInput = z.object({ probeId: ProbeId, answer: ProbeAnswer });
export type ProbeAnswerInput = z.infer<typeof ProbeAnswerInput>;

/** Nothing about the annotator's choice: only that the answer is stored. */
export const ProbeAnswerResult = z.strictObject({ saved: z.literal(true), alreadyAnswered: z.boolean() });

export const ProbeOverview = z.strictObject({ waitingForMe: z.number().int() });

export const ProbeReleased = z.strictObject({ released: z.boolean() });

// The admin's side.

/** flagged: identified from one frame, not decided yet; decided: kept or rejected; answered: every answer; open: not answered yet. */
export const PROBE_LIST_STATES = ['flagged', 'decided', 'answered', 'open'] as const;

export const AdminProbeQuery = z
  .object({
    state: z.enum(PROBE_LIST_STATES).default('flagged'),
    limit: z.number().int().min(1).max(200).default(50),
    offset: z.number().int().min(0).max(1_000_000).default(0),
  })
  .default({ state: 'flagged', limit: 50, offset: 0 });

export const AdminProbeRow = z.strictObject({
  probeId: z.number().int(),
  expressionId: z.number().int(),
  text: z.string(),
  videoId: z.number().int(),
  videoName: z.string(),
  frameIdx: z.number().int(),
  expressionStatus: z.enum(EXPRESSION_STATUSES),
  rejectReason: z.enum(REJECT_REASONS).nullable(),
  annotatorTargets: z.array(z.number().int()),
  holder: z.string().nullable(),
  leaseExpiresAt: z.number().nullable(),
  answer: z.enum(PROBE_ANSWERS).nullable(),
  answerTargets: z.array(z.number().int()).nullable(),
  matched: z.boolean().nullable(),
  answeredBy: z.string().nullable(),
  answeredAt: z.number().nullable(),
  durationMs: z.number().nullable(),
  decision: z.enum(PROBE_DECISIONS).nullable(),
  decidedBy: z.string().nullable(),
  decidedAt: z.number().nullable(),
  /** The shown frame's masks (every object not excluded), as one-frame VideoMasks. */
  masks: VideoMasks,
});
export type AdminProbeRow = z.infer<typeof AdminProbeRow>;

export const AdminProbePage = z.strictObject({ total: z.number().int(), probes: z.array(AdminProbeRow) });
export type AdminProbePage = z.infer<typeof AdminProbePage>;

export const AdminProbeStats = z.strictObject({
  share: z.number(),
  /** Probe tasks made so far, not answered yet (of which held now), answered. */
  created: z.number().int(),
  open: z.number().int(),
  held: z.number().int(),
  answered: z.number().int(),
  /** Answers that picked the annotator's objects, and their share of the answers (null: none yet). */
  identifiable: z.number().int(),
  rate: z.number().nullable(),
  kept: z.number().int(),
  rejected: z.number().int(),
  awaitingDecision: z.number().int(),
});
export type AdminProbeStats = z.infer<typeof AdminProbeStats>;

export const ProbeDecisionInput = z.object({ probeId: ProbeId, decision: z.enum(PROBE_DECISIONS) });

export const ProbeDecisionResult = z.strictObject({
  probeId: z.number().int(),
  decision: z.enum(PROBE_DECISIONS),
  expressionStatus: z.enum(EXPRESSION_STATUSES),
  alreadyDecided: z.boolean(),
});
