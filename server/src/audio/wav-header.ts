/** What a RIFF/WAVE file says about itself, and where its samples are. */
export interface WavInfo {
  /** 1 = integer PCM, 3 = IEEE float, 0xfffe = WAVE_FORMAT_EXTENSIBLE (real format in the extension). */
  formatTag: number;
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  blockAlign: number;
  /** Byte offset of the first sample: 44 for a canonical file. */
  dataOffset: number;
  dataBytes: number;
  frames: number;
  durationSec: number;
}

/** Reads the header by walking the chunks, so files with LIST or fact chunks parse too; null if not a WAV. */
export function readWavInfo(bytes: Uint8Array): WavInfo | null {
  if (bytes.length < 12 || ascii(bytes, 0, 4) !== 'RIFF' || ascii(bytes, 8, 4) !== 'WAVE') return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let fmt: Omit<WavInfo, 'dataOffset' | 'dataBytes' | 'frames' | 'durationSec'> | null = null;
  let off = 12;
  while (off + 8 <= bytes.length) {
    const id = ascii(bytes, off, 4);
    const size = view.getUint32(off + 4, true);
    const body = off + 8;
    if (id === 'fmt ' && size >= 16 && body + 16 <= bytes.length) {
      fmt = {
        formatTag: view.getUint16(body, true),
        channels: view.getUint16(body + 2, true),
        sampleRate: view.getUint32(body + 4, true),
        blockAlign: view.getUint16(body + 12, true),
        bitsPerSample: view.getUint16(body + 14, true),
      };
    } else if (id === 'data') {
      if (!fmt || fmt.blockAlign === 0 || fmt.sampleRate === 0) return null;
      // Streamed writers leave 0 or 0xffffffff as the size; what is present is what counts.
      const dataBytes = Math.min(size, bytes.length - body);
      const frames = Math.floor(dataBytes / fmt.blockAlign);
      return { ...fmt, dataOffset: body, dataBytes, frames, durationSec: frames / fmt.sampleRate };
    }
    off = body + size + (size & 1);
  }
  return null;
}

function ascii(bytes: Uint8Array, start: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(start, start + length));
}
