/**
 * Object colours, safe for colour-blind viewers: Okabe & Ito's eight (without black, which
 * vanishes on dark frames) followed by Paul Tol's "muted" set; beyond 16 objects colours repeat
 * and the id labels tell objects apart.
 */
export const OBJECT_COLORS: readonly (readonly [number, number, number])[] = [
  [230, 159, 0], // orange
  [86, 180, 233], // sky blue
  [0, 158, 115], // bluish green
  [240, 228, 66], // yellow
  [0, 114, 178], // blue
  [213, 94, 0], // vermillion
  [204, 121, 167], // reddish purple
  [136, 204, 238], // Tol cyan
  [68, 170, 153], // Tol teal
  [17, 119, 51], // Tol green
  [153, 153, 51], // Tol olive
  [221, 204, 119], // Tol sand
  [204, 102, 119], // Tol rose
  [136, 34, 85], // Tol wine
  [170, 68, 153], // Tol purple
  [51, 34, 136], // Tol indigo
];

/** Colour of the i-th object of a video (objects sorted by their id). */
export function objectColor(index: number): readonly [number, number, number] {
  return OBJECT_COLORS[index % OBJECT_COLORS.length]!;
}

export function cssColor(rgb: readonly [number, number, number]): string {
  return `rgb(${rgb[0]}, ${rgb[1]}, ${rgb[2]})`;
}

/** RGBA packed for a little-endian Uint32Array view over ImageData (every browser we target). */
export function packRgba(rgb: readonly [number, number, number], alpha = 255): number {
  return ((alpha << 24) | (rgb[2] << 16) | (rgb[1] << 8) | rgb[0]) >>> 0;
}
