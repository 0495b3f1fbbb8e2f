import { inflateSync } from 'node:zlib';
import { decode as decodeWithFastPng } from 'fast-png';

/** A prediction frame as a mask: 0 background, any other byte foreground. */
export interface PredMask {
  width: number;
  height: number;
  data: Uint8Array;
}

export class PngError extends Error {}

/** Largest mask decoded (pixels): 10× a 4K frame; a header claiming more is refused unread. */
export const MAX_MASK_PIXELS = 100_000_000;

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

/**
 * Decodes a prediction PNG straight to foreground/background. Foreground is what the official
 * evaluator's `cv2.imread(…, IMREAD_GRAYSCALE)` sees as non-zero: the gray value for gray PNGs,
 * the colour for palette and RGB PNGs (an index whose palette colour is black is background);
 * alpha is ignored. (OpenCV's grey conversion can still round a near-black colour such as (1,0,0)
 * down to 0; no real submission writes those.)
 *
 * The common case — 8 bits per channel, not interlaced — is parsed here with Node's native zlib:
 * fast-png's JavaScript inflate took 5.5 ms of the ~8 ms a 854×480 frame cost end to end. Any
 * other PNG goes through fast-png.
 */
export function decodeMaskPng(buf: Uint8Array, reuse?: Uint8Array): PredMask {
  for (let i = 0; i < 8; i++) if (buf[i] !== SIGNATURE[i]) throw new PngError('not a PNG file');
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let pos = 8;
  let width = 0;
  let height = 0;
  let depth = 0;
  let colorType = -1;
  let interlace = 0;
  let palette: Uint8Array | null = null;
  const idat: Uint8Array[] = [];
  while (pos + 8 <= buf.length) {
    const len = view.getUint32(pos);
    const type = String.fromCharCode(buf[pos + 4], buf[pos + 5], buf[pos + 6], buf[pos + 7]);
    const start = pos + 8;
    if (start + len > buf.length) throw new PngError(`truncated ${type} chunk`);
    if (type === 'IHDR') {
      width = view.getUint32(start);
      height = view.getUint32(start + 4);
      depth = buf[start + 8];
      colorType = buf[start + 9];
      interlace = buf[start + 12];
    } else if (type === 'PLTE') palette = buf.subarray(start, start + len);
    else if (type === 'IDAT') idat.push(buf.subarray(start, start + len));
    else if (type === 'IEND') break;
    pos = start + len + 4;
  }
  if (colorType < 0 || width === 0 || height === 0) throw new PngError('no image header');
  // Before anything is inflated: a header may declare any size (a decompression bomb).
  if (width * height > MAX_MASK_PIXELS) throw new PngError(`${width}×${height} is too large for a mask`);
  const channels = ({ 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 } as Record<number, number>)[colorType];
  if (channels === undefined) throw new PngError(`unknown colour type ${colorType}`);
  if (depth !== 8 || interlace !== 0) return viaFastPng(buf);
  if (colorType === 3 && !palette) throw new PngError('palette image without a palette');

  let raw: Buffer;
  try {
    // One output chunk of the exact size: zlib's default 16 KB chunks cost a concatenating copy.
    const expected = height * (width * channels + 1);
    raw = inflateSync(idat.length === 1 ? idat[0] : Buffer.concat(idat), { chunkSize: Math.max(64, expected), maxOutputLength: Math.max(64, expected) });
  } catch (e) {
    throw new PngError(`image data does not inflate (${(e as Error).message})`);
  }
  const stride = width * channels;
  if (raw.length < height * (stride + 1)) throw new PngError('image data is shorter than the image');
  const data = reuse && reuse.length === width * height ? reuse : new Uint8Array(width * height);
  // Palette entries → foreground flag once per file, not per pixel.
  const lut = new Uint8Array(256);
  if (palette) for (let i = 0; i * 3 + 2 < palette.length; i++) lut[i] = palette[i * 3] | palette[i * 3 + 1] | palette[i * 3 + 2] ? 1 : 0;
  for (let y = 0; y < height; y++) {
    const row = y * (stride + 1) + 1;
    unfilterRow(raw, row, row - stride - 1, stride, channels, raw[row - 1], y === 0);
    const o = y * width;
    // The evaluator reads any non-zero byte as foreground, so grey rows are copied as they are.
    if (colorType === 0) data.set(raw.subarray(row, row + width), o);
    else if (colorType === 4) for (let x = 0, i = row; x < width; x++, i += channels) data[o + x] = raw[i];
    else if (colorType === 3) for (let x = 0; x < width; x++) data[o + x] = lut[raw[row + x]];
    else for (let x = 0, i = row; x < width; x++, i += channels) data[o + x] = raw[i] | raw[i + 1] | raw[i + 2] ? 1 : 0;
  }
  return { width, height, data };
}

/** PNG filters 0–4 in place; `prev` is the start of the previous (already unfiltered) row. */
function unfilterRow(b: Uint8Array, row: number, prev: number, stride: number, bpp: number, filter: number, first: boolean): void {
  switch (filter) {
    case 0:
      return;
    case 1:
      for (let i = bpp; i < stride; i++) b[row + i] = (b[row + i] + b[row + i - bpp]) & 255;
      return;
    case 2:
      if (!first) for (let i = 0; i < stride; i++) b[row + i] = (b[row + i] + b[prev + i]) & 255;
      return;
    case 3:
      for (let i = 0; i < stride; i++) {
        const left = i >= bpp ? b[row + i - bpp] : 0;
        const up = first ? 0 : b[prev + i];
        b[row + i] = (b[row + i] + ((left + up) >> 1)) & 255;
      }
      return;
    case 4:
      for (let i = 0; i < stride; i++) {
        const a = i >= bpp ? b[row + i - bpp] : 0;
        const up = first ? 0 : b[prev + i];
        const c = i >= bpp && !first ? b[prev + i - bpp] : 0;
        const p = a + up - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - up);
        const pc = Math.abs(p - c);
        b[row + i] = (b[row + i] + (pa <= pb && pa <= pc ? a : pb <= pc ? up : c)) & 255;
      }
      return;
    default:
      throw new PngError(`unknown row filter ${filter}`);
  }
}

/** 1/2/4/16-bit and interlaced PNGs: rare for masks, so the slower general decoder is fine. */
function viaFastPng(buf: Uint8Array): PredMask {
  let png;
  try {
    png = decodeWithFastPng(buf);
  } catch (e) {
    throw new PngError((e as Error).message);
  }
  const { width, height, channels, depth } = png;
  const src = png.data;
  const data = new Uint8Array(width * height);
  const pal = png.palette;
  // fast-png leaves 1/2/4-bit samples packed, rows padded to whole bytes.
  const rowBytes = Math.ceil((width * channels * depth) / 8);
  const sample = (y: number, i: number) =>
    depth >= 8 ? src[y * width * channels + i] : (src[y * rowBytes + ((i * depth) >> 3)] >> (8 - depth - ((i * depth) & 7))) & ((1 << depth) - 1);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = x * channels;
      let on: boolean;
      if (pal) {
        const c = pal[sample(y, i)];
        on = Boolean(c && (c[0] || c[1] || c[2]));
      } else if (channels >= 3) on = Boolean(sample(y, i) || sample(y, i + 1) || sample(y, i + 2));
      else on = sample(y, i) !== 0;
      data[y * width + x] = on ? 1 : 0;
    }
  }
  return { width, height, data };
}
