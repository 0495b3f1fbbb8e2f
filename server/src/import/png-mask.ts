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
