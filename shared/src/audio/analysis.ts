/**
 * Level, voice activity and clipping of one take in a single pass over the samples. Runs on the
 * audio Web Audio decoded in the browser and on the stored WAV on the server; given the same samples
 * both get the same numbers, so the same verdict.
 */
import { amplitudeToDbfs, DB_FLOOR, meanSquareToDbfs } from './levels.ts';
import { detectVoice } from './vad.ts';
import { VAD_PARAMS, type VadParams } from './vad-params.ts';

export interface VoicedSpan {
  /** seconds */
  start: number;
  end: number;
}

export interface AudioAnalysis {
  sampleRate: number;
  durationSec: number;
  /** Voice activity by frame energy: 20 ms frames every 10 ms, threshold at the noise floor + a margin (never below an absolute level), short gaps bridged, short blips dropped; see VAD_PARAMS. */
  voiced: VoicedSpan[];
  /** Total voiced time (seconds). */
  voicedSec: number;
  /** The take without its leading and trailing silence, a little padding kept (seconds). With no voice, both are 0. */
  trimStart: number;
  trimEnd: number;
  peakDbfs: number;
  /** Over the whole take; a full-scale square wave is 0 dBFS. */
  rmsDbfs: number;
  /** Over the voiced stretches only; null when there are none. */
  speechRmsDbfs: number | null;
  /** A low percentile of frame levels (VAD_PARAMS.noisePercentile). */
  noiseFloorDbfs: number;
  /** Share of samples in runs of ≥ 2 consecutive samples at ≥ 0.999 of full scale. */
  clippedRatio: number;
}

/** `params` exists for calibration and tests; the browser and the server both use the defaults. */
export function analyzeAudio(samples: Float32Array, sampleRate: number, params: Partial<VadParams> = {}): AudioAnalysis {
  if (!(sampleRate > 0) || !Number.isFinite(sampleRate)) throw new RangeError(`analyzeAudio: invalid sample rate ${sampleRate}`);
  const p: VadParams = { ...VAD_PARAMS, ...params };
  const n = samples.length;
  const hop = Math.max(1, Math.round(sampleRate * p.hopSec));
  const hops = Math.ceil(n / hop);
  const hopEnergy = new Float64Array(hops);
  const clipLevel = p.clipLevel;
  const clipRun = p.clipRun;

  let peak = 0;
  let total = 0;
  let run = 0;
  let clipped = 0;
  for (let h = 0, i = 0; h < hops; h++) {
    const end = Math.min(n, i + hop);
    let sum = 0;
    for (; i < end; i++) {
      const x = samples[i];
      const a = Math.abs(x);
      sum += x * x;
      peak = Math.max(peak, a);
      if (a >= clipLevel) run++;
      else if (run !== 0) {
        if (run >= clipRun) clipped += run;
        run = 0;
      }
    }
    hopEnergy[h] = sum;
    total += sum;
  }
  if (run >= clipRun) clipped += run;

  const vad = detectVoice({ hopEnergy, hop, length: n, sampleRate }, p);
  const voiced: VoicedSpan[] = [];
  let voicedSamples = 0;
  let speechEnergy = 0;
  for (let k = 0; k < vad.spans.length; k += 2) {
    const a = vad.spans[k];
    const b = vad.spans[k + 1];
    const startSample = a * hop;
    const endSample = Math.min(n, b * hop);
    for (let h = a; h < b; h++) speechEnergy += hopEnergy[h];
    voicedSamples += endSample - startSample;
    voiced.push({ start: startSample / sampleRate, end: endSample / sampleRate });
  }

  const durationSec = n / sampleRate;
  const first = voiced[0];
  const last = voiced[voiced.length - 1];
  return {
    sampleRate,
    durationSec,
    voiced,
    voicedSec: voicedSamples / sampleRate,
    trimStart: first ? Math.max(0, first.start - p.trimPadSec) : 0,
    trimEnd: last ? Math.min(durationSec, last.end + p.trimPadSec) : 0,
    peakDbfs: amplitudeToDbfs(peak),
    rmsDbfs: n > 0 ? meanSquareToDbfs(total / n) : DB_FLOOR,
    speechRmsDbfs: voicedSamples > 0 ? meanSquareToDbfs(speechEnergy / voicedSamples) : null,
    noiseFloorDbfs: vad.noiseFloorDbfs,
    clippedRatio: n > 0 ? clipped / n : 0,
  };
}
