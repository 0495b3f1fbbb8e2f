/**
 * RIFF/WAVE parsing by content. The same bytes give the same samples (or the same refusal) in the
 * browser and on the server; the file name and the declared MIME type are never trusted.
 */
import { WavError } from './wav-error.ts';
import { readFormat, type BitsPerSample, type SampleFormat, type WavFormat } from './wav-format.ts';
import { decodeMono } from './wav-samples.ts';

export { WavError };

export interface PcmAudio {
  sampleRate: number;
  channels: number;
  bitsPerSample: BitsPerSample;
  format: SampleFormat;
  /** mono mix as Float32 in [-1, 1] */
  samples: Float32Array;
  /** frames (samples per channel) */
  length: number;
}

export interface ParseWavOptions {
  /** Refuse larger inputs before reading anything (default 50 MB: ten minutes of 48 kHz stereo 16-bit). */
  maxBytes?: number;
}

export const DEFAULT_MAX_WAV_BYTES = 50 * 1024 * 1024;

/**
 * A size field that writers put there when they could not seek back (ffmpeg writing to a pipe uses
 * 0xFFFFFFFF, some crashed recorders leave 0). Such a file is accepted with the RIFF and data chunks
 * running to the end of the input; a truncated streamed file cannot be told from a short one.
 */
const STREAMING_SIZES = new Set([0, 0xffffffff]);

const ascii = (bytes: Uint8Array, at: number) => String.fromCharCode(bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]);

function megabytes(n: number): string {
  const mb = n / (1024 * 1024);
  return mb >= 10 ? mb.toFixed(0) : mb.toFixed(1);
}

function chunkName(id: string): string {
  return /^[\x20-\x7e]{4}$/.test(id) ? `the '${id}' chunk` : 'an unnamed chunk';
}

interface Located {
  format: WavFormat;
  dataOffset: number;
  dataSize: number;
}

/** Walks the chunks inside [12, riffEnd) and finds exactly one 'fmt ' followed by exactly one 'data'. */
function locateChunks(bytes: Uint8Array, view: DataView, riffEnd: number, streaming: boolean): Located {
  let format: WavFormat | null = null;
  let data: { offset: number; size: number } | null = null;
  let at = 12;
  while (at < riffEnd) {
    if (riffEnd - at < 8) throw new WavError(`the file is damaged: it ends inside a chunk header (${riffEnd - at} stray bytes at the end)`);
    const id = ascii(bytes, at);
    const declared = view.getUint32(at + 4, true);
    const body = at + 8;
    const available = riffEnd - body;
    let size = declared;
    if (id === 'data' && streaming && STREAMING_SIZES.has(declared)) {
      size = available;
    } else if (declared > available) {
      if (id === 'data') {
        throw new WavError(`the file is shorter than its header says (${available} of ${declared} bytes of audio data are present)`);
      }
      throw new WavError(`the file is damaged: ${chunkName(id)} claims ${declared} bytes but only ${available} remain`);
    }
    if (id === 'fmt ') {
      if (format) throw new WavError('the file is damaged: it has more than one format chunk');
      if (data) throw new WavError('the file is damaged: its audio data comes before the format chunk');
      format = readFormat(view, body, size);
    } else if (id === 'data') {
      if (data) throw new WavError('the file is damaged: it has more than one audio data chunk');
      data = { offset: body, size };
    }
    // Chunks are word-aligned: an odd-sized body is followed by one pad byte (absent at the very end is tolerated).
    at = body + size + (size & 1);
  }
  if (!format) throw new WavError("the file is damaged: its format chunk ('fmt ') is missing");
  if (!data) throw new WavError('the file has no audio data chunk');
  return { format, dataOffset: data.offset, dataSize: data.size };
}

export function parseWav(bytes: Uint8Array, opts: ParseWavOptions = {}): PcmAudio {
  const maxBytes = opts.maxBytes ?? DEFAULT_MAX_WAV_BYTES;
  const length = bytes.byteLength;
  if (length > maxBytes) throw new WavError(`the file is too large (${megabytes(length)} MB; at most ${megabytes(maxBytes)} MB is accepted)`);
  if (length === 0) throw new WavError('the file is empty (0 bytes)');
  if (length < 12 || ascii(bytes, 8) !== 'WAVE') throw new WavError('not a WAV file');
  const magic = ascii(bytes, 0);
  if (magic === 'RIFX') throw new WavError('not a WAV file that can be read: big-endian (RIFX) WAV is not supported');
  if (magic === 'RF64') throw new WavError('not a WAV file that can be read: RF64 (very large WAV) is not supported');
  if (magic !== 'RIFF') throw new WavError('not a WAV file');

  const view = new DataView(bytes.buffer, bytes.byteOffset, length);
  const riffSize = view.getUint32(4, true);
  const streaming = STREAMING_SIZES.has(riffSize);
  let riffEnd = length;
  if (!streaming) {
    const declared = riffSize + 8;
    if (declared > length) throw new WavError(`the file is shorter than its header says (${length} of ${declared} bytes)`);
    // One extra byte is the pad of an odd-sized RIFF body; anything more is not part of this WAV.
    if (length > declared + (riffSize & 1)) {
      throw new WavError(`the file is longer than its header says (${length} bytes, but the header says ${declared}); it may be damaged`);
    }
    riffEnd = declared;
  }

  const { format, dataOffset, dataSize } = locateChunks(bytes, view, riffEnd, streaming);
  let usable = dataSize;
  if (usable % format.blockAlign !== 0) {
    // A streamed file has no true data size; its last partial frame is dropped rather than refused.
    if (!streaming) {
      throw new WavError(`the file is damaged: its audio data ends in the middle of a sample (${dataSize} bytes is not a multiple of ${format.blockAlign})`);
    }
    usable -= usable % format.blockAlign;
  }
  const frames = usable / format.blockAlign;
  if (frames === 0) throw new WavError('empty recording: the file contains no samples');
  return {
    sampleRate: format.sampleRate,
    channels: format.channels,
    bitsPerSample: format.bitsPerSample,
    format: format.format,
    samples: decodeMono(view, dataOffset, frames, format),
    length: frames,
  };
}
