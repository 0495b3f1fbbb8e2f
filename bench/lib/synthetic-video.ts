import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { encode } from 'fast-png';
import { mulberry32 } from '../../server/src/demo/prng.ts';

/**
 * Writes one DAVIS-layout video of `objects` discs bouncing around a `width`×`height` frame,
 * for benchmarks that need many objects at full resolution (the demo videos have 6-8 at 640×360).
 */
export async function writeSyntheticVideo(root: string, name: string, opts: { width: number; height: number; frames: number; objects: number; seed?: number }) {
  const { width, height, frames, objects } = opts;
  // Seeded so every benchmark run draws the same video.
  const rand = mulberry32(opts.seed ?? 7);
  const jdir = path.join(root, 'JPEGImages', name);
  const adir = path.join(root, 'Annotations', name);
  mkdirSync(jdir, { recursive: true });
  mkdirSync(adir, { recursive: true });
  const discs = Array.from({ length: objects }, () => ({
    r: 14 + rand() * 34,
    x: 60 + rand() * (width - 120),
    y: 60 + rand() * (height - 120),
    vx: (rand() - 0.5) * 16,
    vy: (rand() - 0.5) * 12,
    c: [80 + rand() * 150, 80 + rand() * 150, 80 + rand() * 150],
  }));
  const palette = Array.from({ length: 256 }, (_, i) => [(i * 37) % 256, (i * 91) % 256, (i * 171) % 256]);
  const bg = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++) {
      const p = (y * width + x) * 3;
      bg[p] = 40 + (x * 90) / width + rand() * 12;
      bg[p + 1] = 70 + (y * 80) / height + rand() * 12;
      bg[p + 2] = 60 + rand() * 12;
    }
  for (let f = 0; f < frames; f++) {
    const rgb = Buffer.from(bg);
    const label = new Uint8Array(width * height);
    discs.forEach((d, i) => {
      const x0 = Math.max(0, Math.floor(d.x - d.r));
      const x1 = Math.min(width - 1, Math.ceil(d.x + d.r));
      const y0 = Math.max(0, Math.floor(d.y - d.r));
      const y1 = Math.min(height - 1, Math.ceil(d.y + d.r));
      for (let y = y0; y <= y1; y++)
        for (let x = x0; x <= x1; x++) {
          if ((x + 0.5 - d.x) ** 2 + (y + 0.5 - d.y) ** 2 > d.r * d.r) continue;
          label[y * width + x] = i + 1;
          const p = (y * width + x) * 3;
          rgb[p] = d.c[0]!;
          rgb[p + 1] = d.c[1]!;
          rgb[p + 2] = d.c[2]!;
        }
      d.x += d.vx;
      d.y += d.vy;
      if (d.x < d.r || d.x > width - d.r) d.vx = -d.vx;
      if (d.y < d.r || d.y > height - d.r) d.vy = -d.vy;
    });
    const frameName = String(f).padStart(5, '0');
    writeFileSync(path.join(jdir, `${frameName}.jpg`), await sharp(rgb, { raw: { width, height, channels: 3 } }).jpeg({ quality: 85 }).toBuffer());
    writeFileSync(path.join(adir, `${frameName}.png`), encode({ width, height, data: label, depth: 8, channels: 1, palette }));
  }
}
