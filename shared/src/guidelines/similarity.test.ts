import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LIMITS } from './limits.ts';
import { normalizeExpression } from './normalize.ts';
import { expressionSimilarity } from './similarity.ts';

const threshold = DEFAULT_LIMITS.nearDuplicate;

describe('near duplicates (at or above the default threshold)', () => {
  it.each([
    ['the dog running to the left', 'a dog runs to the left'],
    ['the bird flying away', 'The bird flies away.'],
    ['the bird that is flying away', 'bird flying away'],
    ['the car that turns left and then stops', 'the car turning left and stopping'],
    ['two lions fighting with each other', 'the two lions fight each other'],
    ['the dog that is not moving', "the dog that isn't moving"],
    ['the 2 dogs running', 'the two dogs running'],
    ['the cat moving counter-clockwise', 'the cat moving anticlockwise'],
    ['the man in the grey coat walking', 'the man in the gray coat walks'],
    ['the person who is standing still the whole time', 'the person who stands still the whole time'],
  ])('%s ≈ %s', (a, b) => expect(expressionSimilarity(a, b)).toBeGreaterThanOrEqual(threshold));
});

describe('different expressions (below the default threshold)', () => {
  it.each([
    // direction words decide the target
    ['the dog running to the left', 'the dog running to the right'],
    ['the dog running to the car', 'the dog running from the car'],
    ['the bird flying up', 'the bird flying down'],
    // one object or several
    ['the bird flying', 'the birds flying'],
    // negation
    ['the dog that is moving', "the dog that isn't moving"],
    // another motion
    ['the dog running', 'the dog walking'],
    ['the bird flying away', 'the bird flying away quickly'],
    // order of objects
    ['the first car turning', 'the second car turning'],
    // one noun in a long sentence
    [
      'the man in the crowd walking slowly from the left side to the right side of the road',
      'the woman in the crowd walking slowly from the left side to the right side of the road',
    ],
    // too much grammar around the same words
    ['it is the dog that is running', 'dog running'],
    // reordered sentences are not treated as rewordings (documented in similarity.ts)
    ['to the left, the dog runs', 'the dog runs to the left'],
  ])('%s ≠ %s', (a, b) => expect(expressionSimilarity(a, b)).toBeLessThan(threshold));
});

describe('threshold boundary', () => {
  it('puts dropped grammar just above and heavier rewording just below', () => {
    expect(expressionSimilarity('the bird that is flying away', 'bird flying away')).toBeCloseTo(0.923, 3);
    expect(expressionSimilarity('it is the dog that is running', 'dog running')).toBeCloseTo(0.8, 3);
  });
  it('halves the score for each one-sided content word', () => {
    expect(expressionSimilarity('dog running left', 'dog running right')).toBeCloseTo((2 * 2) / 6 / 2, 6);
  });
});

const vocabulary = ['the', 'dog', 'bird', 'runs', 'running', 'flies', 'left', 'right', 'to', 'is', 'that', 'away', 'two', 'cars', 'quickly', 'stops'];
const sentence = fc.array(fc.constantFrom(...vocabulary), { minLength: 0, maxLength: 12 }).map((w) => w.join(' '));
const anyText = fc.oneof(sentence, fc.string({ unit: 'grapheme', maxLength: 40 }));

describe('properties', () => {
  it('is symmetric and within [0, 1]', () => {
    fc.assert(
      fc.property(anyText, anyText, (a, b) => {
        const ab = expressionSimilarity(a, b);
        expect(ab).toBe(expressionSimilarity(b, a));
        expect(ab).toBeGreaterThanOrEqual(0);
        expect(ab).toBeLessThanOrEqual(1);
      }),
      { numRuns: 1000 },
    );
  });

  it('is 1 for texts with the same normalised form', () => {
    const decorate = fc.tuple(anyText, fc.constantFrom('', 'The ', 'a ', '  '), fc.constantFrom('', '.', '!!', ' ?'));
    fc.assert(
      fc.property(decorate, ([text, before, after]) => {
        const variant = `${before}${text}${after}`;
        fc.pre(normalizeExpression(variant) === normalizeExpression(text));
        expect(expressionSimilarity(text, variant)).toBe(1);
        expect(expressionSimilarity(text, text)).toBe(1);
      }),
      { numRuns: 1000 },
    );
  });

  it('never calls texts near duplicates when only "left" and "right" differ, however long', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...vocabulary.filter((w) => w !== 'left' && w !== 'right')), { maxLength: 40 }), fc.nat(), (words, at) => {
        const i = words.length ? at % (words.length + 1) : 0;
        const a = [...words.slice(0, i), 'left', ...words.slice(i)].join(' ');
        const b = [...words.slice(0, i), 'right', ...words.slice(i)].join(' ');
        expect(expressionSimilarity(a, b)).toBeLessThan(threshold);
      }),
    );
  });
});
