import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeForWer, wordErrorRate } from './index.ts';
import { cardinalWords, ordinalWords } from './number-words.ts';

describe('wordErrorRate by hand', () => {
  it.each<[string, string, { wer: number; substitutions: number; deletions: number; insertions: number; referenceWords: number }]>([
    ['the dog runs', 'the dog runs', { wer: 0, substitutions: 0, deletions: 0, insertions: 0, referenceWords: 3 }],
    ['the dog runs', 'the cat runs', { wer: 1 / 3, substitutions: 1, deletions: 0, insertions: 0, referenceWords: 3 }],
    ['the big dog runs', 'the dog runs', { wer: 1 / 4, substitutions: 0, deletions: 1, insertions: 0, referenceWords: 4 }],
    ['the dog runs', 'the dog runs away', { wer: 1 / 3, substitutions: 0, deletions: 0, insertions: 1, referenceWords: 3 }],
    ['the dog runs', '', { wer: 1, substitutions: 0, deletions: 3, insertions: 0, referenceWords: 3 }],
    ['a b', 'b c', { wer: 1, substitutions: 0, deletions: 1, insertions: 1, referenceWords: 2 }],
    ['dog', 'the cat runs', { wer: 3, substitutions: 1, deletions: 0, insertions: 2, referenceWords: 1 }],
    ['the sheep walking away from the fence', 'sheep walk away from a fence quickly', { wer: 4 / 7, substitutions: 2, deletions: 1, insertions: 1, referenceWords: 7 }],
    // An empty reference: every transcript word is an insertion and the rate is capped at 1.
    ['', 'two words', { wer: 1, substitutions: 0, deletions: 0, insertions: 2, referenceWords: 0 }],
    ['', '', { wer: 0, substitutions: 0, deletions: 0, insertions: 0, referenceWords: 0 }],
    ['...', '—', { wer: 0, substitutions: 0, deletions: 0, insertions: 0, referenceWords: 0 }],
  ])('%j vs %j', (ref, hyp, expected) => {
    expect(wordErrorRate(ref, hyp)).toEqual(expected);
  });

  it.each<[string, string]>([
    ['The dog, running to the LEFT!', 'the dog running to the left'],
    ["the dog doesn't stop", 'the dog does not stop'],
    ["it can't", 'it cannot'],
    ["it can't", 'it can not'],
    ["it won't turn", 'it will not turn'],
    ["it's turning", 'it is turning'],
    ["there's a cat", 'there is a cat'],
    ["they're running and we've stopped", 'they are running and we have stopped'],
    ["let's go", 'let us go'],
    ["they'd stop and I'm sure you'll see", 'they would stop and i am sure you will see'],
    ["the dog's tail", 'the dogs tail'],
    ['2 dogs', 'two dogs'],
    ['the 3rd car and the 21st bike', 'the third car and the twenty-first bike'],
    ['the left-hand car', 'the left hand car'],
    ['1,000 birds', 'one thousand birds'],
    ['1.5 metres', 'one point five metres'],
    ['cats & dogs', 'cats and dogs'],
    ['don’t', "don't"],
  ])('%j and %j are the same words', (a, b) => {
    expect(normalizeForWer(a)).toEqual(normalizeForWer(b));
    expect(wordErrorRate(a, b).wer).toBe(0);
  });

  it('but a different word is still an error after normalising', () => {
    expect(wordErrorRate("it can't turn", 'it can turn')).toMatchObject({ deletions: 1, substitutions: 0, insertions: 0 });
    expect(wordErrorRate('3 dogs', 'two dogs')).toMatchObject({ substitutions: 1 });
  });

  it('normalizeForWer', () => {
    expect(normalizeForWer("The dog's owner — who won't stop — runs 105 m, 2nd from left-hand side!")).toEqual(
      'the dogs owner who will not stop runs one hundred five m second from left hand side'.split(' '),
    );
    expect(normalizeForWer('')).toEqual([]);
    expect(normalizeForWer("'em runnin'")).toEqual(['em', 'runnin']);
  });
});

describe('numbers as words', () => {
  it.each<[string, string]>([
    ['0', 'zero'],
    ['7', 'seven'],
    ['13', 'thirteen'],
    ['40', 'forty'],
    ['99', 'ninety nine'],
    ['101', 'one hundred one'],
    ['1010', 'one thousand ten'],
    ['1234567', 'one million two hundred thirty four thousand five hundred sixty seven'],
    ['2000000000', 'two billion'],
    ['007', 'zero zero seven'],
  ])('%s → %s', (digits, words) => {
    expect(cardinalWords(digits).join(' ')).toBe(words);
  });

  it.each<[string, string]>([
    ['1', 'first'],
    ['2', 'second'],
    ['3', 'third'],
    ['5', 'fifth'],
    ['8', 'eighth'],
    ['9', 'ninth'],
    ['12', 'twelfth'],
    ['20', 'twentieth'],
    ['21', 'twenty first'],
    ['100', 'one hundredth'],
  ])('%s → %s (ordinal)', (digits, words) => {
    expect(ordinalWords(digits).join(' ')).toBe(words);
  });
});

describe('wordErrorRate properties', () => {
  const sentence = fc.array(fc.constantFrom('the', 'dog', 'cat', 'runs', 'left', 'away', 'big', 'two', '2', "don't"), { maxLength: 9 }).map((w) => w.join(' '));

  it('swapping the texts keeps the errors and substitutions, and swaps deletions with insertions', () => {
    fc.assert(
      fc.property(sentence, sentence, (a, b) => {
        const ab = wordErrorRate(a, b);
        const ba = wordErrorRate(b, a);
        expect(ba.substitutions).toBe(ab.substitutions);
        expect(ba.deletions).toBe(ab.insertions);
        expect(ba.insertions).toBe(ab.deletions);
      }),
      { numRuns: 500 },
    );
  });

  it('the counts are consistent with the two lengths', () => {
    fc.assert(
      fc.property(sentence, sentence, (a, b) => {
        const r = wordErrorRate(a, b);
        const n = normalizeForWer(a).length;
        const m = normalizeForWer(b).length;
        expect(r.referenceWords).toBe(n);
        expect(r.substitutions + r.deletions).toBeLessThanOrEqual(n);
        expect(r.substitutions + r.insertions).toBeLessThanOrEqual(m);
        expect(r.deletions - r.insertions).toBe(n - m);
        expect(r.substitutions + r.deletions + r.insertions).toBeLessThanOrEqual(Math.max(n, m));
        expect(wordErrorRate(a, a).wer).toBe(0);
        if (n > 0) expect(r.wer).toBeCloseTo((r.substitutions + r.deletions + r.insertions) / n, 12);
      }),
      { numRuns: 500 },
    );
  });
});
