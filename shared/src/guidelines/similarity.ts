/**
 * How close two expressions are, for the near-duplicate check.
 *
 * A near duplicate is the same sentence re-submitted with only its grammar changed ("the bird
 * flying away" / "a bird that flies away"). Two facts shape the measure:
 * - near_duplicate is a blocking error, so a false alarm stops an annotator from writing a
 *   legitimately different expression; precision matters more than recall.
 * - in a motion expression one content word — a direction, a verb, a number, a noun, "not" —
 *   decides which objects are meant, however long the sentence ("…to the left" / "…to the right",
 *   "the bird" / "the birds").
 *
 * So the texts are compared word by word after normalisation, with verb inflections reduced to
 * their lemma ("runs", "running", "ran" → run). `base` is the weighted Dice coefficient of the
 * longest common subsequence of those lemmas, where grammatical words ("is", "that", "with", "to",
 * "then", pronouns) weigh 1/4 and every other word 1: it tolerates added or dropped grammar and
 * punishes reordering. Then every content word present on one side but not the other halves the
 * score, so no amount of shared context can outweigh a changed word.
 *
 * Character-level similarity was considered and left out: close spellings in these sentences are
 * usually different words (left/lift, dog/dogs, sheep/sheet, horse/house), while a re-submission
 * with a typo is rare and harmless (validators still see it). Plural nouns are NOT reduced to the
 * singular for the same reason: one bird and all birds are different targets.
 */
import { verbLemma } from './lexicon-motion.ts';
import { normalizeExpression } from './normalize.ts';
import { NUMBER_WORDS, words } from './word-sets.ts';

export const FUNCTION_WEIGHT = 0.25;
/** Each content word that only one side has multiplies the similarity by this. */
export const CONTENT_MISMATCH_FACTOR = 0.5;

const FUNCTION_WORDS = new Set(
  words('be have do that which who whom whose it its they them their he him his she her there this these those and with to of as while then also currently just'),
);

const AUXILIARIES: Readonly<Record<string, string>> = Object.fromEntries([
  ...words('is are was were be been being am').map((w) => [w, 'be']),
  ...words('has have had having').map((w) => [w, 'have']),
  ...words('does do did doing done').map((w) => [w, 'do']),
]);

/** Contractions after normalisation removed the apostrophe ("isn't" → "isnt"). */
const CONTRACTIONS: Readonly<Record<string, readonly string[]>> = {
  isnt: ['be', 'not'],
  arent: ['be', 'not'],
  wasnt: ['be', 'not'],
  werent: ['be', 'not'],
  doesnt: ['do', 'not'],
  dont: ['do', 'not'],
  didnt: ['do', 'not'],
  hasnt: ['have', 'not'],
  havent: ['have', 'not'],
  hadnt: ['have', 'not'],
  cant: ['can', 'not'],
  cannot: ['can', 'not'],
  wont: ['will', 'not'],
  couldnt: ['could', 'not'],
  wouldnt: ['would', 'not'],
  shouldnt: ['should', 'not'],
};

/** British and American spellings, and synonymous direction words, compare equal. */
const SPELLINGS: Readonly<Record<string, string>> = {
  colour: 'color',
  colours: 'colors',
  coloured: 'colored',
  grey: 'gray',
  greyish: 'grayish',
  centre: 'center',
  toward: 'towards',
  anticlockwise: 'counterclockwise',
  leftward: 'leftwards',
  rightward: 'rightwards',
  upward: 'upwards',
  downward: 'downwards',
  forward: 'forwards',
  backward: 'backwards',
};

function own<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
}

function lemmas(word: string): readonly string[] {
  const contraction = own(CONTRACTIONS, word);
  if (contraction) return contraction;
  if (/^\d+$/.test(word) && Number(word) < NUMBER_WORDS.length) return [NUMBER_WORDS[Number(word)]];
  return [own(AUXILIARIES, word) ?? own(SPELLINGS, word) ?? verbLemma(word) ?? word];
}

export interface PreparedExpression {
  lemmas: readonly string[];
  weights: Float64Array;
  total: number;
  /** Content lemma → count. */
  content: ReadonlyMap<string, number>;
}

export function prepareExpression(text: string): PreparedExpression {
  const normalized = normalizeExpression(text);
  const list = normalized ? normalized.split(' ').flatMap(lemmas) : [];
  const weights = Float64Array.from(list, (l) => (FUNCTION_WORDS.has(l) ? FUNCTION_WEIGHT : 1));
  const content = new Map<string, number>();
  for (const l of list) if (!FUNCTION_WORDS.has(l)) content.set(l, (content.get(l) ?? 0) + 1);
  return { lemmas: list, weights, total: weights.reduce((a, b) => a + b, 0), content };
}

function oneSidedContent(a: PreparedExpression, b: PreparedExpression): number {
  let onlyA = 0;
  let onlyB = 0;
  for (const [l, n] of a.content) onlyA += Math.max(0, n - (b.content.get(l) ?? 0));
  for (const [l, n] of b.content) onlyB += Math.max(0, n - (a.content.get(l) ?? 0));
  return Math.max(onlyA, onlyB);
}

/** Weight of the heaviest common subsequence (weights are multiples of 1/4, so sums are exact). */
function commonWeight(a: PreparedExpression, b: PreparedExpression): number {
  let prev = new Float64Array(b.lemmas.length + 1);
  let row = new Float64Array(b.lemmas.length + 1);
  for (let i = 1; i <= a.lemmas.length; i++) {
    for (let j = 1; j <= b.lemmas.length; j++) {
      row[j] = a.lemmas[i - 1] === b.lemmas[j - 1] ? prev[j - 1] + a.weights[i - 1] : Math.max(prev[j], row[j - 1]);
    }
    [prev, row] = [row, prev];
  }
  return prev[b.lemmas.length];
}

/** Cheap upper bound of `preparedSimilarity`, to skip the quadratic part when it cannot reach a threshold. */
export function similarityUpperBound(a: PreparedExpression, b: PreparedExpression): number {
  const sum = a.total + b.total;
  if (sum === 0) return 1;
  return ((2 * Math.min(a.total, b.total)) / sum) * CONTENT_MISMATCH_FACTOR ** oneSidedContent(a, b);
}

export function preparedSimilarity(a: PreparedExpression, b: PreparedExpression): number {
  const sum = a.total + b.total;
  if (sum === 0) return 1;
  const base = (2 * commonWeight(a, b)) / sum;
  return base * CONTENT_MISMATCH_FACTOR ** oneSidedContent(a, b);
}

/** 0..1, symmetric, 1 for texts with the same normalised form. */
export function expressionSimilarity(a: string, b: string): number {
  return preparedSimilarity(prepareExpression(a), prepareExpression(b));
}
