import { valueNoise } from './noise.ts';
import type { Rng } from './prng.ts';
import { mix, scale, SpriteBuilder, sphereShade, type RGB, type Sprite } from './raster.ts';

/**
 * The look-alike objects: every figure of a kind has the same build and nearly the same colours,
 * so a referring expression can only tell them apart by how they move.
 */

/** Per-object variation: colours within a narrow band, and a geometry seed. */
export interface Look {
  body: RGB;
  accent: RGB;
  /** Drives small shape jitter; two objects with the same value have identical silhouettes. */
  shapeSeed: number;
  /** Drives surface texture only (never coverage). */
  textureSeed: number;
}

export interface FigureKind {
  category: string;
  /** Body length at perspective scale 1, as a fraction of the frame height. */
  size: number;
  /** Gait poses a walking figure cycles through (1 = rigid, e.g. a car). */
  poses: number;
  /** Distance, in body lengths, walked per pose step. */
  stride: number;
  /** Soft ground shadow, in body lengths: half-width, half-height, darkening 0..1. */
  shadow: { rx: number; ry: number; strength: number };
  look(rng: Rng): Look;
  /**
   * Draws one figure facing `dir` with its anchor (feet or waterline centre) at (0, 0).
   * `airborne` figures are drawn whole even where the ground would hide them.
   */
  draw(unit: number, look: Look, dir: 1 | -1, pose: number, airborne: boolean): Sprite;
}

function jitter(rng: Rng, c: RGB, amount: number): RGB {
  const k = 1 + rng.range(-amount, amount);
  return [c[0] * k * (1 + rng.range(-amount, amount) / 2), c[1] * k * (1 + rng.range(-amount, amount) / 2), c[2] * k * (1 + rng.range(-amount, amount) / 2)];
}

function newLook(rng: Rng, body: RGB, accent: RGB, amount: number): Look {
  return { body: jitter(rng, body, amount), accent: jitter(rng, accent, amount), shapeSeed: rng.seed(), textureSeed: rng.seed() };
}

function shapeRng(seed: number): (i: number) => number {
  return (i) => valueNoise(seed, i * 7.31, 0.5) * 2 - 1;
}

const SHEEP_LEG: RGB = [52, 46, 44];

export const sheep: FigureKind = {
  category: 'sheep',
  size: 0.2,
  poses: 8,
  stride: 0.1,
  shadow: { rx: 0.5, ry: 0.08, strength: 0.45 },
  look: (rng) => newLook(rng, [226, 222, 206], [58, 48, 44], 0.06),
  draw(unit, look, dir, pose) {
    const U = unit;
    const j = shapeRng(look.shapeSeed);
    const b = new SpriteBuilder(dir);
    const leg = U * 0.19;
    const cy = -leg - U * 0.25;
    const wool = (nx: number, ny: number, x: number, y: number): RGB => {
      const curl = 0.86 + 0.22 * valueNoise(look.textureSeed, x / (U * 0.045), y / (U * 0.045));
      return scale(sphereShade(look.body, nx, ny, 0.05, 0.55), curl);
    };
    // Legs swing in diagonal pairs, as in a walk; the far-side pair is drawn first and darker.
    const phase = (2 * Math.PI * pose) / sheep.poses;
    const swing = U * 0.06 * Math.sin(phase);
    const legAt = (x: number, dx: number, shade: number) => {
      const w = U * 0.034;
      b.polygon(
        [
          [x - w, cy],
          [x + w, cy],
          [x + dx + w * 0.9, 0],
          [x + dx - w * 0.9, 0],
        ],
        () => scale(SHEEP_LEG, shade),
      );
    };
    legAt(-U * 0.22, -swing, 0.75);
    legAt(U * 0.27, swing, 0.75);
    legAt(-U * 0.3, swing, 1);
    legAt(U * 0.19, -swing, 1);
    b.ellipse(-U * 0.45, cy - U * 0.06, U * 0.06, U * 0.06, 0, wool);
    b.ellipse(0, cy, U * 0.42, U * 0.25, 0, wool);
    // Fleece bumps along the back make the outline woolly rather than a plain ellipse.
    for (let i = 0; i < 8; i++) {
      const a = Math.PI * (1.05 + (0.85 * i) / 7 + 0.02 * j(i + 20));
      const r = U * (0.075 + 0.025 * j(i));
      b.ellipse(Math.cos(a) * U * 0.36, cy + Math.sin(a) * U * 0.2, r, r, 0, wool);
    }
    const hx = U * 0.45;
    const hy = cy - U * 0.2 + U * 0.02 * j(9);
    b.ellipse(hx - U * 0.055, hy - U * 0.06, U * 0.075, U * 0.03, -0.5, () => scale(look.accent, 0.8));
    b.ellipse(hx, hy, U * 0.13, U * 0.085, 0.55, (nx, ny) => sphereShade(look.accent, nx, ny, 0.2, 0.6));
    b.ellipse(hx - U * 0.075, hy - U * 0.06, U * 0.05, U * 0.045, 0, wool);
    b.ellipse(hx + U * 0.04, hy - U * 0.02, U * 0.018, U * 0.014, 0, () => [20, 16, 14]);
    return b.build();
  },
};

