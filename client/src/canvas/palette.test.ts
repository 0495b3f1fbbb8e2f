import { describe, expect, it } from 'vitest';
import { OBJECT_COLORS } from './palette.ts';

// Colour-vision deficiency simulation (Machado, Oliveira & Fernandes 2009, severity 1.0, applied in
// linear RGB) and CIE76 ΔE in CIELAB (D65): enough to tell whether two mask colours stay apart.
const MACHADO = {
  deuteranopia: [
    [0.367322, 0.860646, -0.227968],
    [0.280085, 0.672501, 0.047413],
    [-0.01182, 0.04294, 0.968881],
  ],
  protanopia: [
    [0.152286, 1.052583, -0.204868],
    [0.114503, 0.786281, 0.099216],
    [-0.003882, -0.048116, 1.051998],
  ],
} as const;
type Rgb = readonly [number, number, number];
const toLinear = (v: number) => ((v /= 255) <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
const toSrgb = (v: number) => 255 * ((v = Math.min(1, Math.max(0, v))) <= 0.0031308 ? 12.92 * v : 1.055 * v ** (1 / 2.4) - 0.055);
const simulate = (c: Rgb, m: readonly (readonly number[])[]): Rgb => {
  const l = c.map(toLinear);
  return m.map((r) => toSrgb(r[0]! * l[0]! + r[1]! * l[1]! + r[2]! * l[2]!)) as unknown as Rgb;
};
function lab(c: Rgb): Rgb {
  const [r, g, b] = c.map(toLinear) as unknown as Rgb;
  const f = (t: number) => (t > 0.008856 ? Math.cbrt(t) : 7.787 * t + 16 / 116);
  const x = f((0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047);
  const y = f(0.2126 * r + 0.7152 * g + 0.0722 * b);
  const z = f((0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883);
  return [116 * y - 16, 500 * (x - y), 200 * (y - z)];
}
const deltaE = (a: Rgb, b: Rgb) => Math.hypot(...lab(a).map((v, i) => v - lab(b)[i]!));

function closestPair(colors: readonly Rgb[]) {
  let min = Infinity;
  for (let i = 0; i < colors.length; i++) for (let j = i + 1; j < colors.length; j++) min = Math.min(min, deltaE(colors[i]!, colors[j]!));
  return min;
}

describe('object palette', () => {
  // The first eight objects (most videos have fewer) keep a clear difference for normal,
  // deuteranopic and protanopic vision; beyond them, colours may come close and the object
  // number drawn on every mask tells them apart.
  it('the first eight colours stay apart (ΔE ≥ 12) with normal vision, deuteranopia and protanopia', () => {
    const first = OBJECT_COLORS.slice(0, 8);
    expect(closestPair(first)).toBeGreaterThanOrEqual(12);
    for (const [name, m] of Object.entries(MACHADO)) expect(closestPair(first.map((c) => simulate(c, m))), name).toBeGreaterThanOrEqual(12);
  });
  it('the simulation itself separates what it should: red and green collapse for deuteranopes', () => {
    expect(deltaE([200, 30, 30], [30, 160, 30])).toBeGreaterThan(60);
    expect(deltaE(simulate([200, 30, 30], MACHADO.deuteranopia), simulate([30, 160, 30], MACHADO.deuteranopia))).toBeLessThan(deltaE([200, 30, 30], [30, 160, 30]) / 2);
  });
});
