import { describe, expect, it } from 'vitest';
import { tokenize } from '../../guidelines/tokenize.ts';
import { FigureAccumulator, integerBins, motionVerbLemmas, rangeBins, renderFigures, TOP_VERBS, type FigureData } from './index.ts';
import { barChart, niceScale, num } from './svg.ts';

interface XmlNode {
  name: string;
  attrs: Record<string, string>;
  children: XmlNode[];
  text: string;
}

/**
 * A strict parser for the XML subset the figures use (elements, double-quoted attributes, text,
 * the five predefined entities): throws on anything not well-formed, so a figure that parses here
 * is one every SVG reader accepts.
 */
function parseXml(src: string): XmlNode {
  let i = 0;
  const decode = (s: string) => {
    if (/&(?!(amp|lt|gt|quot|apos);)/.test(s)) throw new Error(`bad entity in ${JSON.stringify(s)}`);
    if (/[<>]/.test(s.replace(/&[a-z]+;/g, ''))) throw new Error(`raw < or > in ${JSON.stringify(s)}`);
    return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
  };
  function element(): XmlNode {
    const open = /^<([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/.exec(src.slice(i));
    if (!open) throw new Error(`expected an element at ${i}: ${src.slice(i, i + 40)}`);
    i += open[0].length;
    const attrs: Record<string, string> = {};
    for (const m of open[2]!.matchAll(/([\w:-]+)="([^"]*)"/g)) {
      if (m[1]! in attrs) throw new Error(`duplicate attribute ${m[1]}`);
      attrs[m[1]!] = decode(m[2]!);
    }
    const node: XmlNode = { name: open[1]!, attrs, children: [], text: '' };
    if (open[3]) return node;
    for (;;) {
      const close = `</${node.name}>`;
      if (src.startsWith(close, i)) {
        i += close.length;
        return node;
      }
      if (src.startsWith('</', i)) throw new Error(`mismatched close at ${i}: ${src.slice(i, i + 20)} (open ${node.name})`);
      if (src[i] === '<') node.children.push(element());
      else {
        const end = src.indexOf('<', i);
        if (end < 0) throw new Error(`unclosed ${node.name}`);
        node.text += decode(src.slice(i, end));
        i = end;
      }
    }
  }
  const root = element();
  if (src.slice(i).trim() !== '') throw new Error('content after the root element');
  return root;
}

const all = (n: XmlNode, pred: (n: XmlNode) => boolean): XmlNode[] => [...(pred(n) ? [n] : []), ...n.children.flatMap((c) => all(c, pred))];
const barsOf = (svg: string) => all(parseXml(svg), (n) => n.name === 'rect' && n.attrs.class === 'bar').map((b) => ({ label: b.attrs['data-label']!, value: Number(b.attrs['data-value']), height: Number(b.attrs.height), width: Number(b.attrs.width) }));

const SENTENCES: [string, number][] = [
  ['the bird flying away', 1],
  ['the two dogs turning around and running to the left', 2],
  ['the fast-moving car', 1],
  ['the cat that jumps onto the table & walks off', 1],
  ['a bird flew past the "nest" < tree', 0],
  ['the dog running', 1],
];

function feed(order: [string, number][]): FigureData {
  const acc = new FigureAccumulator();
  for (const [text, targets] of order) acc.expression({ text, targets });
  for (const [objects, expressions] of [[3, 2], [3, 4], [5, 0]] as const) acc.video({ objects, expressions });
  for (const [durationMs, wpm] of [[1200, 95], [2500, 130.5], [2999, null], [17_000, 310]] as const) acc.clip({ durationMs, wpm });
  return acc.result();
}

describe('release figures', () => {
  it('finds motion verbs as lemmas with the guideline lexicon: single verbs, phrase heads, compounds', () => {
    const lemmas = (t: string) => motionVerbLemmas(tokenize(t)).sort();
    expect(lemmas('the bird flying away')).toEqual(['fly']);
    expect(lemmas('the two dogs turning around and running to the left')).toEqual(['run', 'turn']);
    expect(lemmas('the fast-moving car')).toEqual(['move']);
    // Each verb once per expression, whatever its forms.
    expect(lemmas('the dog that runs and then is running again').filter((l) => l === 'run')).toEqual(['run']);
    expect(lemmas('the red car')).toEqual([]);
  });

  it('counts the same whatever order the rows come in', () => {
    const a = feed(SENTENCES);
    const b = feed([...SENTENCES].reverse());
    expect(b).toEqual(a);
    expect(renderFigures(b)).toEqual(renderFigures(a));
    expect(a.targets).toEqual([[0, 1], [1, 4], [2, 1]]);
    expect(a.objectsPerVideo).toEqual([[3, 2], [5, 1]]);
    expect(a.durationSeconds).toEqual([[1, 1], [2, 2], [17, 1]]);
    // A clip without a rate is in the durations, not in the rates.
    expect(a.wpm).toEqual([[80, 1], [120, 1], [300, 1]]);
    // Most frequent first ("flying" and "flew" are one verb), ties by lemma.
    expect(a.verbs.slice(0, 2)).toEqual([['fly', 2], ['run', 2]]);
    expect(a.verbs.slice(2).every(([, c]) => c === 1)).toBe(true);
    expect(a.verbs.slice(2).map(([v]) => v)).toEqual([...a.verbs.slice(2).map(([v]) => v)].sort());
  });

  it('writes well-formed SVG whose bars are the data, with labels escaped', () => {
    const data = feed(SENTENCES);
    const figures = renderFigures(data);
    expect(figures.map((f) => f.path)).toEqual([
      'figures/expression_length.svg',
      'figures/motion_verbs.svg',
      'figures/targets_per_expression.svg',
      'figures/objects_per_video.svg',
      'figures/expressions_per_video.svg',
      'figures/audio_duration.svg',
      'figures/audio_wpm.svg',
    ]);
    for (const f of figures) {
      const root = parseXml(f.svg);
      expect(root.name).toBe('svg');
      expect(root.attrs.xmlns).toBe('http://www.w3.org/2000/svg');
      expect(root.children[0]).toMatchObject({ name: 'title', text: f.title });
      // No clock, no random ids, fixed decimals.
      expect(f.svg).not.toMatch(/\d\.\d{2,}|NaN|Infinity|id="/);
    }
    const svg = (name: string) => figures.find((f) => f.path === `figures/${name}.svg`)!.svg;
    // Words per expression: a histogram from 1 word to the longest, zero where none.
    const words = barsOf(svg('expression_length'));
    const wordCounts = SENTENCES.map(([t]) => tokenize(t).length);
    expect(words.map((b) => b.label)).toEqual(Array.from({ length: Math.max(...wordCounts) }, (_, i) => String(i + 1)));
    expect(words.map((b) => b.value)).toEqual(words.map((b) => wordCounts.filter((w) => String(w) === b.label).length));
    expect(words.reduce((s, b) => s + b.value, 0)).toBe(SENTENCES.length);
    // Taller bars for larger counts; an empty bin has no height.
    for (const b of words) expect(b.height === 0).toBe(b.value === 0);
    expect(barsOf(svg('targets_per_expression'))).toMatchObject([{ label: '0', value: 1 }, { label: '1', value: 4 }, { label: '2', value: 1 }]);
    expect(barsOf(svg('objects_per_video')).map((b) => [b.label, b.value])).toEqual([['0', 0], ['1', 0], ['2', 0], ['3', 2], ['4', 0], ['5', 1]]);
    expect(barsOf(svg('expressions_per_video')).map((b) => b.value)).toEqual([1, 0, 1, 0, 1]);
    expect(barsOf(svg('motion_verbs')).map((b) => [b.label, b.value])).toEqual(data.verbs.map(([v, c]) => [v, c]));
    // Durations: 1-second bins, everything from 15 s in the last.
    const dur = barsOf(svg('audio_duration'));
    expect(dur.at(-1)).toMatchObject({ label: '15+', value: 1 });
    expect(dur.map((b) => b.value).reduce((s, v) => s + v, 0)).toBe(4);
    expect(barsOf(svg('audio_wpm')).at(-1)).toMatchObject({ label: '300+', value: 1 });
    // A label with markup in it is text, not markup.
    const odd = barChart({ title: 'a & b <c>', valueLabel: '"n"', categoryLabel: "it's", bars: [{ label: '<&>', value: 2 }] });
    expect(barsOf(odd)).toEqual([expect.objectContaining({ label: '<&>', value: 2 })]);
    expect(parseXml(odd).children[0]!.text).toBe('a & b <c>');
  });

  it('leaves out audio figures without clips, keeps only the top verbs, and bins tails', () => {
    const acc = new FigureAccumulator();
    const verbs = ['walk', 'jump', 'crawl', 'roll', 'turn', 'climb', 'dance', 'skip', 'hop', 'push', 'pull', 'kick', 'carry', 'drag', 'chase', 'follow', 'wander', 'trot', 'gallop', 'hover', 'dodge', 'glide'];
    verbs.forEach((v, i) => {
      for (let k = 0; k <= i; k++) acc.expression({ text: `the dog that will ${v} away`, targets: 1 });
    });
    acc.video({ objects: 2, expressions: 10 });
    const figures = renderFigures(acc.result());
    expect(figures.map((f) => f.path)).not.toContain('figures/audio_duration.svg');
    const top = barsOf(figures.find((f) => f.path === 'figures/motion_verbs.svg')!.svg);
    expect(top).toHaveLength(TOP_VERBS);
    expect(top[0]).toMatchObject({ label: 'glide', value: verbs.length });
    expect(integerBins([[1, 2], [12, 3], [40, 1]], 0, 10).at(-1)).toEqual({ label: '10+', value: 4 });
    expect(integerBins([[3, 1]], 0, 10).map((b) => b.label)).toEqual(['0', '1', '2', '3']);
    expect(rangeBins([[0, 1], [40, 2]], 20, 300).map((b) => b.label)).toEqual(['0–20', '20–40', '40–60']);
    expect(rangeBins([], 20, 300)).toEqual([]);
  });

  it('formats numbers one way and scales axes to round tops', () => {
    expect([num(0), num(-0.01), num(12.25), num(3.04), num(1 / 3)]).toEqual(['0', '0', '12.3', '3', '0.3']);
    expect(niceScale(0)).toEqual({ top: 1, step: 1 });
    expect(niceScale(3)).toEqual({ top: 3, step: 1 });
    expect(niceScale(37)).toEqual({ top: 40, step: 10 });
    expect(niceScale(33_072)).toEqual({ top: 40_000, step: 10_000 });
  });
});