const TYRE: RGB = [30, 30, 33];
const GLASS: RGB = [96, 122, 140];

export const car: FigureKind = {
  category: 'car',
  size: 0.27,
  poses: 1,
  stride: 1,
  shadow: { rx: 0.56, ry: 0.06, strength: 0.6 },
  look: (rng) => newLook(rng, [176, 32, 38], [210, 210, 200], 0.07),
  draw(unit, look, dir) {
    const U = unit;
    const j = shapeRng(look.shapeSeed);
    const b = new SpriteBuilder(dir);
    const roof = -U * (0.42 + 0.01 * j(1));
    const paint = (_u: number, v: number, x: number): RGB => {
      // A bright crease line along the flank and a darker sill give the body its form.
      const t = (v + 1) / 2;
      const crease = Math.abs(t - 0.3) < 0.05 ? 1.25 : 1;
      const grainy = 0.97 + 0.06 * valueNoise(look.textureSeed, x / (U * 0.2), t * 3);
      return scale(look.body, (1.15 - 0.45 * t) * crease * grainy);
    };
    b.polygon(
      [
        [-U * 0.5, -U * 0.08],
        [-U * 0.5, -U * 0.22],
        [-U * 0.46, -U * 0.27],
        [-U * 0.36, -U * 0.28],
        [-U * 0.27, roof],
        [U * 0.08, roof],
        [U * 0.24, -U * 0.28],
        [U * 0.46, -U * 0.25],
        [U * 0.5, -U * 0.2],
        [U * 0.5, -U * 0.1],
        [U * 0.47, -U * 0.06],
        [-U * 0.47, -U * 0.06],
      ],
      paint,
    );
    const glass = (u: number, v: number): RGB => {
      const streak = Math.abs(u * 0.6 + v * 0.8) < 0.15 ? 1.45 : 1;
      return scale(mix(GLASS, [170, 190, 205], (1 - v) / 3), streak);
    };
    b.polygon(
      [
        [-U * 0.33, -U * 0.285],
        [-U * 0.255, roof + U * 0.02],
        [-U * 0.08, roof + U * 0.02],
        [-U * 0.08, -U * 0.285],
      ],
      glass,
    );
    b.polygon(
      [
        [-U * 0.055, -U * 0.285],
        [-U * 0.055, roof + U * 0.02],
        [U * 0.07, roof + U * 0.02],
        [U * 0.2, -U * 0.285],
      ],
      glass,
    );
    b.rect(-U * 0.07, -U * 0.27, -U * 0.062, -U * 0.09, () => scale(look.body, 0.55));
    b.ellipse(U * 0.475, -U * 0.215, U * 0.025, U * 0.018, 0, () => [245, 236, 190]);
    b.rect(-U * 0.505, -U * 0.235, -U * 0.485, -U * 0.19, () => [200, 30, 25]);
    b.rect(-U * 0.5, -U * 0.11, U * 0.5, -U * 0.08, () => scale(look.accent, 0.55));
    for (const wx of [-U * 0.3, U * 0.3]) {
      b.ellipse(wx, -U * 0.09, U * 0.1, U * 0.1, 0, () => [22, 22, 24]);
      b.ellipse(wx, -U * 0.09, U * 0.09, U * 0.09, 0, (nx, ny) => sphereShade(TYRE, nx, ny, 0.1, 0.7));
      b.ellipse(wx, -U * 0.09, U * 0.05, U * 0.05, 0, (nx, ny) => sphereShade(look.accent, nx * 0.6, ny * 0.6, 0.3, 0.6));
    }
    return b.build();
  },
};

