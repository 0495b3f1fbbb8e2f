/**
 * The shape of the admin dashboard (server/src/services/dashboard.ts), shared so the client types
 * its props without importing server code. Types only: nothing here runs.
 *
 * Rates and shares are fractions in 0..1 (the UI formats them as percentages); null where the
 * denominator is zero. Times are unix milliseconds unless a field says otherwise.
 */
import type { ExpressionStatus, RejectReason, VideoStatus } from './domain.ts';

/** A count towards a target: ratio = value / target (may exceed 1), null when the target is 0. */
export interface DashboardProgress {
  value: number;
  target: number;
  ratio: number | null;
}

/** A share towards a target share: value = part / whole (0 when whole is 0). */
export interface DashboardShareProgress extends DashboardProgress {
  part: number;
  whole: number;
}

/** Bars: labels[i] names bin i, counts[i] its height. */
export interface DashboardHistogram {
  labels: string[];
  counts: number[];
}

/**
 * Per UTC day, aligned arrays ready for uPlot (`[days, ...series]`): days[i] is the unix time in
 * SECONDS of 00:00 UTC of day i; every other array has the same length.
 */
export interface DashboardDailySeries {
  days: number[];
  /** Annotated expressions created that day. */
  submissions: number[];
  /** Annotated expressions decided that day, by outcome. */
  accepted: number[];
  discarded: number[];
  rejected: number[];
  /** First-round (round 1) answers given that day. */
  firstAnswers: number[];
  /** Share of that day's round-1 answers whose set equals the annotator's; null on days without any. */
  agreement: (number | null)[];
}

export interface DashboardAudioCounts {
  /** Accepted expressions with no submitted or verified clip. */
  needAudio: number;
  /** Clips by state: submitted (awaiting checks), verified, failed. */
  submitted: number;
  verified: number;
  failed: number;
  verifiedSecondsHuman: number;
  verifiedSecondsTts: number;
}

export interface DashboardAnnotatorRow {
  userId: number;
  username: string;
  submitted: number;
  /** Still in the protocol (pending or second round). */
  open: number;
  accepted: number;
  discarded: number;
  rejected: number;
  /** Of the decided ones (accepted + discarded + rejected). */
  acceptedRate: number | null;
  discardedRate: number | null;
  rejectedRate: number | null;
}

export interface DashboardValidatorRow {
  userId: number;
  username: string;
  /** All answers, gold included. */
  answered: number;
  /** Protocol answers on samples that ended accepted or rejected (the ones with a known truth). */
  scored: number;
  /** Share of scored answers that agree with the final outcome. */
  agreement: number | null;
  goldAnswered: number;
  goldAccuracy: number | null;
  /** Median time spent on an answer (answers under a lease), seconds. */
  medianSeconds: number | null;
}

export interface DashboardSpeakerRow {
  userId: number;
  username: string;
  clips: number;
  submitted: number;
  verified: number;
  failed: number;
  /** verified / (verified + failed): of the clips already checked. */
  verifiedRate: number | null;
  verifiedSeconds: number;
}

export interface DashboardQuiet {
  quiet: boolean;
  /** Whole minutes since the last piece of work came in; null if none ever did. */
  minutesSinceLastSubmission: number | null;
  /** Non-admin users with session activity within the last quietMinutes. */
  activeUsers: number;
  lastSubmissionAt: number | null;
  quietMinutes: number;
}

export interface DashboardData {
  generatedAt: number;
  counts: {
    /** All expressions (imported ones included) by protocol state. */
    expressions: Record<ExpressionStatus, number>;
    rejectedByReason: Record<RejectReason, number>;
    videos: Record<VideoStatus, number>;
    audio: DashboardAudioCounts;
  };
  progress: {
    /** Accepted expressions on accepted videos vs targetExpressionsPerVideo × accepted videos. */
    expressions: DashboardProgress;
    /** No-target share of accepted expressions on accepted videos vs targetNoTargetShare. */
    noTargetShare: DashboardShareProgress;
    /** TTS share of verified audio seconds vs targetTtsShare (part/whole in seconds). */
    ttsShare: DashboardShareProgress;
  };
  series: DashboardDailySeries;
  distributions: {
    /** Accepted videos by their number of accepted expressions: "0", "1", …, "N+" (N = target per video). */
    expressionsPerVideo: DashboardHistogram;
    /** Accepted expressions on accepted videos by target count: "0", "1", "2", "3", "4+". */
    targetsPerExpression: DashboardHistogram;
    /** Rejected expressions by reason. */
    rejectReasons: DashboardHistogram;
  };
  users: {
    annotators: DashboardAnnotatorRow[];
    validators: DashboardValidatorRow[];
    speakers: DashboardSpeakerRow[];
  };
  quiet: DashboardQuiet;
}
