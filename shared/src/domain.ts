/**
 * Enumerations shared by the database schema, the wire contract and the UI. They live in one place
 * so a state added here is known everywhere (the schema's CHECK-free text columns rely on zod and
 * these unions for integrity).
 */
/** Curation states of a video: what admins see, filter on and set (and the CLI's --status). */
export const VIDEO_STATUSES = ['candidate', 'accepted', 'excluded'] as const;
export type VideoStatus = (typeof VIDEO_STATUSES)[number];

/**
 * Every status a `videos` row can hold: the curation states plus `importing`, a video an import
 * is still writing in bounded transactions (server/src/import/commit.ts). Staged rows are seen by
 * no one: every reader filters them out, and the import's last transaction gives them their real
 * status, or they are deleted (by the failed import, or after a crash by the next import). Kept
 * apart from VIDEO_STATUSES so that user-facing lists, schemas and the CLI never offer it.
 */
export const VIDEO_ROW_STATUSES = [...VIDEO_STATUSES, 'importing'] as const;
export type VideoRowStatus = (typeof VIDEO_ROW_STATUSES)[number];

/** Which importer a video came through; `video` is a video file (MP4/WebM/MOV) whose frames ffmpeg extracted. */
export const VIDEO_SOURCES = ['davis', 'mevis', 'video', 'demo'] as const;
export type VideoSource = (typeof VIDEO_SOURCES)[number];

/** Validation protocol states (paper §3.1 "Language Expression Validation"). */
export const EXPRESSION_STATUSES = ['pending', 'second_round', 'accepted', 'discarded', 'rejected'] as const;
export type ExpressionStatus = (typeof EXPRESSION_STATUSES)[number];

/** single / multi (A3 groups) / none (A5 no-target); always derived from the target count. */
export const EXPRESSION_KINDS = ['single', 'multi', 'none'] as const;
export type ExpressionKind = (typeof EXPRESSION_KINDS)[number];

export function kindForTargetCount(n: number): ExpressionKind {
  return n === 0 ? 'none' : n === 1 ? 'single' : 'multi';
}

export const EXPRESSION_ORIGINS = ['annotated', 'imported'] as const;
export type ExpressionOrigin = (typeof EXPRESSION_ORIGINS)[number];

export const VALIDATION_ANSWERS = ['targets', 'no_target', 'reject'] as const;
export type ValidationAnswer = (typeof VALIDATION_ANSWERS)[number];

/**
 * Why a validator's lease ended: their answer; their time ran out and the sample was handed to
 * someone else (or they took another); released by an admin action (user disabled, gold removed,
 * the sample no longer eligible).
 */
export const LEASE_END_REASONS = ['answered', 'expired', 'released'] as const;
export type LeaseEndReason = (typeof LEASE_END_REASONS)[number];

/** A single-frame probe's answer (issue 18): the objects the sentence names on one frame, or none. */
export const PROBE_ANSWERS = ['targets', 'no_target'] as const;
export type ProbeAnswer = (typeof PROBE_ANSWERS)[number];

/** The admin's decision on an expression the probe found identifiable from one frame: keep it, or reject it (V1). */
export const PROBE_DECISIONS = ['keep', 'reject'] as const;
export type ProbeDecision = (typeof PROBE_DECISIONS)[number];

export const REJECT_REASONS = ['single_frame', 'no_target_unrelated', 'ambiguous', 'inappropriate', 'broken'] as const;
export type RejectReason = (typeof REJECT_REASONS)[number];

export const RECORDING_KINDS = ['human', 'tts'] as const;
export type RecordingKind = (typeof RECORDING_KINDS)[number];

export const RECORDING_STATUSES = ['submitted', 'verified', 'failed'] as const;
export type RecordingStatus = (typeof RECORDING_STATUSES)[number];

/** Why a clip failed verification; the speaker sees it and the expression needs audio again. */
export const CLIP_FAILURE_CAUSES = ['asr', 'human_mismatch', 'human_unclear'] as const;
export type ClipFailureCause = (typeof CLIP_FAILURE_CAUSES)[number];

export const ASR_STATUSES = ['pending', 'passed', 'failed', 'unavailable'] as const;
export type AsrStatus = (typeof ASR_STATUSES)[number];

export const CLIP_VOTES = ['match', 'mismatch', 'unclear'] as const;
export type ClipVote = (typeof CLIP_VOTES)[number];

/** Opt-in speaker profile; summarised in release statistics, never shown per person. */
export const NATIVENESS = ['native', 'non_native'] as const;
export const GENDERS = ['female', 'male', 'non_binary', 'other'] as const;
export const AGE_GROUPS = ['18-29', '30-44', '45-59', '60+'] as const;
export const MICROPHONES = ['headset', 'laptop', 'usb', 'phone', 'studio', 'other'] as const;

/** A background job's life (server/src/jobs/): queued → running → finished or failed (a running job whose instance died runs again). */
export const JOB_STATES = ['queued', 'running', 'finished', 'failed'] as const;
export type JobState = (typeof JOB_STATES)[number];

/** How an admin closed a "bad mask" flag: took the object out, fixed/merged it, or found nothing wrong. */
export const MASK_FLAG_RESOLUTIONS = ['excluded', 'merged', 'dismissed'] as const;
export type MaskFlagResolution = (typeof MASK_FLAG_RESOLUTIONS)[number];
