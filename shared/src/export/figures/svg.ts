/**
 * Bar charts as minimal hand-written SVG, for the figures a release ships (figures/*.svg).
 *
 * Why not a charting library: a bar chart is a handful of <rect>s and <text>s, and a release must
 * be byte-reproducible. A library would add a dependency whose output (number formatting, ids,
 * generator comments, layout rounding) could change with any upgrade and change old releases'
 * bytes with it. Here every number is formatted by `num` (fixed decimals), every bar comes in the
 * order given, and nothing depends on a clock or a locale.
 */

export interface Bar {
  label: string;
  value: number;
}

export interface BarChart {
  title: string;
  /** What the bars count ("expressions"), on the value axis. */
  valueLabel: string;
  /** What the categories are ("words per expression"), on the category axis. */
  categoryLabel: string;
  bars: readonly Bar[];
  /** Horizontal bars suit long labels (verbs); vertical ones histograms. */
  orientation?: 'vertical' | 'horizontal';
}

const WIDTH = 640;
const FONT = 12;
const COLOUR = '#d9480f';

/** One decimal, no locale, no "-0": the same number always prints the same. */
export function num(x: number): string {
  const s = (Math.round(x * 10) / 10).toFixed(1);
  return s === '-0.0' ? '0.0' : s.replace(/\.0$/, '');
}

export function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** A round axis maximum (1, 2, 5 × 10^k) at or above `max`, and its tick step (4–5 ticks). */
export function niceScale(max: number): { top: number; step: number } {
  if (max <= 0) return { top: 1, step: 1 };
  const raw = max / 4;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw)!;
  // Integer counts: a step below 1 would label ticks 0.25, 0.5 …
  const whole = Math.max(1, step);
  return { top: Math.ceil(max / whole) * whole, step: whole };
}

const attrs = (a: Record<string, string | number>) =>
  Object.entries(a)
    .map(([k, v]) => `${k}="${typeof v === 'number' ? num(v) : escapeXml(v)}"`)
    .join(' ');

function frame(width: number, height: number, title: string, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" ${attrs({ width, height, viewBox: `0 0 ${width} ${height}`, 'font-family': 'sans-serif', 'font-size': FONT })}>`,
    `<title>${escapeXml(title)}</title>`,
    `<rect ${attrs({ width, height, fill: '#ffffff' })}/>`,
    `<text ${attrs({ x: width / 2, y: 20, 'text-anchor': 'middle', 'font-size': 14 })}>${escapeXml(title)}</text>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

/** A bar: its label and value in attributes (what a reader, or a test, reads back) and a tooltip. */
const bar = (b: Bar, box: { x: number; y: number; width: number; height: number }) =>
  `<rect ${attrs({ class: 'bar', ...box, fill: COLOUR, 'data-label': b.label, 'data-value': String(b.value) })}><title>${escapeXml(`${b.label}: ${b.value}`)}</title></rect>`;

export function barChart(c: BarChart): string {
  return c.orientation === 'horizontal' ? horizontal(c) : vertical(c);
}

function vertical(c: BarChart): string {
  const height = 360;
  const left = 56;
  const right = 16;
  const top = 36;
  const bottom = 64;
  const plotW = WIDTH - left - right;
  const plotH = height - top - bottom;
  const { top: max, step } = niceScale(Math.max(0, ...c.bars.map((b) => b.value)));
  const slot = plotW / Math.max(1, c.bars.length);
  const barW = Math.max(1, slot * 0.8);
  // Every label when they fit; otherwise every n-th (the bars keep theirs in data-label).
  const every = Math.max(1, Math.ceil((c.bars.length * 7 * Math.max(1, ...c.bars.map((b) => b.label.length))) / plotW));
  const body: string[] = [`<g class="axis">`];
  for (let v = 0; v <= max; v += step) {
    const y = top + plotH - (v / max) * plotH;
    body.push(`<line ${attrs({ x1: left, y1: y, x2: left + plotW, y2: y, stroke: '#dddddd' })}/>`);
    body.push(`<text ${attrs({ x: left - 6, y: y + 4, 'text-anchor': 'end' })}>${v}</text>`);
  }
  c.bars.forEach((b, i) => {
    if (i % every === 0) body.push(`<text ${attrs({ x: left + slot * i + slot / 2, y: top + plotH + 16, 'text-anchor': 'middle' })}>${escapeXml(b.label)}</text>`);
  });
  body.push(`<text ${attrs({ x: left + plotW / 2, y: height - 20, 'text-anchor': 'middle' })}>${escapeXml(c.categoryLabel)}</text>`);
  body.push(`<text ${attrs({ x: 16, y: top + plotH / 2, 'text-anchor': 'middle', transform: `rotate(-90 16 ${num(top + plotH / 2)})` })}>${escapeXml(c.valueLabel)}</text>`);
  body.push('</g>', '<g class="bars">');
  c.bars.forEach((b, i) => {
    const h = (b.value / max) * plotH;
    body.push(bar(b, { x: left + slot * i + (slot - barW) / 2, y: top + plotH - h, width: barW, height: h }));
  });
  body.push('</g>');
  return frame(WIDTH, height, c.title, body);
}

function horizontal(c: BarChart): string {
  const row = 20;
  const left = 120;
  const right = 56;
  const top = 36;
  const bottom = 44;
  const plotW = WIDTH - left - right;
  const plotH = row * Math.max(1, c.bars.length);
  const height = top + plotH + bottom;
  const { top: max, step } = niceScale(Math.max(0, ...c.bars.map((b) => b.value)));
  const body: string[] = [`<g class="axis">`];
  for (let v = 0; v <= max; v += step) {
    const x = left + (v / max) * plotW;
    body.push(`<line ${attrs({ x1: x, y1: top, x2: x, y2: top + plotH, stroke: '#dddddd' })}/>`);
    body.push(`<text ${attrs({ x, y: top + plotH + 16, 'text-anchor': 'middle' })}>${v}</text>`);
  }
  c.bars.forEach((b, i) => body.push(`<text ${attrs({ x: left - 6, y: top + row * i + row / 2 + 4, 'text-anchor': 'end' })}>${escapeXml(b.label)}</text>`));
  body.push(`<text ${attrs({ x: left + plotW / 2, y: height - 10, 'text-anchor': 'middle' })}>${escapeXml(c.valueLabel)}</text>`);
  body.push('</g>', '<g class="bars">');
  c.bars.forEach((b, i) => {
    const w = (b.value / max) * plotW;
    body.push(bar(b, { x: left, y: top + row * i + 3, width: w, height: row - 6 }));
    body.push(`<text ${attrs({ x: left + w + 4, y: top + row * i + row / 2 + 4 })}>${b.value}</text>`);
  });
  body.push('</g>');
  return frame(WIDTH, height, c.title, body);
}
