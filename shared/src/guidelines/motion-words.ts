/**
 * Finds the words of an expression that describe motion (A5), reading each ambiguous form in its
 * context. Results are as written, in text order, de-duplicated case-insensitively.
 */
import {
  ATTRIBUTIVE_FORMS,
  COMPOUND_AFTER,
  COMPOUND_BEFORE,
  INFINITIVE_ONLY_FORMS,
  MAX_PHRASE_GAP,
  MOTION_CUES,
  MOTION_FORMS,
  MOTION_PHRASES,
  NOUN_LIKE_FORMS,
  PHRASE_HEAD_FORMS,
} from './lexicon-motion.ts';
import { STATIC_WORDS } from './lexicon-static.ts';
import { cleanText, prevKey, tokenizeClean, type Token } from './tokenize.ts';
import { CONJUNCTIONS, DETERMINERS, isNumberKey, NOUN_ADJECTIVES, PREPOSITIONS } from './word-sets.ts';

export interface MotionMatch {
  /** As written; a phrase is the whole span ("standing completely still"). */
  text: string;
  kind: 'verb' | 'phrase' | 'cue';
  /** Token indices covered (first and last). */
  first: number;
  last: number;
}

/** "that" is left out: "the bird that lands" is a relative clause, not "that land". */
const NOUN_MARKERS = new Set([...DETERMINERS].filter((d) => d !== 'that'));

/** A determiner, number, possessive or preposition right before makes an ambiguous form a noun. */
function inNounContext(tokens: readonly Token[], i: number): boolean {
  if (i === 0 || tokens[i].boundaryBefore) return false;
  const prev = tokens[i - 1];
  if (/['’ʼ]s?$/u.test(prev.text)) return true;
  return NOUN_MARKERS.has(prev.key) || isNumberKey(prev.key) || (PREPOSITIONS.has(prev.key) && prev.key !== 'to') || isAttributiveAdjective(tokens, i - 1);
}

/**
 * An adjective between a determiner and the ambiguous form ("the white sail", "the highest rock",
 * "an empty swing"): an appearance word, a superlative or a common plain adjective. A verb after
 * such a word needs a noun in between ("the white dog runs"), so the form is the noun.
 */
function isAttributiveAdjective(tokens: readonly Token[], j: number): boolean {
  if (j < 1 || tokens[j].boundaryBefore) return false;
  const key = tokens[j].key;
  if (!(STATIC_WORDS.has(key) || NOUN_ADJECTIVES.has(key) || (/.{3}est$/.test(key) && !MOTION_FORMS.has(key)))) return false;
  return NOUN_MARKERS.has(tokens[j - 1].key) || isNumberKey(tokens[j - 1].key);
}

/** "the swimming pool", "the stop sign", "the bus stop": a compound noun, not what the target does. */
function inCompoundNoun(tokens: readonly Token[], i: number): boolean {
  const next = tokens[i + 1];
  if (next && !next.boundaryBefore && COMPOUND_BEFORE.get(tokens[i].key)?.has(next.key)) return true;
  // The second word of such a compound may be a motion form too ("the diving board").
  if (i > 0 && !tokens[i].boundaryBefore && COMPOUND_BEFORE.get(tokens[i - 1].key)?.has(tokens[i].key)) return true;
  return COMPOUND_AFTER.get(tokens[i].key)?.has(prevKey(tokens, i) ?? '') ?? false;
}

function isMotionVerbForm(key: string): boolean {
  return MOTION_FORMS.has(key);
}

/** A word between a phrase head and its particle: not across clauses, conjunctions or other verbs. */
function canBridge(token: Token): boolean {
  return !token.boundaryBefore && !CONJUNCTIONS.has(token.key) && !isMotionVerbForm(token.key);
}

function matchPhrase(tokens: readonly Token[], i: number): number | undefined {
  const head = PHRASE_HEAD_FORMS.get(tokens[i].key);
  if (!head) return undefined;
  for (const phrase of MOTION_PHRASES) {
    if (!phrase.heads.some((h) => head.lemmas.includes(h))) continue;
    for (let gap = 0; gap <= MAX_PHRASE_GAP; gap++) {
      const at = i + 1 + gap;
      if (at >= tokens.length) break;
      if (gap > 0 && !canBridge(tokens[at - 1])) break;
      for (const particle of phrase.particles) {
        const parts = particle.split(' ');
        const fits = parts.every((p, k) => tokens[at + k]?.key === p && !tokens[at + k].boundaryBefore);
        if (fits) return at + parts.length - 1;
      }
    }
  }
  return undefined;
}

function singleWordKind(tokens: readonly Token[], i: number): MotionMatch['kind'] | undefined {
  const t = tokens[i];
  if (t.parts.length > 1) {
    // A compound: "U-turn", "fast-moving", "counter-clockwise"; noun-like parts never count inside
    // one ("red-headed"), and garments named after a motion ("flip-flops") are not motion.
    if (STATIC_WORDS.has(t.key)) return undefined;
    if (MOTION_CUES.has(t.key)) return 'cue';
    if (t.parts.some((p) => isMotionVerbForm(p) && !NOUN_LIKE_FORMS.has(p))) return 'verb';
    if (t.parts.some((p) => MOTION_CUES.has(p))) return 'cue';
    return undefined;
  }
  if (isMotionVerbForm(t.key) && !((NOUN_LIKE_FORMS.has(t.key) || ATTRIBUTIVE_FORMS.has(t.key)) && inNounContext(tokens, i)) && !inCompoundNoun(tokens, i)) return 'verb';
  if (INFINITIVE_ONLY_FORMS.has(t.key) && prevKey(tokens, i) === 'to') return 'verb';
  if (MOTION_CUES.has(t.key)) return 'cue';
  return undefined;
}

export function findMotion(tokens: readonly Token[]): MotionMatch[] {
  const matches: MotionMatch[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const end = matchPhrase(tokens, i);
    if (end !== undefined) {
      matches.push({ text: '', kind: 'phrase', first: i, last: end });
      i = end;
      continue;
    }
    const kind = singleWordKind(tokens, i);
    if (kind) matches.push({ text: tokens[i].text, kind, first: i, last: i });
  }
  return matches;
}

function asWritten(text: string, tokens: readonly Token[], matches: readonly MotionMatch[]): MotionMatch[] {
  return matches.map((m) => ({ ...m, text: text.slice(tokens[m.first].start, tokens[m.last].end) }));
}

function distinct(list: readonly string[]): string[] {
  const seen = new Set<string>();
  return list.filter((w) => {
    const k = w.normalize('NFKC').toLowerCase();
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Motion matches of a text with their spans as written (the cleaned text). */
export function motionMatches(text: string): MotionMatch[] {
  const clean = cleanText(text);
  const tokens = tokenizeClean(clean);
  return asWritten(clean, tokens, findMotion(tokens));
}

/**
 * Motion verbs in any inflection ("flies", "flew", "flying") and verb phrases that describe a
 * motion state ("standing still", "sits down", "picks the ball up").
 */
export function motionWords(text: string): string[] {
  return distinct(motionMatches(text).filter((m) => m.kind !== 'cue').map((m) => m.text));
}

/** Non-verbs that describe motion: "leftwards", "clockwise", "motionless", "quickly". */
export function motionCueWords(text: string): string[] {
  return distinct(motionMatches(text).filter((m) => m.kind === 'cue').map((m) => m.text));
}
