import { readFile } from 'node:fs/promises';

/** Pronunciations by word, as in cmudict-en-us.dict: `word PH ON ES`, alternates as `word(2) …`. */
export type Lexicon = ReadonlyMap<string, readonly string[]>;

const cache = new Map<string, Promise<Lexicon>>();

/**
 * Loads the dictionary once per process (135k words, ~0.2 s). Each closed-set check then writes a
 * dictionary of only its own few dozen words, which pocketsphinx loads in a few milliseconds
 * instead of re-reading all 3 MB.
 */
export function loadLexicon(dictPath: string): Promise<Lexicon> {
  let lex = cache.get(dictPath);
  if (!lex) {
    lex = readFile(dictPath, 'utf8').then(parseLexicon);
    lex.catch(() => cache.delete(dictPath));
    cache.set(dictPath, lex);
  }
  return lex;
}

export function parseLexicon(text: string): Lexicon {
  const map = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    const m = /^(\S+?)(?:\(\d+\))?\s+(.+?)\s*$/.exec(line);
    if (!m) continue;
    const word = m[1].toLowerCase();
    const phones = m[2].replace(/\s+#.*$/, '');
    const prons = map.get(word);
    if (prons) prons.push(phones);
    else map.set(word, [phones]);
  }
  return map;
}

/**
 * Pronunciations for a word cmudict lacks, if it is a compound of two words it has:
 * "leftmost" = left + most, "rightwards" = right + wards, "skateboarder" = skate + boarder.
 * MeViS expressions are full of these, and dropping them would make "the leftmost sheep" and
 * "the rightmost sheep" the same sentence. Both parts need 3+ letters, so "at+e" style splits of
 * rare words do not invent nonsense; among valid splits the most balanced one wins.
 */
export function compoundPronunciations(word: string, lex: Lexicon): string[] | null {
  if (!/^[a-z]{6,}$/.test(word)) return null;
  let best: { a: readonly string[]; b: readonly string[]; balance: number } | null = null;
  for (let i = 3; i <= word.length - 3; i++) {
    const a = lex.get(word.slice(0, i));
    const b = lex.get(word.slice(i));
    if (!a || !b) continue;
    const balance = Math.min(i, word.length - i);
    if (!best || balance > best.balance) best = { a, b, balance };
  }
  if (!best) return null;
  // Two variants per part at most: the grammar stays small and the first ones are the common ones.
  const out: string[] = [];
  for (const pa of best.a.slice(0, 2)) for (const pb of best.b.slice(0, 2)) out.push(`${pa} ${pb}`);
  return out;
}
