/**
 * A small rule-based English inflector for the lexicons: it spells the regular forms so the word
 * lists hold lemmas only. Irregular forms are listed explicitly next to their lemmas instead.
 */

/**
 * One-syllable words ending consonant-vowel-consonant double the consonant (run → running,
 * stop → stopped); w, x and y never double (row → rowing). Longer words only when listed,
 * because it depends on stress (patrol → patrolling, but visit → visiting).
 */
function doublesFinal(word: string, doubling: ReadonlySet<string>): boolean {
  if (doubling.has(word)) return true;
  // After "q" the "u" is a consonant sound: squat → squatting, quit → quitting.
  return /^[^aeiou]*[aeiou][bcdfgklmnprstvz]$/.test(word.replace(/qu/g, 'qw'));
}

/** Multi-syllable verbs that double their final consonant. */
export const DOUBLING_VERBS: ReadonlySet<string> = new Set(['patrol', 'zigzag', 'outrun', 'propel', 'travel', 'pedal', 'swivel', 'signal']);

/** Words in -l that British spelling doubles and American spelling does not: both forms are real. */
const BOTH_SPELLINGS: ReadonlySet<string> = new Set(['travel', 'pedal', 'swivel', 'signal']);

export function thirdPerson(verb: string): string {
  if (/(?:s|x|z|ch|sh)$/.test(verb) || /[^aeiou]o$/.test(verb)) return `${verb}es`;
  if (/[^aeiou]y$/.test(verb)) return `${verb.slice(0, -1)}ies`;
  return `${verb}s`;
}

/** Stem before a vowel suffix (-ing, -ed, -er, -est, -ish): panic → panick, stop → stopp. */
function stemBeforeVowel(word: string, doubling: ReadonlySet<string>): string {
  if (/ic$/.test(word)) return `${word}k`;
  if (doublesFinal(word, doubling)) return word + word.slice(-1);
  return word;
}

export function presentParticiples(verb: string, doubling: ReadonlySet<string> = DOUBLING_VERBS): string[] {
  if (/ie$/.test(verb)) return [`${verb.slice(0, -2)}ying`];
  if (/(?:ee|oe|ye)$/.test(verb)) return [`${verb}ing`];
  if (/[^aeiou]e$/.test(verb) || /ue$/.test(verb)) return [`${verb.slice(0, -1)}ing`];
  const stem = stemBeforeVowel(verb, doubling);
  return BOTH_SPELLINGS.has(verb) && stem !== verb ? [`${stem}ing`, `${verb}ing`] : [`${stem}ing`];
}

export function regularPasts(verb: string, doubling: ReadonlySet<string> = DOUBLING_VERBS): string[] {
  if (/e$/.test(verb)) return [`${verb}d`];
  if (/[^aeiou]y$/.test(verb)) return [`${verb.slice(0, -1)}ied`];
  const stem = stemBeforeVowel(verb, doubling);
  return BOTH_SPELLINGS.has(verb) && stem !== verb ? [`${stem}ed`, `${verb}ed`] : [`${stem}ed`];
}

/** Comparative, superlative and "-ish" of a gradable adjective (big → bigger, biggest, biggish). */
export function gradedForms(adjective: string): string[] {
  const none: ReadonlySet<string> = new Set();
  if (/e$/.test(adjective)) {
    const stem = adjective.slice(0, -1);
    return [`${stem}er`, `${stem}est`, `${stem}ish`];
  }
  if (/[^aeiou]y$/.test(adjective)) {
    const stem = adjective.slice(0, -1);
    return [`${stem}ier`, `${stem}iest`, `${adjective}ish`];
  }
  const stem = stemBeforeVowel(adjective, none);
  return [`${stem}er`, `${stem}est`, `${stem}ish`];
}

/** Plural of a noun (shirt → shirts, dress → dresses, hoodie → hoodies). */
export function plural(noun: string): string {
  if (/(?:s|x|z|ch|sh)$/.test(noun)) return `${noun}es`;
  if (/[^aeiou]y$/.test(noun)) return `${noun.slice(0, -1)}ies`;
  return `${noun}s`;
}
