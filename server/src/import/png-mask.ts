import { decode } from 'fast-png';
import { ImportError } from './errors.ts';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export interface LabelImage {
  width: number;
  height: number;
  /** Row-major palette indices: 0 background, 1..254 object ids, 255 void. */
  labels: Uint8Array;
}

/**
 * Decodes a DAVIS-style palette PNG to its indices. fast-png is used because it returns the
 * indices themselves; RGB decoders lose them when two palette entries share a colour.
 */
export function readPaletteMask(buf: Uint8Array, file: string): LabelImage {
  if (buf.length < 8 || !PNG_SIGNATURE.every((b, i) => buf[i] === b)) throw new ImportError(file, 'not a PNG file');
  let png: ReturnType<typeof decode>;
  try {
    png = decode(buf, { checkCrc: true });
  } catch (e) {
    throw new ImportError(file, `unreadable PNG, truncated or corrupt (${(e as Error).message})`);
  }
  if (!png.palette || png.channels !== 1) {
    throw new ImportError(file, 'mask is not a palette-indexed PNG (expected colour type 3: pixel value = object id)');
  }
  const { width, height, depth } = png;
  const data = png.data as Uint8Array;
  const rowBytes = Math.ceil((width * depth) / 8);
  if (data.length < rowBytes * height) throw new ImportError(file, `PNG data is truncated (${data.length} of ${rowBytes * height} bytes)`);
  return { width, height, labels: depth === 8 ? data : unpack(data, width, height, depth, rowBytes) };
}

/**
 * Decodes a per-object mask PNG (one object, one frame; tools write these as 0/255 grayscale, 0/1
 * palette, or RGB): 1 where the pixel is not zero (palette index, gray value or any colour
 * channel; alpha is not looked at), 0 elsewhere.
 */
export function readBinaryMask(buf: Uint8Array, file: string): { width: number; height: number; bits: Uint8Array } {
  if (buf.length < 8 || !PNG_SIGNATURE.every((b, i) => buf[i] === b)) throw new ImportError(file, 'not a PNG file');
  let png: ReturnType<typeof decode>;
  try {
    png = decode(buf, { checkCrc: true });
  } catch (e) {
    throw new ImportError(file, `unreadable PNG, truncated or corrupt (${(e as Error).message})`);
  }
  const { width, height, depth, channels } = png;
  const data = png.data;
  const bits = new Uint8Array(width * height);
  if (depth < 8) {
    // Palette or gray of 1, 2 or 4 bits: packed rows.
    const rowBytes = Math.ceil((width * depth) / 8);
    if (data.length < rowBytes * height) throw new ImportError(file, `PNG data is truncated (${data.length} of ${rowBytes * height} bytes)`);
    const values = unpack(data as Uint8Array, width, height, depth, rowBytes);
    for (let p = 0; p < bits.length; p++) bits[p] = values[p] ? 1 : 0;
    return { width, height, bits };
  }
  if (data.length < width * height * channels) throw new ImportError(file, `PNG data is truncated (${data.length} of ${width * height * channels} samples)`);
  // Gray+alpha and RGBA: the alpha channel (the last) is left out.
  const colours = channels === 2 || channels === 4 ? channels - 1 : channels;
  for (let p = 0; p < bits.length; p++) {
    for (let c = 0; c < colours; c++) {
      if (data[p * channels + c]) {
        bits[p] = 1;
        break;
      }
    }
  }
  return { width, height, bits };
}

/** Sub-byte palettes (1, 2, 4 bits) pack pixels MSB-first with each row padded to a byte. */
function unpack(packed: Uint8Array, width: number, height: number, depth: number, rowBytes: number): Uint8Array {
  const out = new Uint8Array(width * height);
  const perByte = 8 / depth;
  const mask = (1 << depth) - 1;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const byte = packed[y * rowBytes + Math.floor(x / perByte)]!;
      const shift = 8 - depth * (1 + (x % perByte));
      out[y * width + x] = (byte >> shift) & mask;
    }
  }
  return out;
}
