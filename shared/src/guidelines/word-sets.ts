/**
 * Small closed-class word sets that the lexicon rules and the similarity measure read as context.
 * Keys are lower-case; the matchers compare token keys (see tokenize.ts).
 */

/** Splits a whitespace-separated literal into a list; keeps the data below readable. */
export function words(list: string): string[] {
  return list.split(/\s+/).filter(Boolean);
}

export const ARTICLES: ReadonlySet<string> = new Set(words('a an the'));

export const DETERMINERS: ReadonlySet<string> = new Set(
  words('a an the this that these those its his her their our my your some any each every all both no another other either neither several many few'),
);

export const PRONOUNS: ReadonlySet<string> = new Set(
  words('it him them her us me you itself himself herself themselves one ones he she they we i'),
);

export const PREPOSITIONS: ReadonlySet<string> = new Set(
  words(`about above across after against along alongside amid amidst among amongst around at away back before behind below beneath
    beside besides between beyond by down during for from in inside into near next of off on onto out outside over past round
    through throughout to toward towards under underneath until up upon via with within without`),
);

export const CONJUNCTIONS: ReadonlySet<string> = new Set(
  words('and or but nor then while as than so when where whereas until because if though although that which who whom whose'),
);

/** Number words up to twenty, and the digits that spell the same number. */
export const NUMBER_WORDS: readonly string[] = words(
  'zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty',
);

export function isNumberKey(key: string): boolean {
  return /^\p{N}+$/u.test(key) || NUMBER_WORDS.includes(key) || ORDINALS.has(key);
}

export const ORDINALS: ReadonlySet<string> = new Set(words('first second third fourth fifth sixth seventh eighth ninth tenth last'));

/**
 * Nouns of time and distance: a size word in front of them measures the motion ("a long way",
 * "a short while", "a long flight"), not the object.
 */
export const TIME_DISTANCE_NOUNS: ReadonlySet<string> = new Set(
  words(`time times while way ways distance distances period periods moment moments second seconds minute minutes hour hours day days
    stretch stretches trip trips journey journeys flight flights pause pauses break breaks interval intervals duration span spell
    route routes path paths trajectory trajectories lap laps term range arc arcs curve curves loop loops`),
);

/**
 * Plain adjectives (not appearance words, which lexicon-static.ts lists) that stand between a
 * determiner and a noun: after "the empty" or "an old" an ambiguous form ("swing", "rock") is the noun.
 */
export const NOUN_ADJECTIVES: ReadonlySet<string> = new Set(
  words('empty old new wooden metal plastic broken wet dry same only nearby distant front rear whole entire'),
);

