/**
 * k-anonymity of the speaker answers a release publishes (issue 18). A speaker's profile is opt-in
 * (speaker_profiles), and a release shows it next to their clips (audio/*.tsv): with a handful of
 * speakers, "the one 60+ non-binary speaker with a studio microphone" is a person. So an answer
 * appears only when at least k speakers of the release share it, and so does the combination of
 * answers a speaker's rows show; everything else is written as unknown.
 */

/**
 * The default k. Common Voice's bundler has a "rule of five" of the same size, coarser: a language
 * with fewer than 5 speakers publishes no age or gender at all (common-voice/common-voice,
 * bundler/src/core/ruleOfFive.ts MINIMUM_UNIQUE_SPEAKERS, applied in bundler/src/core/clips.ts).
 */
export const DEFAULT_K_ANONYMITY = 5;
/** Bounds of the release option (1 disables the rule). */
export const MIN_K_ANONYMITY = 1;
export const MAX_K_ANONYMITY = 1000;

/** The answers a release may publish per speaker (shared/domain.ts: NATIVENESS, GENDERS, AGE_GROUPS, MICROPHONES). */
export const SPEAKER_ATTRIBUTES = ['gender', 'ageGroup', 'nativeness', 'microphone'] as const;
export type SpeakerAttribute = (typeof SPEAKER_ATTRIBUTES)[number];
export type SpeakerAnswers = Record<SpeakerAttribute, string | null>;

/**
 * When a speaker's combination of answers is too rare, answers are given up in this order until it
 * is not: the microphone first (equipment, the least about the person), then the age group (the
 * finest scale), then nativeness, and gender last (the answer dataset users ask for most).
 */
export const SUPPRESSION_ORDER: readonly SpeakerAttribute[] = ['microphone', 'ageGroup', 'nativeness', 'gender'];

/** Whether `k` is a usable release option: an integer from MIN_K_ANONYMITY to MAX_K_ANONYMITY. */
export function isValidK(k: number): boolean {
  return Number.isInteger(k) && k >= MIN_K_ANONYMITY && k <= MAX_K_ANONYMITY;
}

const tupleKey = (a: SpeakerAnswers) => JSON.stringify(SPEAKER_ATTRIBUTES.map((k) => a[k]));
const isBlank = (a: SpeakerAnswers) => SPEAKER_ATTRIBUTES.every((k) => a[k] === null);

/**
 * What each speaker's rows may show, from everyone's answers (null = not answered), for a release
 * whose speakers are exactly `speakers` (keyed by any id):
 * 1. each answer held by fewer than k speakers becomes unknown (null);
 * 2. then, round after round, the speakers whose whole combination (nulls included) is shown by
 *    fewer than k speakers give up their next answer in SUPPRESSION_ORDER (all members of such a
 *    group give up the same one, so they stay together), until every combination that still shows
 *    anything is shared by at least k speakers. A speaker showing nothing reveals nothing.
 * Every step depends on counts only, so the result does not depend on the order of the input.
 * k = 1 keeps every answer.
 */
export function kAnonymise<Id>(speakers: ReadonlyMap<Id, SpeakerAnswers>, k: number): Map<Id, SpeakerAnswers> {
  if (!isValidK(k)) throw new Error(`k must be an integer from ${MIN_K_ANONYMITY} to ${MAX_K_ANONYMITY} (got ${k})`);
  const out = new Map<Id, SpeakerAnswers>();
  for (const [id, a] of speakers) out.set(id, { ...a });
  if (k <= 1) return out;

  for (const attr of SPEAKER_ATTRIBUTES) {
    const counts = new Map<string, number>();
    for (const a of out.values()) if (a[attr] !== null) counts.set(a[attr], (counts.get(a[attr]) ?? 0) + 1);
    for (const a of out.values()) if (a[attr] !== null && counts.get(a[attr])! < k) a[attr] = null;
  }

  for (;;) {
    const groups = new Map<string, SpeakerAnswers[]>();
    for (const a of out.values()) {
      const key = tupleKey(a);
      const g = groups.get(key);
      if (g) g.push(a);
      else groups.set(key, [a]);
    }
    let changed = false;
    for (const members of groups.values()) {
      if (members.length >= k || isBlank(members[0]!)) continue;
      const attr = SUPPRESSION_ORDER.find((x) => members[0]![x] !== null)!;
      for (const a of members) a[attr] = null;
      changed = true;
    }
    if (!changed) return out;
  }
}

/**
 * Counts per answer (a summary of speakers) with every answer held by fewer than k speakers folded
 * into `unknown` (keys in the input's order; the caller sorts). k = 1 leaves the counts as they are.
 */
export function foldRareCounts(counts: Readonly<Record<string, number>>, k: number, unknown = 'unstated'): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [answer, n] of Object.entries(counts)) {
    const key = n < k ? unknown : answer;
    out[key] = (out[key] ?? 0) + n;
  }
  return out;
}
