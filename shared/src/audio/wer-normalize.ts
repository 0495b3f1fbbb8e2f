/**
 * Text → words for word error rate, applied identically to the reference and the transcript, so
 * that spelling choices which sound the same are not counted as errors:
 * - NFKC, lower case, punctuation out; hyphens separate words ("left-hand" = left hand, as
 *   recognisers write it), "&" is "and" and "%" is "percent";
 * - digits become words ("2" = two, "3rd" = third, "1.5" = one point five; see number-words.ts);
 * - contractions are expanded: n't → not (won't → will not, can't and cannot → can not), 're → are,
 *   've → have, 'll → will, 'm → am, 'd → would, 's → is after pronouns and question words
 *   ("it's", "there's"), let's → let us; any other 's is possessive and loses its apostrophe, as
 *   do all remaining apostrophes ("dog's" = dogs, since a listener cannot hear the difference).
 */
import { numberTokenWords } from './number-words.ts';

const TOKEN = /[\p{L}\p{M}\p{N}]+(?:(?:'|(?<=\p{N})[.,](?=\p{N}))[\p{L}\p{M}\p{N}]+)*'?|'[\p{L}\p{M}\p{N}]+/gu;
const IS_AFTER = new Set(['it', 'he', 'she', 'that', 'there', 'here', 'what', 'where', 'who', 'how', 'this', 'when', 'why']);
const IRREGULAR_NOT: Readonly<Record<string, string[]>> = {
  "won't": ['will', 'not'],
  "can't": ['can', 'not'],
  "shan't": ['shall', 'not'],
  "ain't": ['is', 'not'],
  cannot: ['can', 'not'],
  "let's": ['let', 'us'],
};
const SUFFIXES: [string, string][] = [
  ["n't", 'not'],
  ["'re", 'are'],
  ["'ve", 'have'],
  ["'ll", 'will'],
  ["'m", 'am'],
  ["'d", 'would'],
];

function expandWord(word: string): string[] {
  const irregular = IRREGULAR_NOT[word];
  if (irregular) return irregular;
  for (const [suffix, full] of SUFFIXES) {
    if (word.length > suffix.length && word.endsWith(suffix)) return [...expandWord(word.slice(0, -suffix.length)), full];
  }
  if (word.endsWith("'s")) {
    const head = word.slice(0, -2);
    if (IS_AFTER.has(head)) return [head, 'is'];
  }
  const bare = word.replace(/'/g, '');
  if (bare === '') return [];
  return /\p{N}/u.test(bare) ? numberTokenWords(bare) : [bare];
}

export function normalizeForWer(text: string): string[] {
  const unified = text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[’ʼ‘`´]/g, "'")
    .replace(/&/g, ' and ')
    .replace(/%/g, ' percent ');
  return (unified.match(TOKEN) ?? []).flatMap(expandWord);
}
