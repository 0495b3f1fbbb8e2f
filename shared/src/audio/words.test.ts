import { describe, expect, it } from 'vitest';
import { wordCount } from '../guidelines/index.ts';
import { countWords, wordsPerMinute } from './index.ts';

describe('countWords', () => {
  it.each<[string, number]>([
    ['the bird flying away from the tree', 7],
    ['The bird, flying away!', 4],
    ["the dog's tail", 3],
    ["don't stop", 2],
    ['don’t stop (curly apostrophe)', 4],
    ['the man in the t-shirt', 5],
    ['the left-hand car turning', 4],
    ['rock-and-roll dancers', 2],
    ["the dogs' owner", 3],
    ['the 2 dogs', 3],
    ['1.5 metres', 2],
    ['naïve café', 2],
    ['nai\u0308ve cafe\u0301 (combining marks)', 4],
    ['', 0],
    ['  — … !? ', 0],
    ['-- - -- --', 0],
  ])('%j → %i', (text, n) => {
    expect(countWords(text)).toBe(n);
  });

  it('counts exactly like the annotation guidelines, so the rate uses the word count the annotator saw', () => {
    const texts = [
      'the bird flying away from the tree',
      "the dog's owner, who won't stop, runs left-hand-side",
      'the 2nd car from the left, 1.5 m ahead',
      'the two cars — side by side — driving off',
      'nai\u0308ve   cafe\u0301',
      "'em rock’n’roll",
    ];
    for (const t of texts) expect([t, countWords(t)]).toEqual([t, wordCount(t)]);
  });
});

describe('wordsPerMinute', () => {
  it('words over minutes', () => {
    expect(wordsPerMinute('one two three four five six', 3)).toBe(120);
    expect(wordsPerMinute('the sheep walking away', 1.5)).toBe(160);
  });

  it('a text without words has rate 0; a duration that is not positive has no rate', () => {
    expect(wordsPerMinute('', 2)).toBe(0);
    for (const s of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) expect(wordsPerMinute('the sheep', s)).toBeNaN();
  });
});
