/**
 * Finds static attribute words (A2/A4) in an expression, reading ambiguous words in context so that
 * "runs a long way", "turns round" or "moves a little" stay quiet. Results are as written, in text
 * order, de-duplicated case-insensitively; a hyphenated compound is reported whole ("red-haired").
 */
import { isMotionNounForm, isMotionWordOutsideNouns, MOTION_CUES, MOTION_FORMS, PHRASE_HEAD_FORMS } from './lexicon-motion.ts';
import { COLOUR_WORDS, CONTEXT_STATIC_WORDS, EXEMPT_NAMES, STATIC_WORDS, type ContextRule } from './lexicon-static.ts';
import { nextKey, prevKey, tokenize, type Token } from './tokenize.ts';
import { CONJUNCTIONS, DETERMINERS, PREPOSITIONS, PRONOUNS, TIME_DISTANCE_NOUNS, words } from './word-sets.ts';

const MOVEMENT_NOUNS = new Set(words('movement movements motion motions'));
const LASTS = new Set(words('last lasts lasted lasting'));

/** A size or shape right before a motion or distance noun measures the motion: "a big jump", "a circular path". */
function measuresMotion(next: string | undefined): boolean {
  return next !== undefined && (TIME_DISTANCE_NOUNS.has(next) || MOVEMENT_NOUNS.has(next) || isMotionNounForm(next));
}

/** A verb before "short"/"long"/"round" makes it an adverb of the motion: "stops short", "turns round". */
function isVerb(key: string | undefined): boolean {
  return key !== undefined && (MOTION_FORMS.has(key) || PHRASE_HEAD_FORMS.has(key) || LASTS.has(key));
}

/** "for long", "as long as", "how long", "no longer", "all day long", "in short". */
const LONG_SHORT_PREV = new Set(words('for as so too how no any before all in'));
const LONG_SHORT_NEXT = new Set(words('than as ago enough'));
/** "a little bit", "a little further", "a little to the left": a quantity, not a size. */
const LITTLE_QUANTITY = new Set(words('bit more less further farther closer nearer faster slower higher lower later earlier longer while too left right'));
/** "round and round", "all year round". */
const ROUND_PREV = new Set(words('round and all year'));

function isFunctionWord(key: string): boolean {
  return DETERMINERS.has(key) || PRONOUNS.has(key) || PREPOSITIONS.has(key) || CONJUNCTIONS.has(key);
}

function ruleSaysStatic(rule: ContextRule, tokens: readonly Token[], i: number): boolean {
  const key = tokens[i].key;
  const prev = prevKey(tokens, i);
  const next = nextKey(tokens, i);
  switch (rule) {
    case 'long-short':
      if (measuresMotion(next) || (next !== undefined && LONG_SHORT_NEXT.has(next))) return false;
      if (prev !== undefined && (LONG_SHORT_PREV.has(prev) || TIME_DISTANCE_NOUNS.has(prev) || isVerb(prev))) return false;
      // A comparative at the end of a clause is about time: "stays longer", "stays in view the longest".
      return !(next === undefined && /(?:er|est)$/.test(key));
    case 'little':
      if (next === undefined || PREPOSITIONS.has(next) || CONJUNCTIONS.has(next) || LITTLE_QUANTITY.has(next)) return false;
      return !isMotionWordOutsideNouns(next) && !MOTION_CUES.has(next);
    case 'round':
      if (prev !== undefined && (isVerb(prev) || MOTION_CUES.has(prev) || ROUND_PREV.has(prev))) return false;
      return next !== undefined && !isFunctionWord(next) && !measuresMotion(next);
    case 'square':
      return next !== undefined && !isFunctionWord(next) && !measuresMotion(next);
    case 'dark': {
      if (prev !== 'the') return true;
      if (next === undefined) return false;
      const coordinatedColour = (next === 'and' || next === 'or') && COLOUR_WORDS.has(nextKey(tokens, i, 2) ?? '');
      return !(PREPOSITIONS.has(next) || CONJUNCTIONS.has(next)) || coordinatedColour;
    }
    case 'light':
      return next !== undefined && next !== 'light' && COLOUR_WORDS.has(next);
  }
}

/**
 * "red-haired", "light-coloured", "zebra-striped": a static part decides. "long-haired" and
 * "short-sleeved" too, but "long-distance" or "round-trip" do not describe how something looks.
 */
function compoundIsStatic(t: Token): boolean {
  if (STATIC_WORDS.has(t.key)) return true;
  if (t.parts.some((p) => STATIC_WORDS.has(p))) return true;
  return t.parts.some((p) => CONTEXT_STATIC_WORDS.has(p)) && t.parts.some((p) => /[^e]ed$/.test(p) && !MOTION_FORMS.has(p));
}

function exemptIndices(tokens: readonly Token[]): Set<number> {
  const exempt = new Set<number>();
  for (let i = 0; i < tokens.length; i++) {
    for (const name of EXEMPT_NAMES) {
      const fits = name.every((w, k) => {
        const key = tokens[i + k]?.key;
        if (key === undefined || (k > 0 && tokens[i + k].boundaryBefore)) return false;
        return key === w || (k === name.length - 1 && (key === `${w}s` || key === `${w}es`));
      });
      if (fits) name.forEach((_, k) => exempt.add(i + k));
    }
  }
  return exempt;
}

function findStatic(tokens: readonly Token[]): number[] {
  const exempt = exemptIndices(tokens);
  const found: number[] = [];
  tokens.forEach((t, i) => {
    if (exempt.has(i)) return;
    if (t.parts.length > 1) {
      if (compoundIsStatic(t)) found.push(i);
      return;
    }
    const contextual = CONTEXT_STATIC_WORDS.get(t.key);
    if (contextual) {
      if (ruleSaysStatic(contextual.rule, tokens, i)) found.push(i);
      return;
    }
    const kind = STATIC_WORDS.get(t.key);
    if (!kind) return;
    if ((kind === 'size' || kind === 'shape') && measuresMotion(nextKey(tokens, i))) return;
    found.push(i);
  });
  return found;
}

/** The static attribute words of tokenised text: as written, in order, de-duplicated. */
export function staticWordsOf(tokens: readonly Token[]): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const i of findStatic(tokens)) {
    if (seen.has(tokens[i].key)) continue;
    seen.add(tokens[i].key);
    out.push(tokens[i].text);
  }
  return out;
}

export function staticAttributeWords(text: string): string[] {
  return staticWordsOf(tokenize(text));
}
