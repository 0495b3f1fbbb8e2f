/** Thresholds of the take checks. One object, so the browser and the server cannot drift apart. */

export interface ClipLimits {
  /** Below this the take is refused (the dataset is delivered at ≥ 44.1 kHz). */
  minSampleRate: number;
  /** Whole take, seconds: shorter is refused (three words at the fastest accepted rate need ~0.8 s of speech). */
  minSeconds: number;
  /** Whole take, seconds: longer is refused. */
  maxSeconds: number;
  /** Less voiced time than this is "no speech". */
  minVoicedSec: number;
  /** Speech RMS (dBFS) below this is refused as too quiet… */
  quietErrorDbfs: number;
  /** …and below this it is a warning. */
  quietWarnDbfs: number;
  /** Share of clipped samples above which the speaker is warned. */
  maxClippedRatio: number;
  /** The target speaking rate (words per minute); outside it is a warning. */
  minWpm: number;
  maxWpm: number;
  /** Outside these the take is refused: the sentence was not read as written, or paused in. */
  refuseBelowWpm: number;
  refuseAboveWpm: number;
}

export const DEFAULT_CLIP_LIMITS: Readonly<ClipLimits> = Object.freeze({
  minSampleRate: 44100,
  minSeconds: 1,
  maxSeconds: 30,
  minVoicedSec: 0.3,
  quietErrorDbfs: -50,
  quietWarnDbfs: -38,
  maxClippedRatio: 0.001,
  minWpm: 100,
  maxWpm: 150,
  refuseBelowWpm: 60,
  refuseAboveWpm: 220,
});

export function resolveClipLimits(limits: Partial<ClipLimits> = {}): ClipLimits {
  const merged = { ...DEFAULT_CLIP_LIMITS };
  for (const key of Object.keys(limits) as (keyof ClipLimits)[]) {
    const v = limits[key];
    if (v !== undefined) merged[key] = v;
  }
  return merged;
}
