import type { AsrStatus, ClipFailureCause, ClipVote, RecordingStatus } from '../domain.ts';

/** Listeners' votes until a clip's human check is decided (Common Voice: two agreeing votes). */
export const DEFAULT_CLIP_VOTES_NEEDED = 2;

/**
 * The human half of a clip's check: decided once `needed` listeners said it matches ("pass"), or
 * once `needed` said it does not or is unclear ("fail", the more frequent complaint as the cause;
 * a mismatch wins a tie); until then it waits for another listener. With two needed, a split vote
 * goes to a third listener, who decides it.
 */
export function humanVerdict(votes: readonly ClipVote[], needed: number): { outcome: 'pass' | 'fail' | 'open'; cause: ClipFailureCause | null } {
  const match = votes.filter((v) => v === 'match').length;
  const mismatch = votes.filter((v) => v === 'mismatch').length;
  const unclear = votes.length - match - mismatch;
  if (match >= needed) return { outcome: 'pass', cause: null };
  if (mismatch + unclear >= needed) return { outcome: 'fail', cause: mismatch >= unclear ? 'human_mismatch' : 'human_unclear' };
  return { outcome: 'open', cause: null };
}

/**
 * "Every clip is verified twice" (paper §3.1, Audio Annotation): a clip is verified when the
 * listeners pass it (humanVerdict) AND the speech recognizer picks its text among the
 * alternatives. Either gate failing fails the clip (and its expression needs audio again); while
 * one is still open the clip waits. A recognizer that is not installed leaves the clip waiting,
 * never verified.
 */
export function clipVerdict(asr: AsrStatus, votes: readonly ClipVote[], needed = DEFAULT_CLIP_VOTES_NEEDED): { status: RecordingStatus; cause: ClipFailureCause | null } {
  const human = humanVerdict(votes, needed);
  if (human.outcome === 'fail') return { status: 'failed', cause: human.cause };
  if (asr === 'failed') return { status: 'failed', cause: 'asr' };
  if (human.outcome === 'pass' && asr === 'passed') return { status: 'verified', cause: null };
  return { status: 'submitted', cause: null };
}
