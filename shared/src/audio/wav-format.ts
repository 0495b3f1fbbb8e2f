/** The 'fmt ' chunk: which sample encodings we decode, and why the others are refused. */
import { WavError } from './wav-error.ts';

export type SampleFormat = 'pcm' | 'float';
export type BitsPerSample = 8 | 16 | 24 | 32;

export interface WavFormat {
  format: SampleFormat;
  channels: number;
  sampleRate: number;
  bitsPerSample: BitsPerSample;
  /** Bytes per frame (all channels of one sample instant). */
  blockAlign: number;
}

export const MIN_SAMPLE_RATE = 8000;
export const MAX_SAMPLE_RATE = 384000;
export const MAX_CHANNELS = 8;

const TAG_PCM = 0x0001;
const TAG_FLOAT = 0x0003;
const TAG_EXTENSIBLE = 0xfffe;

/** Common tags named in the refusal, so a user learns what their file actually is. */
const TAG_NAMES: Readonly<Record<number, string>> = {
  0x0002: 'Microsoft ADPCM',
  0x0006: 'A-law',
  0x0007: 'µ-law',
  0x0011: 'IMA ADPCM',
  0x0031: 'GSM 6.10',
  0x0050: 'MPEG audio',
  0x0055: 'MP3',
  0x00ff: 'AAC',
  0x1610: 'AAC',
  0x674f: 'Ogg Vorbis',
  0xf1ac: 'FLAC',
};

/** Bytes 2..15 of every KSDATAFORMAT_SUBTYPE GUID derived from a format tag (…-0000-0010-8000-00AA00389B71). */
const GUID_TAIL = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];

const ACCEPTED = 'only PCM and floating-point WAV files are accepted';

function unsupported(what: string): WavError {
  return new WavError(`unsupported sample format: ${what} — ${ACCEPTED}`);
}

function describeTag(tag: number, bits: number): string {
  const name = TAG_NAMES[tag] ?? `format code 0x${tag.toString(16).padStart(4, '0')}`;
  return bits > 0 ? `${bits}-bit ${name}` : name;
}

/** Reads and validates the 'fmt ' chunk body at [offset, offset + size). */
export function readFormat(view: DataView, offset: number, size: number): WavFormat {
  if (size < 16) throw new WavError(`the format chunk is too short (${size} bytes; at least 16 are needed)`);
  let tag = view.getUint16(offset, true);
  const channels = view.getUint16(offset + 2, true);
  const sampleRate = view.getUint32(offset + 4, true);
  const byteRate = view.getUint32(offset + 8, true);
  const blockAlign = view.getUint16(offset + 12, true);
  const bits = view.getUint16(offset + 14, true);

  if (tag === TAG_EXTENSIBLE) {
    // cbSize (2) + validBits (2) + channelMask (4) + subformat GUID (16) after the 16 basic bytes.
    if (size < 40 || view.getUint16(offset + 16, true) < 22) {
      throw new WavError(`the extensible format chunk is too short (${size} bytes; 40 are needed)`);
    }
    const validBits = view.getUint16(offset + 18, true);
    if (validBits > bits) {
      throw new WavError(`the format chunk is inconsistent (${validBits} valid bits in ${bits}-bit samples)`);
    }
    const sub = view.getUint16(offset + 24, true);
    const tailMatches = GUID_TAIL.every((b, i) => view.getUint8(offset + 26 + i) === b);
    if (!tailMatches) throw unsupported('an extensible WAV with a non-standard subformat');
    if (sub !== TAG_PCM && sub !== TAG_FLOAT) throw unsupported(describeTag(sub, bits));
    // Valid bits narrower than the container are left-justified, so scaling by the container is exact.
    tag = sub;
  }

  if (tag !== TAG_PCM && tag !== TAG_FLOAT) throw unsupported(describeTag(tag, bits));
  const format: SampleFormat = tag === TAG_PCM ? 'pcm' : 'float';
  if (format === 'pcm' && bits !== 8 && bits !== 16 && bits !== 24 && bits !== 32) throw unsupported(`${bits}-bit PCM`);
  if (format === 'float' && bits !== 32) throw unsupported(`${bits}-bit floating point`);

  if (channels < 1 || channels > MAX_CHANNELS) {
    throw new WavError(`unsupported channel count: ${channels} (1 to ${MAX_CHANNELS} channels are accepted)`);
  }
  if (sampleRate < MIN_SAMPLE_RATE || sampleRate > MAX_SAMPLE_RATE) {
    throw new WavError(`unsupported sample rate: ${sampleRate} Hz (${MIN_SAMPLE_RATE} to ${MAX_SAMPLE_RATE} Hz are accepted)`);
  }
  const expectedAlign = channels * (bits / 8);
  if (blockAlign !== expectedAlign) {
    throw new WavError(
      `the format chunk is inconsistent (block align ${blockAlign}, but ${channels} channel(s) of ${bits}-bit samples need ${expectedAlign})`,
    );
  }
  if (byteRate !== sampleRate * blockAlign) {
    throw new WavError(`the format chunk is inconsistent (byte rate ${byteRate}, but ${sampleRate} Hz × ${blockAlign} bytes is ${sampleRate * blockAlign})`);
  }
  return { format, channels, sampleRate, bitsPerSample: bits as BitsPerSample, blockAlign };
}
