import { fbm, grain, valueNoise } from './noise.ts';
import { Rng } from './prng.ts';
import { clamp255, mix, scale, type RGB } from './raster.ts';

/**
 * Static scenery behind the objects: a sky, a far edge, and a ground plane textured in
 * perspective (texture coordinates follow the ground, so detail shrinks towards the horizon).
 * A background is painted once per video and copied under every frame.
 */

export interface SceneryLayout {
  width: number;
  height: number;
  /** Row of the horizon. */
  horizon: number;
  /** Baselines (rows) of the objects' paths; the road draws lane markings between them. */
  lanes: number[];
}

export type Scenery = (layout: SceneryLayout, seed: number) => Uint8Array;

function smoothstep(a: number, b: number, x: number): number {
  const t = Math.min(1, Math.max(0, (x - a) / (b - a)));
  return t * t * (3 - 2 * t);
}

function put(rgb: Uint8Array, i: number, c: RGB): void {
  rgb[3 * i] = clamp255(c[0]);
  rgb[3 * i + 1] = clamp255(c[1]);
  rgb[3 * i + 2] = clamp255(c[2]);
}

/** Distance along the ground for a row below the horizon: 1 at the bottom edge, growing upwards. */
function depth(l: SceneryLayout, y: number): number {
  return (l.height - l.horizon) / Math.max(0.5, y + 0.5 - l.horizon);
}

function paintSky(rgb: Uint8Array, l: SceneryLayout, seed: number, top: RGB, low: RGB, upTo: number): void {
  const { width: W, height: H } = l;
  for (let y = 0; y < upTo; y++) {
    const base = mix(top, low, Math.pow(y / l.horizon, 1.4));
    for (let x = 0; x < W; x++) {
      // Clouds: stretched fbm, thinning towards the horizon like a receding cloud deck.
      const c = fbm(seed, x / (0.5 * H), y / (0.13 * H), 5);
      const cover = smoothstep(0.52, 0.7, c) * (1 - 0.6 * (y / l.horizon));
      const shade = 0.88 + 0.12 * (1 - c);
      put(rgb, y * W + x, mix(base, scale([248, 248, 250], shade), cover * 0.9));
    }
  }
}

/** A skyline (hills, trees) between `line(x)` and the horizon. */
function paintSkyline(rgb: Uint8Array, l: SceneryLayout, line: (x: number) => number, colour: (x: number, y: number) => RGB): void {
  const W = l.width;
  for (let x = 0; x < W; x++) {
    const top = Math.max(0, Math.floor(line(x)));
    for (let y = top; y < l.horizon; y++) put(rgb, y * W + x, colour(x, y));
  }
}

export const meadow: Scenery = (l, seed) => {
  const { width: W, height: H, horizon: hz } = l;
  const rgb = new Uint8Array(W * H * 3);
  paintSky(rgb, l, seed, [88, 140, 205], [200, 218, 232], hz);
  paintSkyline(
    rgb,
    l,
    (x) => hz - 0.03 * H - 0.2 * H * Math.max(0, fbm(seed + 11, x / (0.7 * H), 0.5, 3) - 0.25),
    (x, y) => mix([132, 156, 160], [150, 172, 170], fbm(seed + 12, x / 40, y / 20, 2)),
  );
  paintSkyline(
    rgb,
    l,
    (x) => hz - 0.025 * H - 0.05 * H * fbm(seed + 13, x / (0.12 * H), 0.5, 4),
    (x, y) => scale([58, 92, 52], 0.75 + 0.5 * fbm(seed + 14, x / 5, y / 4, 3)),
  );
  const far: RGB = [148, 170, 104];
  const near: RGB = [74, 124, 46];
  for (let y = hz; y < H; y++) {
    const d = depth(l, y);
    const nearness = 1 / d;
    const haze = Math.exp(-(d - 1) / 7);
    const base = mix(far, near, Math.pow(nearness, 0.6));
    for (let x = 0; x < W; x++) {
      const gx = ((x - W / 2) / H) * d;
      const patches = fbm(seed + 15, gx * 2.2, d * 0.9, 4);
      const blades = valueNoise(seed + 16, x * 0.8, y * 0.12 * (1 + d));
      const speck = grain(seed + 17, x, y);
      let c = scale(base, 0.72 + 0.55 * patches * haze + (1 - haze) * 0.26);
      c = scale(c, 1 + (blades - 0.5) * 0.35 * haze);
      // A few flowers, only close enough to read as dots.
      if (speck > 0.9975 && nearness > 0.4) c = speck > 0.9988 ? [236, 226, 120] : [238, 238, 236];
      put(rgb, y * W + x, c);
    }
  }
  return rgb;
};

