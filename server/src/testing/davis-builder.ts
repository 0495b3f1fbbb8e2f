import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { encode } from 'fast-png';

const PALETTE: [number, number, number][] = Array.from({ length: 256 }, (_, i) => [(i * 53) % 256, (i * 97) % 256, (i * 151) % 256]);

export interface BuiltVideo {
  name: string;
  width: number;
  height: number;
  frames: number;
  /** Label image of each frame (row-major palette indices), as written. */
  labels: Uint8Array[];
}

/**
 * Writes one small DAVIS-layout video with rectangle objects that move by `speed` px per frame,
 * for importer tests that need data with known content (and for hostile variants of it).
 */
export async function writeDavisVideo(
  root: string,
  name: string,
  opts: {
    frames?: number;
    width?: number;
    height?: number;
    objects?: number;
    speed?: number;
    /** File name (without extension) of frame f and its mask; default 00000, 00001, … */
    frameName?: (f: number) => string;
  } = {},
): Promise<BuiltVideo> {
  const { frames = 4, width = 64, height = 48, objects = 2, speed = 3, frameName = (f: number) => String(f).padStart(5, '0') } = opts;
  const jdir = path.join(root, 'JPEGImages', name);
  const adir = path.join(root, 'Annotations', name);
  mkdirSync(jdir, { recursive: true });
  mkdirSync(adir, { recursive: true });
  const labels: Uint8Array[] = [];
  for (let f = 0; f < frames; f++) {
    const label = new Uint8Array(width * height);
    for (let o = 1; o <= objects; o++) {
      const x0 = (o * 11 + f * speed * o) % (width - 10);
      const y0 = (o * 7) % (height - 8);
      for (let y = y0; y < y0 + 8; y++) for (let x = x0; x < x0 + 10; x++) label[y * width + x] = o;
    }
    labels.push(label);
    const rgb = Buffer.alloc(width * height * 3);
    for (let p = 0; p < width * height; p++) rgb.set(PALETTE[label[p]! * 40]!, p * 3);
    const name = frameName(f);
    writeFileSync(path.join(jdir, `${name}.jpg`), await sharp(rgb, { raw: { width, height, channels: 3 } }).jpeg({ quality: 90 }).toBuffer());
    writeFileSync(path.join(adir, `${name}.png`), writePaletteMask(width, height, label));
  }
  return { name, width, height, frames, labels };
}

/** A DAVIS palette PNG of the given label image (tests paint stray ids into masks with it). */
export function writePaletteMask(width: number, height: number, label: Uint8Array): Uint8Array {
  return encode({ width, height, data: label, depth: 8, channels: 1, palette: PALETTE });
}