const DUCK_HEAD: RGB = [28, 96, 52];
const DUCK_CHEST: RGB = [112, 62, 40];
const DUCK_BILL: RGB = [214, 180, 40];

export const duck: FigureKind = {
  category: 'duck',
  size: 0.19,
  poses: 1,
  stride: 1,
  shadow: { rx: 0.55, ry: 0.07, strength: 0.35 },
  look: (rng) => newLook(rng, [188, 186, 178], [120, 104, 88], 0.06),
  draw(unit, look, dir, _pose, airborne) {
    const U = unit;
    const j = shapeRng(look.shapeSeed);
    // A swimming duck sits in the water: the waterline hides its underside.
    const b = new SpriteBuilder(dir, airborne ? Infinity : 0);
    const feathers = (nx: number, ny: number, x: number, y: number): RGB =>
      scale(sphereShade(look.body, nx, ny, 0.08, 0.55), 0.93 + 0.1 * valueNoise(look.textureSeed, x / (U * 0.08), y / (U * 0.03)));
    b.polygon(
      [
        [-U * 0.32, -U * 0.06],
        [-U * 0.52, -U * 0.22],
        [-U * 0.46, -U * 0.24],
        [-U * 0.28, -U * 0.2],
      ],
      () => [34, 32, 36],
    );
    b.ellipse(0, -U * 0.04, U * 0.4, U * (0.19 + 0.01 * j(2)), 0, feathers);
    b.ellipse(-U * 0.06, -U * 0.13, U * 0.28, U * 0.08, 0.08, (nx, ny) => sphereShade(look.accent, nx, ny, 0.05, 0.6));
    b.ellipse(U * 0.26, -U * 0.09, U * 0.16, U * 0.15, 0, (nx, ny) => sphereShade(DUCK_CHEST, nx, ny, 0.15, 0.6));
    b.ellipse(U * 0.29, -U * 0.22, U * 0.075, U * 0.04, 0, () => [235, 235, 228]);
    b.ellipse(U * 0.29, -U * 0.3, U * 0.07, U * 0.1, 0.1, (nx, ny) => sphereShade(DUCK_HEAD, nx, ny, 0.4, 0.55));
    b.ellipse(U * 0.33, -U * 0.4, U * 0.11, U * 0.085, 0, (nx, ny) => sphereShade(DUCK_HEAD, nx, ny, 0.45, 0.55));
    b.polygon(
      [
        [U * 0.41, -U * 0.42],
        [U * 0.56, -U * 0.38],
        [U * 0.55, -U * 0.355],
        [U * 0.41, -U * 0.37],
      ],
      (_u, v) => scale(DUCK_BILL, 1.1 - 0.2 * v),
    );
    b.ellipse(U * 0.37, -U * 0.425, U * 0.016, U * 0.016, 0, () => [12, 12, 12]);
    return b.build();
  },
};
