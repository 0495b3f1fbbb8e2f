import type { AudioAnalysis } from './analysis.ts';
import { DEFAULT_CLIP_LIMITS } from './clip-limits.ts';

/** What a microphone check can say before the first take (Common Voice's most asked-for help). */
export type MicFinding = 'no_signal' | 'too_quiet' | 'clipping' | 'noisy';

/** Above this background level (dBFS, the take's quiet frames) a room or a cable is too loud for clean speech. */
export const NOISY_FLOOR_DBFS = -45;
/** Below this peak nothing reached the microphone: a muted input, the wrong device. */
export const NO_SIGNAL_PEAK_DBFS = -60;

export const MIC_MESSAGES: Record<MicFinding, string> = {
  no_signal: 'No sound reached the microphone. Check that it is plugged in, not muted, and chosen as the input in the browser.',
  too_quiet: 'Your voice is very quiet. Move closer to the microphone or raise its input level.',
  clipping: 'Your voice is too loud: the sound clips (distorts). Move back a little or lower the input level.',
  noisy: 'There is a lot of background noise. Find a quieter place, or turn off fans and music.',
};

/**
 * The check of a few seconds of "quiet, then say something", with the same thresholds the takes
 * are checked against (clip-limits.ts), so a microphone that passes here gives takes that pass.
 */
export function micFindings(a: AudioAnalysis): MicFinding[] {
  if (a.peakDbfs < NO_SIGNAL_PEAK_DBFS) return ['no_signal'];
  const out: MicFinding[] = [];
  if (a.speechRmsDbfs === null || a.speechRmsDbfs < DEFAULT_CLIP_LIMITS.quietWarnDbfs) out.push('too_quiet');
  if (a.clippedRatio > DEFAULT_CLIP_LIMITS.maxClippedRatio) out.push('clipping');
  if (a.noiseFloorDbfs > NOISY_FLOOR_DBFS) out.push('noisy');
  return out;
}
