/**
 * Words of an expression with their positions. The browser checks the raw draft while the server
 * checks the stored, cleaned text; both tokenise the cleaned form so their findings are identical.
 */

/**
 * The canonical stored form of a text (NFC, trimmed, runs of whitespace as one space). Must stay
 * identical to the server's `cleanText`, which stores exactly this string.
 */
export function cleanText(text: string): string {
  return text.normalize('NFC').trim().replace(/\s+/g, ' ');
}

export interface Token {
  /** As written (in the cleaned text). */
  text: string;
  /** Lower-case NFKC form, apostrophes unified, possessive "'s" removed: what lexicons are keyed by. */
  key: string;
  /** Keys of the hyphen-separated parts; `[key]` for a plain word. */
  parts: string[];
  start: number;
  end: number;
  /** Clause punctuation (comma, full stop, dash…) separates this token from the previous one. */
  boundaryBefore: boolean;
}

/**
 * A word starts with a letter or digit and may continue over apostrophes ("dog's"), hyphens
 * ("t-shirt", "red-haired") and decimal points between digits ("1.5").
 */
const WORD = /[\p{L}\p{N}][\p{L}\p{M}\p{N}]*(?:(?:['’ʼ‘\-‐‑]|(?<=\p{N})[.,](?=\p{N}))[\p{L}\p{M}\p{N}]+)*/gu;

/** Punctuation that ends a clause: context rules and phrases never look across it. */
const CLAUSE_BREAK = /[.,;:!?()[\]{}…—–]/;

export function wordKey(raw: string): string {
  return raw
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[’ʼ‘]/g, "'")
    .replace(/[‐‑]/g, '-')
    .replace(/'s$/, '')
    .replace(/'$/, '');
}

/** Tokenises text that is already cleaned (see `cleanText`). */
export function tokenizeClean(clean: string): Token[] {
  const tokens: Token[] = [];
  let last = 0;
  for (const m of clean.matchAll(WORD)) {
    const start = m.index;
    const key = wordKey(m[0]);
    const parts = key.split('-').filter(Boolean);
    tokens.push({
      text: m[0],
      key,
      parts: parts.length ? parts : [key],
      start,
      end: start + m[0].length,
      boundaryBefore: tokens.length > 0 && CLAUSE_BREAK.test(clean.slice(last, start)),
    });
    last = start + m[0].length;
  }
  return tokens;
}

export function tokenize(text: string): Token[] {
  return tokenizeClean(cleanText(text));
}

export function wordCount(text: string): number {
  return tokenize(text).length;
}

/** Neighbours within the same clause; `undefined` at a clause break or the end of the text. */
export function prevKey(tokens: readonly Token[], i: number, distance = 1): string | undefined {
  for (let j = i; j > i - distance; j--) if (j <= 0 || tokens[j].boundaryBefore) return undefined;
  return tokens[i - distance]?.key;
}

export function nextKey(tokens: readonly Token[], i: number, distance = 1): string | undefined {
  for (let j = i + 1; j <= i + distance; j++) if (j >= tokens.length || tokens[j].boundaryBefore) return undefined;
  return tokens[i + distance]?.key;
}
