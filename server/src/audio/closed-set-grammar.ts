import { compoundPronunciations, type Lexicon } from './lexicon.ts';

/**
 * The closed-set check as a grammar: "one of these sentences, said word for word".
 *
 * Each distinct candidate is a chain of words, and every word has a parallel path of one or more
 * free phones (dictionary words `ph_aa`, `ph_ae`, …) that pays a penalty per phone. The decoder
 * takes a phone path wherever the word it stands for fits the audio worse than "anything" does,
 * and any phone path in the result means: rejected. Without these paths the decoder *always* names
 * some candidate, so a take of a sentence that is not among the candidates would be accepted as the
 * nearest one; with them a wrong word costs its own span, which catches a single substituted word
 * ("left" for "right") better than one reject loop over the whole utterance did (calibration in the
 * README, "Audio").
 *
 * Words cmudict lacks get their own phone path (`oov_aa`, …, cheaper): it stands for the unknown
 * word, so it is not a rejection, but it cannot tell two candidates apart that differ only there.
 *
 * The grammar is written in Sphinx FSG format rather than JSGF: pocketsphinx 0.8's JSGF compiler
 * drops weights on rule references and lets a looping rule jump back into the start state it
 * shares with the sentences (measured: "ph_w ph_ow two cars driving …"), so the phone paths could
 * neither be penalised nor kept in their place. FSG states and probabilities are explicit. Only
 * words matching WORD_TOKEN ever reach the file, so no grammar syntax can come in with a sentence.
 */

/**
 * Per-phone probabilities of the phone paths (pocketsphinx scales them by -lw, 6.5). The entry
 * probability trades honest takes refused against one-word substitutions let through; measured on
 * 80 espeak-ng takes (8 voices × 10 sentences): 1e-4 refused 41 % of correct takes, 1e-6 refused
 * 10 % (all search failures, not rejections) but let most one-word swaps through. A refused honest
 * take costs a speaker their work, while a swapped word is also caught by the human listener, so
 * the default leans towards passing.
 */
export interface GrammarTuning {
  /** Entering a phone path instead of a dictionary word, once per word: keeps short words from losing to one phone. */
  rejectEntryProb: number;
  /** Each phone on that path: lower rejects less often. */
  rejectPhoneProb: number;
  /** Phones standing for a word the dictionary lacks. */
  wildcardPhoneProb: number;
}

export const DEFAULT_TUNING: GrammarTuning = { rejectEntryProb: 1e-6, rejectPhoneProb: 0.01, wildcardPhoneProb: 0.1 };

/** CMU phone set of the en-us acoustic model (without SIL, which the decoder inserts itself). */
export const PHONES = ['AA', 'AE', 'AH', 'AO', 'AW', 'AY', 'B', 'CH', 'D', 'DH', 'EH', 'ER', 'EY', 'F', 'G', 'HH', 'IH', 'IY',
  'JH', 'K', 'L', 'M', 'N', 'NG', 'OW', 'OY', 'P', 'R', 'S', 'SH', 'T', 'TH', 'UH', 'UW', 'V', 'W', 'Y', 'Z', 'ZH'] as const;

/** Phone "words" carry an underscore, which no normalised sentence word can contain. */
const REJECT_PHONE = /^ph_[a-z]+$/;
const WILDCARD_PHONE = /^oov_[a-z]+$/;
const rejectWords = PHONES.map((p) => `ph_${p.toLowerCase()}`);
const wildcardWords = PHONES.map((p) => `oov_${p.toLowerCase()}`);
/** What a sentence word may look like by the time it is written into a grammar or dictionary. */
const WORD_TOKEN = /^[a-z0-9][a-z0-9'-]*$/;
/** Stands for a run of words the dictionary lacks, in keys and in mapped hypotheses. */
export const WILDCARD = '*';
/** Marks a rejected word in a mapped hypothesis; never part of a key. */
const REJECTED = '#';

const SMALL_NUMBERS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten', 'eleven', 'twelve',
  'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen', 'twenty'];

