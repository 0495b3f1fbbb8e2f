import { deflateSync } from 'node:zlib';
import { encode as encodeWithFastPng } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '#shared/prng.ts';
import { decodeMaskPng } from './eval-png.ts';
import { pngChunk } from '../testing/png-chunk.ts';

const chunk = pngChunk;

/** An 8-bit PNG whose row y uses filter y % 5, so every unfilter branch runs. */
function pngWithAllFilters(width: number, height: number, colorType: number, channels: number, pixels: Uint8Array, palette?: Uint8Array): Buffer {
  const stride = width * channels;
  const raw = new Uint8Array(height * (stride + 1));
  const at = (y: number, i: number) => (y < 0 || i < 0 ? 0 : pixels[y * stride + i]);
  for (let y = 0; y < height; y++) {
    const f = y % 5;
    raw[y * (stride + 1)] = f;
    for (let i = 0; i < stride; i++) {
      const x = pixels[y * stride + i];
      const a = at(y, i - channels);
      const b = at(y - 1, i);
      const c = at(y - 1, i - channels);
      let pred = 0;
      if (f === 1) pred = a;
      else if (f === 2) pred = b;
      else if (f === 3) pred = (a + b) >> 1;
      else if (f === 4) {
        const p = a + b - c;
        const pa = Math.abs(p - a);
        const pb = Math.abs(p - b);
        const pc = Math.abs(p - c);
        pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      }
      raw[y * (stride + 1) + 1 + i] = (x - pred) & 255;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = colorType;
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    chunk('IHDR', ihdr),
    ...(palette ? [chunk('PLTE', palette)] : []),
    // two IDAT chunks: decoders must join them
    chunk('IDAT', deflateSync(raw).subarray(0, 10)),
    chunk('IDAT', deflateSync(raw).subarray(10)),
    chunk('IEND', new Uint8Array(0)),
  ]);
}

function randomPixels(n: number, seed: number, values: number[]): Uint8Array {
  const rnd = mulberry32(seed);
  return Uint8Array.from({ length: n }, () => values[Math.floor(rnd() * values.length)]);
}

describe('prediction PNG decoding', () => {
  const w = 13;
  const h = 11;

  it('grey: any non-zero value is foreground, through every row filter', () => {
    const px = randomPixels(w * h, 1, [0, 0, 1, 255, 7]);
    const m = decodeMaskPng(pngWithAllFilters(w, h, 0, 1, px));
    expect(m).toMatchObject({ width: w, height: h });
    expect(Array.from(m.data, (v) => (v ? 1 : 0))).toEqual(Array.from(px, (v) => (v ? 1 : 0)));
  });

  it('palette: foreground is a non-black palette colour, as cv2 sees it', () => {
    const palette = Uint8Array.of(0, 0, 0, 128, 0, 0, 0, 0, 0, 0, 128, 0); // index 2 is black too
    const px = randomPixels(w * h, 2, [0, 1, 2, 3]);
    const m = decodeMaskPng(pngWithAllFilters(w, h, 3, 1, px, palette));
    expect(Array.from(m.data, (v) => (v ? 1 : 0))).toEqual(Array.from(px, (v) => (v === 1 || v === 3 ? 1 : 0)));
  });

  it('RGB, RGBA and grey+alpha: colour decides, alpha is ignored', () => {
    const fg = Array.from({ length: w * h }, (_, i) => (i * 7) % 3 === 0);
    const rgb = new Uint8Array(w * h * 3);
    const rgba = new Uint8Array(w * h * 4);
    const ga = new Uint8Array(w * h * 2);
    fg.forEach((on, i) => {
      if (on) rgb[i * 3 + (i % 3)] = 200;
      if (on) rgba[i * 4 + 1] = 5;
      rgba[i * 4 + 3] = 255;
      if (on) ga[i * 2] = 255;
      ga[i * 2 + 1] = on ? 0 : 255;
    });
    const want = fg.map((on) => (on ? 1 : 0));
    const bits = (d: Uint8Array) => Array.from(d, (v) => (v ? 1 : 0));
    expect(bits(decodeMaskPng(pngWithAllFilters(w, h, 2, 3, rgb)).data)).toEqual(want);
    expect(bits(decodeMaskPng(pngWithAllFilters(w, h, 6, 4, rgba)).data)).toEqual(want);
    expect(bits(decodeMaskPng(pngWithAllFilters(w, h, 4, 2, ga)).data)).toEqual(want);
  });

  it('1-bit and 16-bit PNGs go through the general decoder', () => {
    const bitsPx = randomPixels(w * h, 3, [0, 1]);
    // 1-bit rows are packed, most significant bit first, each row padded to a whole byte
    const rowBytes = Math.ceil(w / 8);
    const packed = new Uint8Array(rowBytes * h);
    bitsPx.forEach((v, i) => {
      const y = Math.floor(i / w);
      const x = i % w;
      if (v) packed[y * rowBytes + (x >> 3)] |= 0x80 >> (x & 7);
    });
    const one = decodeMaskPng(encodeWithFastPng({ width: w, height: h, data: packed, channels: 1, depth: 1 }));
    expect(Array.from(one.data, (v) => (v ? 1 : 0))).toEqual(Array.from(bitsPx));
    const wide = Uint16Array.from(bitsPx, (v) => v * 65535);
    const sixteen = decodeMaskPng(encodeWithFastPng({ width: w, height: h, data: wide, channels: 1, depth: 16 }));
    expect(Array.from(sixteen.data, (v) => (v ? 1 : 0))).toEqual(Array.from(bitsPx));
  });

  it('reuses the caller buffer when the size fits', () => {
    const px = randomPixels(w * h, 4, [0, 255]);
    const buf = new Uint8Array(w * h);
    expect(decodeMaskPng(pngWithAllFilters(w, h, 0, 1, px), buf).data).toBe(buf);
  });

  it('refuses what is not a PNG', () => {
    expect(() => decodeMaskPng(Buffer.from('not a png at all'))).toThrow(/not a PNG/);
    const good = pngWithAllFilters(w, h, 0, 1, randomPixels(w * h, 5, [0, 255]));
    expect(() => decodeMaskPng(good.subarray(0, 60))).toThrow();
  });

  it('refuses a header that declares more pixels than a mask may have, before inflating anything', () => {
    // A valid 4×4 grey PNG whose IHDR then claims 200000×1000 (the CRC is not checked before the size).
    const png = Buffer.from(pngWithAllFilters(4, 4, 0, 1, randomPixels(16, 9, [0, 255])));
    png.writeUInt32BE(200_000, 16);
    png.writeUInt32BE(1000, 20);
    expect(() => decodeMaskPng(png)).toThrow(/200000×1000 is too large for a mask/);
  });
});
