/**
 * The form in which two expressions count as the same sentence (the exact-duplicate check):
 * case, Unicode variants, punctuation, spacing and articles do not make a new expression.
 */
import { ARTICLES } from './word-sets.ts';

/**
 * Apostrophes, hyphens and invisible format characters join the parts of a word, so "dog's",
 * "t-shirt" and "counter-clockwise" compare equal to "dogs", "tshirt" and "counterclockwise".
 */
const JOINERS = /['’ʼ‘`\-‐‑\p{Cf}]/gu;
const NON_WORD = /[^\p{L}\p{M}\p{N}]+/gu;
/** A combining mark left without its letter once punctuation around it is gone. */
const ORPHAN_MARKS = /(^|\s)\p{M}+/gu;

function normalizeOnce(text: string): string {
  const spaced = text
    .normalize('NFKC')
    .toLowerCase()
    .replace(JOINERS, '')
    .normalize('NFKC')
    .replace(NON_WORD, ' ')
    .replace(ORPHAN_MARKS, '$1');
  return spaced
    .split(' ')
    .filter((w) => w && !ARTICLES.has(w))
    .join(' ');
}

/**
 * Lower-case, NFKC, punctuation removed, whitespace collapsed, articles dropped. Removing a joiner
 * can let NFKC compose across it ("e'◌́" → "é"), so the steps repeat until nothing changes, which
 * makes the function idempotent.
 */
export function normalizeExpression(text: string): string {
  let current = normalizeOnce(text);
  for (let i = 0; i < 8; i++) {
    const again = normalizeOnce(current);
    if (again === current) return current;
    current = again;
  }
  return current;
}
