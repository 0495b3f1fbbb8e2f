import { encodeMask } from '../rle/encode-mask.ts';
import type { Rle } from '../rle/rle-type.ts';

/*
 * Mask tracks with known motion, for the motion tests and the benchmark's fallback data: shapes
 * rasterised into row-major masks, optionally with segmentation-like noise, then RLE-encoded.
 */

/** A seeded PRNG (mulberry32), kept under the name the motion tests use. */
import { mulberry32 as seededRandom } from '../prng.ts';

export { seededRandom };

export interface Disc {
  cx: number;
  cy: number;
  r: number;
}

/**
 * A disc (pixel centres within r of (cx, cy)). `ragged` > 0 moves the edge of every boundary
 * pixel independently by up to ±ragged px, the frame-to-frame boundary noise of a segmentation.
 */
export function discMask(h: number, w: number, d: Disc, ragged = 0, random: () => number = Math.random): Uint8Array {
  const m = new Uint8Array(h * w);
  const reach = d.r + ragged + 1;
  const y0 = Math.max(0, Math.floor(d.cy - reach));
  const y1 = Math.min(h - 1, Math.ceil(d.cy + reach));
  const x0 = Math.max(0, Math.floor(d.cx - reach));
  const x1 = Math.min(w - 1, Math.ceil(d.cx + reach));
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const dist = Math.hypot(x + 0.5 - d.cx, y + 0.5 - d.cy);
      const edge = ragged > 0 && Math.abs(dist - d.r) <= ragged ? d.r + (2 * random() - 1) * ragged : d.r;
      if (dist <= edge) m[y * w + x] = 1;
    }
  }
  return m;
}

export function discTrack(h: number, w: number, discs: readonly Disc[], ragged = 0, seed = 1): Rle[] {
  const random = seededRandom(seed);
  return discs.map((d) => encodeMask(discMask(h, w, d, ragged, random), h, w));
}

/** A still disc whose centre and radius wobble by up to ±amp px every frame, with a ragged edge. */
export function jitteringDisc(h: number, w: number, base: Disc, frames: number, amp: number, seed: number): Rle[] {
  const random = seededRandom(seed);
  const wobble = () => (2 * random() - 1) * amp;
  const discs = Array.from({ length: frames }, () => ({ cx: base.cx + wobble(), cy: base.cy + wobble(), r: base.r + wobble() }));
  return discs.map((d) => encodeMask(discMask(h, w, d, Math.min(1, amp), random), h, w));
}

/**
 * A bird flapping in place: a round body and two wings (thick segments from its sides) whose
 * angle swings between +`swing` and −`swing` radians with the given period in frames.
 */
export function flappingBird(h: number, w: number, cx: number, cy: number, body: number, frames: number, period: number, swing = 1.1): Rle[] {
  const out: Rle[] = [];
  const wing = 2.2 * body;
  const half = 0.3 * body;
  for (let f = 0; f < frames; f++) {
    const m = discMask(h, w, { cx, cy, r: body });
    const angle = swing * Math.cos((2 * Math.PI * f) / period);
    for (const side of [-1, 1]) {
      // Segment from the body edge outwards, tilted up or down by `angle`.
      const ax = cx + side * body * 0.8;
      const ay = cy;
      const bx = ax + side * wing * Math.cos(angle);
      const by = ay - wing * Math.sin(angle);
      paintSegment(m, h, w, ax, ay, bx, by, half);
    }
    out.push(encodeMask(m, h, w));
  }
  return out;
}

function paintSegment(m: Uint8Array, h: number, w: number, ax: number, ay: number, bx: number, by: number, half: number): void {
  const dx = bx - ax;
  const dy = by - ay;
  const len2 = dx * dx + dy * dy;
  const y0 = Math.max(0, Math.floor(Math.min(ay, by) - half));
  const y1 = Math.min(h - 1, Math.ceil(Math.max(ay, by) + half));
  const x0 = Math.max(0, Math.floor(Math.min(ax, bx) - half));
  const x1 = Math.min(w - 1, Math.ceil(Math.max(ax, bx) + half));
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      const px = x + 0.5 - ax;
      const py = y + 0.5 - ay;
      const t = Math.max(0, Math.min(1, (px * dx + py * dy) / len2));
      if (Math.hypot(px - t * dx, py - t * dy) <= half) m[y * w + x] = 1;
    }
  }
}

