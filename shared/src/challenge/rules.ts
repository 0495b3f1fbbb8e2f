// Challenge rules (issue 16): phases, submission limits and which files of a release a participant
// may download. Pure: callers pass the clock and the rows.

/** Withheld splits a challenge can run on: their ground truth stays on the server. */
export const CHALLENGE_SPLITS = ['valid', 'test'] as const;
export type ChallengeSplit = (typeof CHALLENGE_SPLITS)[number];

export const PHASES = ['development', 'final'] as const;
export type Phase = (typeof PHASES)[number];

/** The scores a leaderboard can rank by (all higher-is-better, 0–1). */
export const METRICS = ['combined', 'jf', 'j', 'f', 'nAcc', 'tAcc'] as const;
export type Metric = (typeof METRICS)[number];

export const METRIC_LABELS: Record<Metric, string> = { combined: 'Combined', jf: 'J&F', j: 'J', f: 'F', nAcc: 'N-acc', tAcc: 'T-acc' };

/** Which submission of a team stands for it on the leaderboard. */
export const PICKS = ['best', 'latest'] as const;
export type Pick = (typeof PICKS)[number];

export const SUBMISSION_STATES = ['queued', 'checking', 'scoring', 'scored', 'invalid', 'failed'] as const;
export type SubmissionState = (typeof SUBMISSION_STATES)[number];
/** A team has at most one submission in these states at a time. */
export const LIVE_SUBMISSION_STATES: readonly SubmissionState[] = ['queued', 'checking', 'scoring'];

export interface PhaseWindow {
  phase: Phase;
  opensAt: number;
  closesAt: number;
}

/** The limits are counted over this window (a rolling day, the same for every time zone). */
export const DAY_MS = 24 * 3600_000;

/** The phase open at `now`, or null (before, between or after the phases). */
export function phaseAt(phases: readonly PhaseWindow[], now: number): PhaseWindow | null {
  return phases.find((p) => p.opensAt <= now && now < p.closesAt) ?? null;
}

/** Why phases are not acceptable, or null: each phase once, opening before closing, no overlap, development first. */
export function phasesProblem(phases: readonly PhaseWindow[]): string | null {
  if (phases.length === 0) return 'a challenge needs at least one phase';
  if (new Set(phases.map((p) => p.phase)).size !== phases.length) return 'each phase may appear once';
  for (const p of phases) if (!(p.opensAt < p.closesAt)) return `the ${p.phase} phase must open before it closes`;
  const dev = phases.find((p) => p.phase === 'development');
  const fin = phases.find((p) => p.phase === 'final');
  if (dev && fin && fin.opensAt < dev.closesAt) return 'the final phase must open after the development phase closes';
  return null;
}

export interface UsageCounts {
  /** Submissions of the team in the last 24 hours (every upload, checked or not). */
  lastDay: number;
  /** Submissions of the team in this phase that were scored. */
  scoredInPhase: number;
  /** A submission of the team is still queued, being checked or scored. */
  inFlight: boolean;
}

export interface Limits {
  maxPerDay: number;
  maxTotal: number;
}

/** Why the team may not submit now, or null. Messages say what to do. */
export function submitProblem(limits: Limits, usage: UsageCounts): { code: 'CONFLICT' | 'TOO_MANY_REQUESTS'; message: string } | null {
  if (usage.inFlight) return { code: 'CONFLICT', message: 'your team has a submission being checked or scored; wait until it is done' };
  if (usage.scoredInPhase >= limits.maxTotal) return { code: 'TOO_MANY_REQUESTS', message: `your team has used all ${limits.maxTotal} scored submissions of this phase` };
  if (usage.lastDay >= limits.maxPerDay) return { code: 'TOO_MANY_REQUESTS', message: `your team has made ${usage.lastDay} submissions in the last 24 hours (limit ${limits.maxPerDay}); try again later` };
  return null;
}

/**
 * Whether a release file may be given to participants: every split's public folder, the audio and
 * the dataset card. The ground truth of withheld splits is a package of its own, never in the
 * public release; what is refused here besides (`ground_truth/`, a withheld split's mask_dict or
 * tracking boxes, which give away the targets) guards against a release folder in the earlier
 * one-folder layout or one assembled by hand. Paths are the release's own (manifest), '/'-separated.
 */
export function isPublicReleaseFile(file: string, withheld: readonly string[] = CHALLENGE_SPLITS): boolean {
  const parts = file.split('/');
  if (parts.some((p) => p === '..' || p === '')) return false;
  if (parts[0] === 'ground_truth') return false;
  if (parts[0] === 'tracking' && withheld.includes(parts[1] ?? '')) return false;
  // Participants get a manifest of exactly the files they download (an earlier release's lists ground truth).
  if (file === 'manifest.json') return false;
  if (withheld.includes(parts[0]!) && parts[1] === 'mask_dict.json') return false;
  return true;
}

/** Files of one split for the split-only download: its folder, its audio, and the dataset card (with the figures it shows and the changelog it names). */
export function isSplitFile(file: string, split: string): boolean {
  const parts = file.split('/');
  return parts[0] === split || (parts[0] === 'audio' && parts[1] === split) || file === 'README.md' || file === 'stats.json' || file === 'audio/audio_meta.json' || parts[0] === 'figures' || file === 'CHANGELOG.md';
}
