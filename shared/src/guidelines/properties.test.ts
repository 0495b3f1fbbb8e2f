import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkExpression, type CheckContext, type Finding, type GuidelineLimits } from './index.ts';
import { FINDING_CODES } from './findings.ts';

const phrases = ['the', 'white', 'dog', 'running', 'to the left', 'stays still', 'in a hat', 'a long way', 'round', '🐕', 'الكلب يركض', 'כלב רץ', '\u200f', '\u0301', "dog's", 'T-shirt', '...', '  ', '\n', '\t'];
const text = fc.oneof(
  fc.string({ unit: 'grapheme', maxLength: 120 }),
  fc.string({ unit: 'binary', maxLength: 120 }),
  fc.array(fc.constantFrom(...phrases), { maxLength: 30 }).map((p) => p.join(' ')),
);
const context = fc.record({
  existingTexts: fc.array(text, { maxLength: 5 }),
  moving: fc.array(fc.tuple(fc.integer({ min: 0, max: 5 }), fc.boolean()), { maxLength: 6 }),
});
const targets = fc.array(fc.integer({ min: 0, max: 6 }), { maxLength: 4 });

/** A copy of the server's `cleanText` (server/src/services/annotation.ts): the stored text it checks. */
const serverClean = (text: string) => text.normalize('NFC').trim().replace(/\s+/g, ' ');

function run(t: string, ts: number[], c: { existingTexts: string[]; moving: [number, boolean][]; limits?: Partial<GuidelineLimits> }): Finding[] {
  const ctx: CheckContext = { existingTexts: c.existingTexts, motion: new Map(c.moving.map(([id, moving]) => [id, { moving }])), limits: c.limits };
  return checkExpression({ text: t, targets: ts }, ctx);
}

describe('checkExpression on arbitrary input', () => {
  it('never throws, is deterministic, and reports each code once in the fixed order', () => {
    fc.assert(
      fc.property(text, targets, context, (t, ts, c) => {
        const first = run(t, ts, c);
        expect(run(t, ts, structuredClone(c))).toEqual(first);
        const order = first.map((f) => (f.severity === 'error' ? 0 : 100) + FINDING_CODES.indexOf(f.code));
        expect(order).toEqual([...order].sort((a, b) => a - b));
        expect(new Set(first.map((f) => f.code)).size).toBe(first.length);
        for (const f of first) expect(f.message.length).toBeGreaterThan(0);
      }),
      { numRuns: 1500 },
    );
  });

  it('gives the browser (raw draft) and the server (cleaned, stored text) the same findings', () => {
    const messy = fc.tuple(text, fc.constantFrom('', ' ', '\n\t ', '\u00a0'), fc.constantFrom('', ' ', '  \n')).map(([t, a, b]) => `${a}${t.replace(/ /g, '  ')}${b}`);
    // Small character limits so that any difference in what is counted shows.
    const limits = fc.record({ maxChars: fc.integer({ min: 1, max: 60 }) });
    fc.assert(
      fc.property(messy, targets, context, limits, (t, ts, c, l) => {
        expect(run(t, ts, { ...c, limits: l })).toEqual(run(serverClean(t), ts, { ...c, limits: l }));
      }),
      { numRuns: 1000 },
    );
  });

  it('treats decomposed and composed accents alike', () => {
    const ctx = { existingTexts: ['the café owner running'], moving: [] as [number, boolean][] };
    expect(run('the cafe\u0301 owner running', [1], ctx)).toEqual(run('the café owner running', [1], ctx));
    expect(run('the cafe\u0301 owner running', [1], ctx).map((f) => f.code)).toEqual(['duplicate']);
  });

  it('copes with very long input', () => {
    const unit = 'the white 🐕 dog الكلب running to the left, then stops! ';
    const huge = unit.repeat(Math.ceil(200_000 / unit.length));
    const existing = [unit.repeat(3), 'the white dog running to the left'];
    const findings = run(huge, [], { existingTexts: existing, moving: [] });
    expect(findings.map((f) => f.code)).toEqual(['too_long', 'static_attributes']);
  });

  it('survives malformed values from untyped callers', () => {
    const bad = { text: undefined, targets: null } as unknown as { text: string; targets: number[] };
    expect(() => checkExpression(bad, { motion: undefined, existingTexts: undefined } as unknown as CheckContext)).not.toThrow();
    expect(checkExpression(bad, { motion: new Map(), existingTexts: [42 as unknown as string, 'ok'] }).map((f) => f.code)).toEqual(['too_short']);
  });
});
