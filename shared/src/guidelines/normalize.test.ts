import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeExpression } from './normalize.ts';

describe('normalizeExpression', () => {
  it.each([
    ['The Bird Flying Away.', 'bird flying away'],
    ['  the   bird\tflying\naway  ', 'bird flying away'],
    ['A dog, an owl and THE cat!', 'dog owl and cat'],
    ["the dog's owner", 'dogs owner'],
    ['the dog’s owner', 'dogs owner'],
    ['the man in the T-shirt', 'man in tshirt'],
    ['counter-clockwise', 'counterclockwise'],
    ['ｔｈｅ ｂｉｒｄ', 'bird'],
    ['cafe\u0301 dog', 'café dog'],
    ['the 2 dogs (running)', '2 dogs running'],
    ['🐕 the dog 🏃 running', 'dog running'],
    ['the Σ ΑΣ', 'σ ας'],
    ['الطائر يطير', 'الطائر يطير'],
    ['the', ''],
    ['', ''],
    ['?!…', ''],
  ])('%j → %j', (input, expected) => expect(normalizeExpression(input)).toBe(expected));

  it('keeps words that merely contain an article', () => {
    expect(normalizeExpression('then the theatre an anteater')).toBe('then theatre anteater');
  });

  it('is idempotent on any text', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 60 }), fc.string({ unit: 'grapheme', maxLength: 60 })), (s) => {
        const once = normalizeExpression(s);
        expect(normalizeExpression(once)).toBe(once);
      }),
      { numRuns: 2000 },
    );
  });

  it('is idempotent across joiners next to combining marks', () => {
    for (const s of ["e'\u0301", 'a-\u0308b', '\u0301x', "x '\u0301"]) {
      const once = normalizeExpression(s);
      expect(normalizeExpression(once), JSON.stringify(s)).toBe(once);
    }
  });

  it('yields single-spaced article-free words', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 80 }), (s) => {
        const out = normalizeExpression(s);
        expect(out).not.toMatch(/^\s|\s$|\s\s/);
        for (const w of out.split(' ')) expect(['a', 'an', 'the']).not.toContain(w);
      }),
    );
  });
});
