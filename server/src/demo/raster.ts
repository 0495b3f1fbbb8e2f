/**
 * Hard-edged rasterisation: a pixel belongs to a shape iff its centre is inside, with no
 * anti-aliasing. That is what keeps the masks exact: every pixel an object paints is a mask
 * pixel of that object, and nothing else is.
 */

export type RGB = [number, number, number];

/** An object drawing in its own pixel grid; blitting at an integer position only translates it. */
export interface Sprite {
  width: number;
  height: number;
  /** Offset of the sprite's top-left pixel from the object's anchor (feet / waterline centre). */
  left: number;
  top: number;
  mask: Uint8Array;
  rgb: Uint8Array;
}

/**
 * (u, v): for ellipses the point on the unit disc in screen orientation (so it doubles as the
 * surface normal for lighting); for polygons the bounding box as [-1, 1]. (x, y) are object
 * coordinates (x forward), for textures that must not flip with the direction.
 */
type Paint = (u: number, v: number, x: number, y: number) => RGB;

interface Primitive {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
  /** Whether the point is inside; if so, its (u, v) are left in `uv`. */
  hit(x: number, y: number, uv: Float64Array): boolean;
  paint: Paint;
}

const LIGHT = normalize([-0.45, -0.75, 0.5]);
const HALF = normalize([LIGHT[0], LIGHT[1], LIGHT[2] + 1]);

function normalize(v: [number, number, number]): [number, number, number] {
  const l = Math.hypot(v[0], v[1], v[2]);
  return [v[0] / l, v[1] / l, v[2] / l];
}

export function clamp255(v: number): number {
  return v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
}

/**
 * Lights a point on an ellipsoid whose silhouette is the unit disc (nx, ny), with one light from
 * the upper left, so plain ellipses read as rounded bodies.
 */
export function sphereShade(base: RGB, nx: number, ny: number, gloss = 0.15, ambient = 0.5): RGB {
  const nz = Math.sqrt(Math.max(0, 1 - nx * nx - ny * ny));
  const diffuse = Math.max(0, nx * LIGHT[0] + ny * LIGHT[1] + nz * LIGHT[2]);
  const spec = gloss * Math.pow(Math.max(0, nx * HALF[0] + ny * HALF[1] + nz * HALF[2]), 24);
  const k = ambient + (1 - ambient) * 1.25 * diffuse;
  return [clamp255(base[0] * k + 255 * spec), clamp255(base[1] * k + 255 * spec), clamp255(base[2] * k + 255 * spec)];
}

export function mix(a: RGB, b: RGB, t: number): RGB {
  return [a[0] + (b[0] - a[0]) * t, a[1] + (b[1] - a[1]) * t, a[2] + (b[2] - a[2]) * t];
}

export function scale(c: RGB, k: number): RGB {
  return [c[0] * k, c[1] * k, c[2] * k];
}

/**
 * Collects primitives in painting order (later ones on top) and rasterises them into a Sprite.
 * `dir` mirrors the drawing horizontally (object coordinates point forward when x > 0), while
 * the light stays fixed in screen space.
 */
export class SpriteBuilder {
  private readonly prims: Primitive[] = [];
  /** `clipBelow`: nothing is drawn under this y (a waterline hides the rest of a floating body). */
  constructor(
    private readonly dir: 1 | -1 = 1,
    private readonly clipBelow = Infinity,
  ) {}

  ellipse(cx: number, cy: number, rx: number, ry: number, angle: number, paint: Paint): this {
    const x = cx * this.dir;
    const a = angle * this.dir;
    const c = Math.cos(a);
    const s = Math.sin(a);
    const ex = Math.sqrt(rx * rx * c * c + ry * ry * s * s);
    const ey = Math.sqrt(rx * rx * s * s + ry * ry * c * c);
    this.prims.push({
      minX: x - ex,
      maxX: x + ex,
      minY: cy - ey,
      maxY: cy + ey,
      hit: (px, py, uv) => {
        const dx = px - x;
        const dy = py - cy;
        const u = (dx * c + dy * s) / rx;
        const v = (-dx * s + dy * c) / ry;
        if (u * u + v * v > 1) return false;
        uv[0] = u * c - v * s;
        uv[1] = u * s + v * c;
        return true;
      },
      paint,
    });
    return this;
  }

  /** Polygon in object coordinates; (u, v) span its bounding box as [-1, 1]. */
  polygon(points: [number, number][], paint: Paint): this {
    const pts = points.map(([px, py]) => [px * this.dir, py] as [number, number]);
    const xs = pts.map((p) => p[0]);
    const ys = pts.map((p) => p[1]);
    const minX = Math.min(...xs);
    const maxX = Math.max(...xs);
    const minY = Math.min(...ys);
    const maxY = Math.max(...ys);
    this.prims.push({
      minX,
      maxX,
      minY,
      maxY,
      hit: (px, py, uv) => {
        let inside = false;
        for (let i = 0, j = pts.length - 1; i < pts.length; j = i++) {
          const [xi, yi] = pts[i]!;
          const [xj, yj] = pts[j]!;
          if (yi > py !== yj > py && px < ((xj - xi) * (py - yi)) / (yj - yi) + xi) inside = !inside;
        }
        if (!inside) return false;
        uv[0] = (2 * (px - minX)) / (maxX - minX) - 1;
        uv[1] = (2 * (py - minY)) / (maxY - minY) - 1;
        return true;
      },
      paint,
    });
    return this;
  }

