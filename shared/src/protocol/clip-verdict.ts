import type { AsrStatus, ClipFailureCause, ClipVote, RecordingStatus } from '../domain.ts';

/**
 * "Every clip is verified twice" (paper §3.1, Audio Annotation): a clip is verified when a human
 * says it matches the text AND the speech recognizer picks its text among the alternatives. Either
 * gate failing fails the clip (and its expression needs audio again); while one is still open the
 * clip waits. A recognizer that is not installed leaves the clip waiting, never verified.
 */
export function clipVerdict(asr: AsrStatus, vote: ClipVote | null): { status: RecordingStatus; cause: ClipFailureCause | null } {
  if (vote === 'mismatch') return { status: 'failed', cause: 'human_mismatch' };
  if (vote === 'unclear') return { status: 'failed', cause: 'human_unclear' };
  if (asr === 'failed') return { status: 'failed', cause: 'asr' };
  if (vote === 'match' && asr === 'passed') return { status: 'verified', cause: null };
  return { status: 'submitted', cause: null };
}
