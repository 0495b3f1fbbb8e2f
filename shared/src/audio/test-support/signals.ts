/** Deterministic test signals (pure; used by the audio tests only). */

/** A seeded PRNG so every generated signal is reproducible. */
import { mulberry32 as rng } from '../../prng.ts';

export { rng };

export const dbToAmplitude = (db: number) => 10 ** (db / 20);

export function silence(seconds: number, rate: number): Float32Array {
  return new Float32Array(Math.round(seconds * rate));
}

/** A sine of peak amplitude `amp` (RMS amp/√2). */
export function sine(seconds: number, rate: number, freq: number, amp: number): Float32Array {
  const out = new Float32Array(Math.round(seconds * rate));
  for (let i = 0; i < out.length; i++) out[i] = amp * Math.sin((2 * Math.PI * freq * i) / rate);
  return out;
}

/** Gaussian white noise with the given RMS level in dBFS. */
export function whiteNoise(seconds: number, rate: number, rmsDbfs: number, seed = 1): Float32Array {
  const r = rng(seed);
  const sigma = dbToAmplitude(rmsDbfs);
  const out = new Float32Array(Math.round(seconds * rate));
  for (let i = 0; i < out.length; i++) {
    const u = r() || Number.MIN_VALUE;
    out[i] = sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
  }
  return out;
}

export function concat(...parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Sum of two signals (the shorter one is zero-padded). */
export function mix(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(Math.max(a.length, b.length));
  for (let i = 0; i < out.length; i++) out[i] = (a[i] ?? 0) + (b[i] ?? 0);
  return out;
}