  /** Axis-aligned box from (x0, y0) to (x1, y1) in object coordinates. */
  rect(x0: number, y0: number, x1: number, y1: number, paint: Paint): this {
    return this.polygon(
      [
        [x0, y0],
        [x1, y0],
        [x1, y1],
        [x0, y1],
      ],
      paint,
    );
  }

  build(): Sprite {
    const left = Math.floor(Math.min(...this.prims.map((p) => p.minX)));
    const top = Math.floor(Math.min(...this.prims.map((p) => p.minY)));
    const width = Math.ceil(Math.max(...this.prims.map((p) => p.maxX))) - left;
    const height = Math.ceil(Math.min(this.clipBelow, Math.max(...this.prims.map((p) => p.maxY)))) - top;
    const mask = new Uint8Array(width * height);
    const rgb = new Uint8Array(width * height * 3);
    // Each pixel is painted once, by the topmost primitive covering it (no overdraw).
    const order = [...this.prims].reverse();
    const uv = new Float64Array(2);
    for (let j = 0; j < height; j++) {
      const y = top + j + 0.5;
      if (y > this.clipBelow) break;
      const row = order.filter((p) => p.minY <= y && y <= p.maxY);
      for (let i = 0; i < width; i++) {
        const x = left + i + 0.5;
        for (const p of row) {
          if (x < p.minX || x > p.maxX) continue;
          if (!p.hit(x, y, uv)) continue;
          const c = p.paint(uv[0], uv[1], x * this.dir, y);
          const k = j * width + i;
          mask[k] = 1;
          rgb[3 * k] = clamp255(c[0]);
          rgb[3 * k + 1] = clamp255(c[1]);
          rgb[3 * k + 2] = clamp255(c[2]);
          break;
        }
      }
    }
    return { width, height, left, top, mask, rgb };
  }
}

/** A frame being drawn: RGB pixels plus the object id that owns each pixel (0 = background). */
export interface Canvas {
  width: number;
  height: number;
  rgb: Uint8Array;
  labels: Uint8Array;
}

/** Paints the sprite with its anchor at integer (x, y); later blits cover earlier ones. */
export function blit(canvas: Canvas, sprite: Sprite, x: number, y: number, id: number): void {
  const ox = x + sprite.left;
  const oy = y + sprite.top;
  const i0 = Math.max(0, -ox);
  const i1 = Math.min(sprite.width, canvas.width - ox);
  const j0 = Math.max(0, -oy);
  const j1 = Math.min(sprite.height, canvas.height - oy);
  for (let j = j0; j < j1; j++) {
    let s = j * sprite.width + i0;
    let d = (oy + j) * canvas.width + ox + i0;
    for (let i = i0; i < i1; i++, s++, d++) {
      if (!sprite.mask[s]) continue;
      canvas.labels[d] = id;
      canvas.rgb[3 * d] = sprite.rgb[3 * s]!;
      canvas.rgb[3 * d + 1] = sprite.rgb[3 * s + 1]!;
      canvas.rgb[3 * d + 2] = sprite.rgb[3 * s + 2]!;
    }
  }
}

/**
 * Darkens the ground under an object with a soft elliptical shadow. Shadows are ground, not
 * object (as in DAVIS masks), so they touch pixels only and never labels; they are drawn before
 * any object.
 */
export function shadow(canvas: Canvas, cx: number, cy: number, rx: number, ry: number, strength: number): void {
  const x0 = Math.max(0, Math.floor(cx - rx));
  const x1 = Math.min(canvas.width - 1, Math.ceil(cx + rx));
  const y0 = Math.max(0, Math.floor(cy - ry));
  const y1 = Math.min(canvas.height - 1, Math.ceil(cy + ry));
  for (let y = y0; y <= y1; y++) {
    const v = (y + 0.5 - cy) / ry;
    for (let x = x0; x <= x1; x++) {
      const u = (x + 0.5 - cx) / rx;
      const d = u * u + v * v;
      if (d >= 1) continue;
      const k = 1 - strength * (1 - d) * (1 - d);
      const p = 3 * (y * canvas.width + x);
      canvas.rgb[p] = Math.round(canvas.rgb[p]! * k);
      canvas.rgb[p + 1] = Math.round(canvas.rgb[p + 1]! * k);
      canvas.rgb[p + 2] = Math.round(canvas.rgb[p + 2]! * k);
    }
  }
}
