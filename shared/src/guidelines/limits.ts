/** Length and similarity limits of an expression. */

export interface GuidelineLimits {
  minWords: number;
  maxWords: number;
  maxChars: number;
  /** Similarity (0..1, see similarity.ts) from which an expression is a near duplicate of another. */
  nearDuplicate: number;
}

/**
 * - minWords 3: MeViS expressions average about 7 words; "the bird flying" is about the shortest
 *   that names an object and a motion; two words ("bird flying") rarely tell similar objects apart.
 * - maxWords 40 / maxChars 250: several times the average and enough for an A3 group with its
 *   context ("the two lions fighting and running amidst a group of lions" is 11); longer texts are
 *   paragraphs that speakers cannot read naturally in one go.
 * - nearDuplicate 0.85: with similarity.ts any differing content word at least halves the score, so
 *   the threshold only decides how much grammar may differ: "the bird that is flying away" vs
 *   "bird flying away" (0.92) is a duplicate, "it is the dog that is running" vs "dog running" (0.8)
 *   is not (see similarity.test.ts).
 */
export const DEFAULT_LIMITS: GuidelineLimits = Object.freeze({ minWords: 3, maxWords: 40, maxChars: 250, nearDuplicate: 0.85 });

/** Defaults for missing or non-numeric values, so a bad setting cannot disable or break a check. */
export function resolveLimits(limits: Partial<GuidelineLimits> | undefined): GuidelineLimits {
  const pick = (key: keyof GuidelineLimits) => {
    const v = limits?.[key];
    return typeof v === 'number' && !Number.isNaN(v) ? v : DEFAULT_LIMITS[key];
  };
  return { minWords: pick('minWords'), maxWords: pick('maxWords'), maxChars: pick('maxChars'), nearDuplicate: pick('nearDuplicate') };
}