export type WordToken = { kind: 'word'; word: string; prons: readonly string[]; via: 'dictionary' | 'compound' };
export type WildcardToken = { kind: 'wildcard'; word: typeof WILDCARD; oov: string };
export type Token = WordToken | WildcardToken;

/**
 * A sentence as the recognizer hears it: lower case, punctuation out, hyphenated words split unless
 * the dictionary has them whole, small numbers spelled, and each word the dictionary lacks either
 * pronounced as a compound or replaced by the wildcard. Runs of wildcards merge (one phone loop
 * covers them all).
 */
export function tokenize(text: string, lex: Lexicon): Token[] {
  const plain = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc`´]/g, "'")
    .replace(/[\u2010-\u2015]/g, '-')
    .replace(/&/g, ' and ')
    .replace(/[^a-z0-9'-]+/g, ' ');
  const out: Token[] = [];
  const push = (t: Token) => {
    if (t.kind === 'wildcard' && out.at(-1)?.kind === 'wildcard') return;
    out.push(t);
  };
  const resolve = (raw: string) => {
    if (lex.has(raw)) return push({ kind: 'word', word: raw, prons: lex.get(raw)!, via: 'dictionary' });
    const word = raw.replace(/^['-]+|['-]+$/g, '');
    if (!word) return;
    if (word !== raw) return resolve(word);
    if (word.includes('-')) return word.split('-').forEach(resolve);
    if (/^\d+$/.test(word) && Number(word) < SMALL_NUMBERS.length) return resolve(SMALL_NUMBERS[Number(word)]);
    const compound = compoundPronunciations(word, lex);
    if (compound && WORD_TOKEN.test(word)) return push({ kind: 'word', word, prons: compound, via: 'compound' });
    push({ kind: 'wildcard', word: WILDCARD, oov: word });
  };
  for (const raw of plain.split(/\s+/)) if (raw) resolve(raw);
  return out;
}

export function keyOf(tokens: readonly Token[]): string {
  return tokens.map((t) => t.word).join(' ');
}

export interface ClosedSetGrammar {
  /** Per candidate: its form after normalisation and OOV treatment, or null when it cannot be checked. */
  keys: (string | null)[];
  /** Sphinx FSG text. */
  fsg: string;
  /** Dictionary holding exactly the words of the grammar (plus the phone words). */
  dict: string;
  /** Words cmudict lacks and what became of them. */
  oov: { word: string; treatment: 'compound' | 'wildcard' }[];
}

/**
 * Builds the grammar for a set of candidate sentences. Candidates that normalise to the same words
 * share one path (the decoder cannot tell them apart either); a candidate with no dictionary word
 * at all is left out: only a phone path would be left of it, which matches anything.
 */
export function buildClosedSetGrammar(candidates: readonly string[], lex: Lexicon, tuning: GrammarTuning = DEFAULT_TUNING): ClosedSetGrammar {
  checkProb(tuning.rejectEntryProb, 'rejectEntryProb');
  checkProb(tuning.rejectPhoneProb, 'rejectPhoneProb');
  checkProb(tuning.wildcardPhoneProb, 'wildcardPhoneProb');
  const keys: (string | null)[] = [];
  const paths = new Map<string, Token[]>();
  const oov = new Map<string, 'compound' | 'wildcard'>();
  for (const c of candidates) {
    const tokens = tokenize(c, lex);
    for (const t of tokens) {
      if (t.kind === 'wildcard') oov.set(t.oov, 'wildcard');
      else if (t.via === 'compound') oov.set(t.word, 'compound');
    }
    if (!tokens.some((t) => t.kind === 'word')) {
      keys.push(null);
      continue;
    }
    const key = keyOf(tokens);
    keys.push(key);
    if (!paths.has(key)) paths.set(key, tokens);
  }

  const lines: string[] = [];
  let nextState = 2; // 0 = start, 1 = final
  const trans = (from: number, to: number, prob: number, word?: string) => {
    if (word !== undefined && !WORD_TOKEN.test(word) && !REJECT_PHONE.test(word) && !WILDCARD_PHONE.test(word)) {
      throw new Error(`refusing grammar word ${JSON.stringify(word)}`);
    }
    lines.push(`TRANSITION ${from} ${to} ${prob}${word === undefined ? '' : ` ${word}`}`);
  };
  /** One or more phones from `from`; returns the state after them. */
  const phoneLoop = (from: number, words: readonly string[], entryProb: number, prob: number) => {
    const loop = nextState++;
    for (const w of words) {
      trans(from, loop, entryProb * prob, w);
      trans(loop, loop, prob, w);
    }
    return loop;
  };

  for (const tokens of paths.values()) {
    let at = 0;
    tokens.forEach((t, i) => {
      const last = i === tokens.length - 1;
      const to = last ? 1 : nextState++;
      if (t.kind === 'wildcard') {
        trans(phoneLoop(at, wildcardWords, 1, tuning.wildcardPhoneProb), to, 1);
      } else {
        trans(at, to, 1, t.word);
        // The same span as phones instead: wins when the word was not said (or said too unlike it).
        trans(phoneLoop(at, rejectWords, tuning.rejectEntryProb, tuning.rejectPhoneProb), to, 1);
      }
      at = to;
    });
  }
  const fsg = ['FSG_BEGIN closed_set', `NUM_STATES ${nextState}`, 'START_STATE 0', 'FINAL_STATE 1', ...lines, 'FSG_END', ''].join('\n');

  const dictLines: string[] = [];
  const seen = new Set<string>();
  for (const tokens of paths.values()) {
    for (const t of tokens) {
      if (t.kind === 'wildcard' || seen.has(t.word)) continue;
      seen.add(t.word);
      t.prons.forEach((p, i) => dictLines.push(`${i === 0 ? t.word : `${t.word}(${i + 1})`} ${p}`));
    }
  }
  PHONES.forEach((p, i) => dictLines.push(`${rejectWords[i]} ${p}`, `${wildcardWords[i]} ${p}`));

  return { keys, fsg, dict: dictLines.join('\n') + '\n', oov: [...oov].map(([word, treatment]) => ({ word, treatment })) };
}

/**
 * The decoder's output as a key: alternate-pronunciation marks and fillers out, unknown-word phones
 * back to the wildcard, rejected words to a mark no key contains. Null when nothing was decoded.
 */
export function hypothesisKey(hypothesis: string): string | null {
  const out: string[] = [];
  for (const raw of hypothesis.split(/\s+/)) {
    const w = raw.replace(/\(\d+\)$/, '');
    if (!w || /^(<s>|<\/s>|<sil>|\[.*\]|\+\+.*\+\+)$/.test(w)) continue;
    const mapped = REJECT_PHONE.test(w) ? REJECTED : WILDCARD_PHONE.test(w) ? WILDCARD : w;
    if (mapped !== w && out.at(-1) === mapped) continue;
    out.push(mapped);
  }
  return out.length > 0 ? out.join(' ') : null;
}

/** Indices of the candidates whose key equals the hypothesis'; more than one when they collide. */
export function matchHypothesis(grammar: ClosedSetGrammar, hypothesis: string): number[] {
  const key = hypothesisKey(hypothesis);
  if (key === null || key.split(' ').includes(REJECTED)) return [];
  const hits: number[] = [];
  grammar.keys.forEach((k, i) => {
    if (k === key) hits.push(i);
  });
  return hits;
}

function checkProb(p: number, name: string) {
  if (!(p > 0 && p <= 1)) throw new Error(`${name} must be in (0, 1], got ${p}`);
}