/*
 * Noise on a real shape: every frame the mask is eroded or dilated by up to `amp` px, shifted by
 * up to ±amp px and given a ragged edge (30 % of the pixels on the boundary flip). ±1 px is about
 * the frame-to-frame disagreement of careful annotation; ±2 px is a poor segmentation. The work is
 * done in a window around the object, so a small object in a DAVIS frame costs little.
 */
export function jitteringShape(mask: Uint8Array, h: number, w: number, frames: number, amp: number, seed: number): Rle[] {
  const random = seededRandom(seed);
  const step = () => Math.round((2 * random() - 1) * amp);
  const win = windowAround(mask, h, w, 2 * amp + 2);
  const out: Rle[] = [];
  for (let f = 0; f < frames; f++) {
    let m = win.mask;
    const grow = step();
    for (let i = 0; i < Math.abs(grow); i++) m = morph(m, win.h, win.w, grow > 0);
    m = shift(m, win.h, win.w, step(), step());
    m = raggedEdge(m, win.h, win.w, random, 0.3);
    const full = new Uint8Array(h * w);
    for (let y = 0; y < win.h; y++) full.set(m.subarray(y * win.w, (y + 1) * win.w), (win.y + y) * w + win.x);
    out.push(encodeMask(full, h, w));
  }
  return out;
}

/** The mask's bounding box grown by `margin` px (clipped to the frame), cut out. */
function windowAround(mask: Uint8Array, h: number, w: number, margin: number): { mask: Uint8Array; x: number; y: number; w: number; h: number } {
  let x0 = w;
  let y0 = h;
  let x1 = -1;
  let y1 = -1;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (mask[y * w + x] === 0) continue;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
    }
  }
  if (x1 < 0) return { mask: new Uint8Array(1), x: 0, y: 0, w: 1, h: 1 };
  x0 = Math.max(0, x0 - margin);
  y0 = Math.max(0, y0 - margin);
  x1 = Math.min(w - 1, x1 + margin);
  y1 = Math.min(h - 1, y1 + margin);
  const ww = x1 - x0 + 1;
  const wh = y1 - y0 + 1;
  const cut = new Uint8Array(ww * wh);
  for (let y = 0; y < wh; y++) cut.set(mask.subarray((y0 + y) * w + x0, (y0 + y) * w + x0 + ww), y * ww);
  return { mask: cut, x: x0, y: y0, w: ww, h: wh };
}

/** One step of 4-neighbour dilation or erosion (outside the frame counts as background). */
export function morph(m: Uint8Array, h: number, w: number, dilate: boolean): Uint8Array {
  const out = new Uint8Array(h * w);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      const up = y > 0 ? m[i - w] : 0;
      const down = y < h - 1 ? m[i + w] : 0;
      const left = x > 0 ? m[i - 1] : 0;
      const right = x < w - 1 ? m[i + 1] : 0;
      out[i] = dilate ? m[i] | up | down | left | right : m[i] & up & down & left & right;
    }
  }
  return out;
}

export function shift(m: Uint8Array, h: number, w: number, dx: number, dy: number): Uint8Array {
  const out = new Uint8Array(h * w);
  for (let y = Math.max(0, dy); y < Math.min(h, h + dy); y++) {
    for (let x = Math.max(0, dx); x < Math.min(w, w + dx); x++) out[y * w + x] = m[(y - dy) * w + x - dx];
  }
  return out;
}

function raggedEdge(m: Uint8Array, h: number, w: number, random: () => number, p: number): Uint8Array {
  const grown = morph(m, h, w, true);
  const shrunk = morph(m, h, w, false);
  const out = m.slice();
  for (let i = 0; i < out.length; i++) if (grown[i] !== shrunk[i] && random() < p) out[i] ^= 1;
  return out;
}
