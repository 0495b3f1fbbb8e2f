/** The WAV this project writes: mono 16-bit PCM with the canonical 44-byte header. */
import { WavError } from './wav-error.ts';
import { MAX_SAMPLE_RATE, MIN_SAMPLE_RATE } from './wav-format.ts';
import { LITTLE_ENDIAN } from './wav-samples.ts';

/**
 * Scaled by 32768 (the decoder's divisor), rounded and clamped, so decode → encode of 16-bit audio is
 * bit-exact; +1.0 becomes 32767. No dither: the input is speech far above the 16-bit noise floor.
 * A zero-length input gives a valid file that `parseWav` refuses as an empty recording.
 */
export function encodeWav16(samples: Float32Array, sampleRate: number): Uint8Array<ArrayBuffer> {
  if (!Number.isInteger(sampleRate) || sampleRate < MIN_SAMPLE_RATE || sampleRate > MAX_SAMPLE_RATE) {
    throw new WavError(`cannot write a WAV at ${sampleRate} Hz (${MIN_SAMPLE_RATE} to ${MAX_SAMPLE_RATE} Hz are supported)`);
  }
  const n = samples.length;
  const dataBytes = n * 2;
  if (dataBytes + 36 > 0xffffffff) throw new WavError('cannot write a WAV larger than 4 GB');
  const out = new Uint8Array(44 + dataBytes);
  const view = new DataView(out.buffer);
  const tag = (at: number, s: string) => {
    for (let i = 0; i < 4; i++) out[at + i] = s.charCodeAt(i);
  };
  tag(0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);
  tag(8, 'WAVE');
  tag(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, 1, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * 2, true);
  view.setUint16(32, 2, true);
  view.setUint16(34, 16, true);
  tag(36, 'data');
  view.setUint32(40, dataBytes, true);
  const pcm = LITTLE_ENDIAN ? new Int16Array(out.buffer, 44, n) : null;
  for (let i = 0; i < n; i++) {
    let s = samples[i] * 32768;
    s = s > 32767 ? 32767 : s < -32768 ? -32768 : s === s ? s : 0;
    // floor(s + 0.5) on a positive operand with `| 0`: Math.round without its cost, same results.
    const v = ((s + 32768.5) | 0) - 32768;
    if (pcm) pcm[i] = v;
    else view.setInt16(44 + 2 * i, v, true);
  }
  return out;
}
