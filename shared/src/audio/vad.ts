/** Voiced stretches from per-hop energies: adaptive threshold, gap bridging, blip removal. */
import { DB_FLOOR, meanSquareToDbfs } from './levels.ts';
import type { VadParams } from './vad-params.ts';

export interface FrameEnergies {
  /** Sum of squares per hop of `hop` samples (the last hop may be shorter). */
  hopEnergy: Float64Array;
  hop: number;
  /** Total samples. */
  length: number;
  sampleRate: number;
}

export interface VoiceActivity {
  /** Voiced stretches as [startHop, endHop) pairs, flattened. */
  spans: number[];
  noiseFloorDbfs: number;
  thresholdDbfs: number;
}

function frameLevels(e: FrameEnergies, frameHops: number): Float64Array {
  const hops = e.hopEnergy.length;
  const frames = Math.max(1, hops - frameHops + 1);
  const db = new Float64Array(frames);
  for (let f = 0; f < frames; f++) {
    const last = Math.min(hops, f + frameHops);
    let sum = 0;
    for (let h = f; h < last; h++) sum += e.hopEnergy[h];
    const count = Math.min(e.length, last * e.hop) - f * e.hop;
    db[f] = count > 0 ? meanSquareToDbfs(sum / count) : DB_FLOOR;
  }
  return db;
}

function percentile(values: Float64Array, p: number): number {
  const sorted = values.slice().sort();
  return sorted[Math.min(sorted.length - 1, Math.floor(p * (sorted.length - 1)))];
}

export function detectVoice(e: FrameEnergies, params: VadParams): VoiceActivity {
  const hops = e.hopEnergy.length;
  if (hops === 0) return { spans: [], noiseFloorDbfs: DB_FLOOR, thresholdDbfs: params.minThresholdDbfs };
  const db = frameLevels(e, params.frameHops);
  const noiseFloorDbfs = percentile(db, params.noisePercentile);
  const thresholdDbfs = Math.max(noiseFloorDbfs + params.marginDb, params.minThresholdDbfs);

  const raw: number[] = [];
  for (let f = 0; f < db.length; f++) {
    if (db[f] < thresholdDbfs) continue;
    const start = f;
    while (f + 1 < db.length && db[f + 1] >= thresholdDbfs) f++;
    raw.push(start, Math.min(hops, f + params.frameHops));
  }

  const samplesOf = (a: number, b: number) => Math.min(e.length, b * e.hop) - a * e.hop;
  const maxGap = params.bridgeGapSec * e.sampleRate;
  const bridged: number[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const n = bridged.length;
    if (n > 0 && samplesOf(bridged[n - 1], raw[i]) <= maxGap) bridged[n - 1] = raw[i + 1];
    else bridged.push(raw[i], raw[i + 1]);
  }

  const minLength = params.minSegmentSec * e.sampleRate;
  const spans: number[] = [];
  for (let i = 0; i < bridged.length; i += 2) {
    if (samplesOf(bridged[i], bridged[i + 1]) >= minLength) spans.push(bridged[i], bridged[i + 1]);
  }
  return { spans, noiseFloorDbfs, thresholdDbfs };
}
