import type { FrameScore } from './frame-score.ts';
import { numpyMean } from './mean.ts';

export type SampleKind = 'single' | 'multi' | 'no-target';

/** One (video, expression) pair to score, as the split's meta_expressions.json describes it. */
export interface SampleInfo {
  video: string;
  expId: string;
  /** Number of target objects (`anno_id` entries); 0 = no-target. */
  targets: number;
  /** Optional MeViSv2-style flags; absent means "unknown", and the breakdown leaves it out. */
  motionReasoning?: boolean;
  withAudio?: boolean;
}

export interface SampleResult extends SampleInfo {
  kind: SampleKind;
  frames: number;
  j: number;
  f: number;
  jf: number;
  /** Empty prediction on every frame: the sample was predicted "no target". */
  predictedNoTarget: boolean;
  /** The video's prediction folder was absent: J = F = 0, and it counts as wrong for N-acc/T-acc. */
  missing: boolean;
}

export function sampleKind(targets: number): SampleKind {
  return targets === 0 ? 'no-target' : targets === 1 ? 'single' : 'multi';
}

/**
 * Collects a sample's frame scores as they stream in (one frame's masks in memory at a time) and
 * averages them the official way: J and F each over all frames, in `np.mean` order.
 */
export class SampleAccumulator {
  private js = new Float64Array(64);
  private fs = new Float64Array(64);
  private n = 0;
  private allEmpty = true;

  constructor(readonly info: SampleInfo) {}

  add(frame: FrameScore): void {
    if (this.n === this.js.length) {
      const js = new Float64Array(this.n * 2);
      const fs = new Float64Array(this.n * 2);
      js.set(this.js);
      fs.set(this.fs);
      this.js = js;
      this.fs = fs;
    }
    this.js[this.n] = frame.j;
    this.fs[this.n] = frame.f;
    this.n++;
    if (!frame.predEmpty) this.allEmpty = false;
  }

  finish(): SampleResult {
    if (this.n === 0) throw new Error(`${this.info.video}/${this.info.expId}: no frames were scored`);
    const j = numpyMean(this.js.subarray(0, this.n));
    const f = numpyMean(this.fs.subarray(0, this.n));
    return { ...this.info, kind: sampleKind(this.info.targets), frames: this.n, j, f, jf: (j + f) / 2, predictedNoTarget: this.allEmpty, missing: false };
  }
}

/** A sample whose video folder is missing from the predictions (official: `[0, 0]`). */
export function missingSample(info: SampleInfo, frames: number): SampleResult {
  return { ...info, kind: sampleKind(info.targets), frames, j: 0, f: 0, jf: 0, predictedNoTarget: false, missing: true };
}
