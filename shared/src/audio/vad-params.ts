/**
 * Voice activity by frame energy. Calibrated on espeak-ng speech (clean, and mixed with white noise
 * at −60…−40 dBFS) against sox's `silence` effect; the numbers are in the audio module's tests.
 */
export interface VadParams {
  /** Energy is summed per hop; a frame is `frameHops` consecutive hops (10 ms × 2 = 20 ms frames). */
  hopSec: number;
  frameHops: number;
  /** The noise floor is this percentile of frame energies: rooms are quiet for more than a tenth of any take. */
  noisePercentile: number;
  /** A frame is voiced at the noise floor plus this margin… */
  marginDb: number;
  /** …but never below this level, so digital silence does not turn breaths and hiss into speech. */
  minThresholdDbfs: number;
  /** Gaps up to this long are bridged: stop closures and the breaks between words are speech time. */
  bridgeGapSec: number;
  /** After bridging, shorter voiced stretches are dropped as clicks, bumps and pops. */
  minSegmentSec: number;
  /** Silence kept before the first and after the last voiced stretch when trimming. */
  trimPadSec: number;
  /** A sample at or above this magnitude is at full scale; runs of `clipRun` such samples are clipping. */
  clipLevel: number;
  clipRun: number;
}

export const VAD_PARAMS: Readonly<VadParams> = Object.freeze({
  hopSec: 0.01,
  frameHops: 2,
  noisePercentile: 0.1,
  marginDb: 12,
  minThresholdDbfs: -55,
  bridgeGapSec: 0.2,
  minSegmentSec: 0.08,
  trimPadSec: 0.05,
  clipLevel: 0.999,
  clipRun: 2,
});