export const road: Scenery = (l, seed) => {
  const { width: W, height: H, horizon: hz } = l;
  const rgb = new Uint8Array(W * H * 3);
  paintSky(rgb, l, seed, [104, 150, 206], [212, 222, 230], hz);
  // Buildings: blocks of random height, lit windows in a grid.
  const rng = new Rng(seed + 21);
  let x0 = -rng.int(0, 40);
  while (x0 < W) {
    const w = rng.int(Math.round(0.08 * H), Math.round(0.2 * H));
    const h = rng.range(0.08, 0.24) * H;
    const wall: RGB = scale(rng.pick<RGB>([[150, 146, 150], [170, 160, 148], [128, 136, 150], [160, 150, 140]]), rng.range(0.85, 1.05));
    for (let x = Math.max(0, x0); x < Math.min(W, x0 + w); x++) {
      for (let y = Math.max(0, Math.floor(hz - h)); y < hz; y++) {
        const lx = x - x0;
        const ly = y - (hz - h);
        const window = lx % 9 > 3 && ly % 10 > 4 && lx > 3 && lx < w - 3;
        const lit = grain(seed + 22, Math.floor(lx / 9) + x0 * 31, Math.floor(ly / 10)) > 0.7;
        put(rgb, y * W + x, window ? (lit ? [214, 200, 150] : scale(wall, 0.55)) : scale(wall, 0.92 + 0.16 * grain(seed + 23, x, y)));
      }
    }
    x0 += w + rng.int(0, 6);
  }
  const verge = Math.round(hz + 0.05 * H);
  const lanes = [...new Set(l.lanes)].sort((a, b) => a - b);
  const markings = lanes.slice(1).flatMap((y, i) => (y - lanes[i]! > 0.05 * H ? [(y + lanes[i]!) / 2] : []));
  for (let y = hz; y < H; y++) {
    const d = depth(l, y);
    const haze = Math.exp(-(d - 1) / 8);
    const lineHalf = 0.004 * H * (1 / d) + 0.35;
    const onEdge = Math.abs(y + 0.5 - (verge + 2)) < lineHalf;
    const onDash = markings.some((m) => Math.abs(y + 0.5 - m) < lineHalf);
    for (let x = 0; x < W; x++) {
      const gx = ((x - W / 2) / H) * d;
      const i = y * W + x;
      if (y < verge) {
        const g = fbm(seed + 24, gx * 6, d * 3, 3);
        put(rgb, i, scale([92, 128, 60], 0.75 + 0.5 * g));
        continue;
      }
      const tar = fbm(seed + 25, gx * 3, d * 1.5, 4);
      const fine = grain(seed + 26, x, y);
      let c = mix([150, 152, 158], [86, 86, 90], 1 - Math.exp(-(1 / d) * 2.5));
      c = scale(c, 0.86 + 0.22 * tar * haze + 0.12 * (fine - 0.5) * haze + (1 - haze) * 0.11);
      // Dashes are measured along the ground so they shorten towards the horizon.
      const dash = ((gx * 1.6) % 1 + 1) % 1 < 0.55;
      if (onEdge || (onDash && dash)) c = mix(c, [232, 232, 224], 0.85);
      put(rgb, i, c);
    }
  }
  return rgb;
};

export const pond: Scenery = (l, seed) => {
  const { width: W, height: H, horizon: hz } = l;
  const rgb = new Uint8Array(W * H * 3);
  paintSky(rgb, l, seed, [96, 146, 204], [206, 222, 230], hz);
  const treeTop = (x: number) => hz - 0.05 * H - 0.09 * H * fbm(seed + 31, x / (0.1 * H), 0.5, 4);
  paintSkyline(rgb, l, treeTop, (x, y) => scale([46, 84, 50], 0.7 + 0.6 * fbm(seed + 32, x / 4, y / 4, 3)));
  const shore = Math.round(hz + 0.012 * H);
  const far: RGB = [150, 178, 188];
  const near: RGB = [38, 82, 94];
  for (let y = hz; y < H; y++) {
    const d = depth(l, y);
    const haze = Math.exp(-(d - 1) / 9);
    const base = mix(far, near, Math.pow(1 / d, 0.5));
    for (let x = 0; x < W; x++) {
      const i = y * W + x;
      if (y < shore) {
        put(rgb, i, scale([126, 116, 84], 0.8 + 0.4 * grain(seed + 33, x, y)));
        continue;
      }
      const gx = ((x - W / 2) / H) * d;
      // Ripples are long across the view and thin in depth, as on calm water.
      const ripple = fbm(seed + 34, gx * 1.2, d * 7, 4);
      let c = scale(base, 0.85 + 0.3 * ripple * haze + (1 - haze) * 0.15);
      if (ripple > 0.6) c = mix(c, [214, 228, 232], smoothstep(0.6, 0.72, ripple) * 0.55 * haze);
      // The tree line mirrored in the water just below the shore, broken up by the ripples.
      const mirrorY = 2 * hz - y + (ripple - 0.5) * 6;
      if (mirrorY > treeTop(x) && mirrorY < hz) c = mix(c, [34, 64, 46], 0.55);
      put(rgb, i, c);
    }
  }
  // Lily pads, flattened by perspective; they are scenery, never objects.
  const rng = new Rng(seed + 35);
  for (let n = 0; n < 9; n++) {
    const cy = rng.range(hz + 0.1 * H, H - 0.02 * H);
    const cx = rng.range(0, W);
    const r = 0.035 * H * ((cy - hz) / (H - hz)) * rng.range(0.7, 1.3);
    const notch = rng.range(0, 2 * Math.PI);
    for (let y = Math.floor(cy - r * 0.35); y <= cy + r * 0.35; y++) {
      for (let x = Math.floor(cx - r); x <= cx + r; x++) {
        if (x < 0 || x >= W || y < 0 || y >= H) continue;
        const u = (x + 0.5 - cx) / r;
        const v = (y + 0.5 - cy) / (r * 0.35);
        if (u * u + v * v > 1) continue;
        const a = Math.atan2(v, u);
        if (Math.abs(((a - notch + 3 * Math.PI) % (2 * Math.PI)) - Math.PI) < 0.25) continue;
        put(rgb, y * W + x, scale([64, 118, 52], 0.8 + 0.3 * (1 - v) / 2 + 0.1 * grain(seed + 36, x, y)));
      }
    }
  }
  return rgb;
};
