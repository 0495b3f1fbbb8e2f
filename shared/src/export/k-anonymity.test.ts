import { describe, expect, it } from 'vitest';
import { foldRareCounts, kAnonymise, SPEAKER_ATTRIBUTES, SUPPRESSION_ORDER, type SpeakerAnswers } from './k-anonymity.ts';
import { summariseSpeakers } from './stats.ts';

const A = (gender: string | null, ageGroup: string | null = null, nativeness: string | null = null, microphone: string | null = null): SpeakerAnswers => ({ gender, ageGroup, nativeness, microphone });
const BLANK = A(null);

/** n speakers with the same answers, ids from `from` on. */
const many = (from: number, n: number, a: SpeakerAnswers): [number, SpeakerAnswers][] => Array.from({ length: n }, (_, i) => [from + i, { ...a }]);

/** A small seeded generator (mulberry32): the random populations are the same on every run. */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CHOICES: Record<keyof SpeakerAnswers, (string | null)[]> = {
  gender: ['female', 'male', 'non_binary', null],
  ageGroup: ['18-29', '30-44', '45-59', '60+', null],
  nativeness: ['native', 'non_native', null],
  microphone: ['headset', 'laptop', 'usb', 'studio', null],
};

function population(seed: number, n: number): Map<number, SpeakerAnswers> {
  const r = rng(seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)]!;
  return new Map(Array.from({ length: n }, (_, i) => [i, { gender: pick(CHOICES.gender), ageGroup: pick(CHOICES.ageGroup), nativeness: pick(CHOICES.nativeness), microphone: pick(CHOICES.microphone) }]));
}

describe('k-anonymity of speaker answers', () => {
  it('keeps an answer that exactly k speakers gave and drops one that k - 1 gave', () => {
    const out = kAnonymise(new Map([...many(0, 5, A('female')), ...many(5, 4, A('male'))]), 5);
    expect([...out.values()].filter((a) => a.gender === 'female')).toHaveLength(5);
    expect([...out.entries()].filter(([id]) => id >= 5).map(([, a]) => a)).toEqual(Array(4).fill(BLANK));
    // With k = 4 the four men are shown too.
    expect([...kAnonymise(new Map([...many(0, 5, A('female')), ...many(5, 4, A('male'))]), 4).values()].filter((a) => a.gender === 'male')).toHaveLength(4);
  });

  it('treats each attribute on its own first: a rare answer goes, the speaker\'s common ones stay', () => {
    // Six women 18-29; one of them is the only one who said "non_native".
    const speakers = new Map([...many(0, 5, A('female', '18-29', 'native')), [5, A('female', '18-29', 'non_native')] as [number, SpeakerAnswers]]);
    const out = kAnonymise(speakers, 5);
    // "non_native" (1 speaker) is dropped; then (female, 18-29, null) is shared by only one
    // speaker, so the next answer in the order (microphone: none; age group) goes, and so on.
    expect(out.get(5)).toEqual(BLANK);
    for (let i = 0; i < 5; i++) expect(out.get(i)).toEqual(A('female', '18-29', 'native'));
  });

  it('suppresses a combination that fewer than k share even when every single answer is common', () => {
    // Every answer is given by at least 5 of the 10, but no (gender, age group) pair is.
    const speakers = new Map([
      ...many(0, 4, A('female', '18-29')),
      ...many(4, 1, A('female', '30-44')),
      ...many(5, 1, A('male', '18-29')),
      ...many(6, 4, A('male', '30-44')),
    ]);
    const out = kAnonymise(speakers, 5);
    // The age group is given up first (the microphone is already unknown); then both genders are
    // shared by five, so gender stays.
    expect([...out.values()].map((a) => a.ageGroup)).toEqual(Array(10).fill(null));
    expect([...out.values()].filter((a) => a.gender === 'female')).toHaveLength(5);
    expect([...out.values()].filter((a) => a.gender === 'male')).toHaveLength(5);
  });

  it('gives up answers in the documented order, and only for the rare groups', () => {
    expect(SUPPRESSION_ORDER).toEqual(['microphone', 'ageGroup', 'nativeness', 'gender']);
    // Every single answer is given by at least 5 speakers; four combinations, one of them common.
    const speakers = new Map([
      ...many(0, 5, A('female', '30-44', 'native', 'headset')),
      ...many(5, 2, A('female', '18-29', 'native', 'headset')),
      ...many(7, 3, A('female', '18-29', 'native', 'usb')),
      ...many(10, 2, A('female', '30-44', 'native', 'usb')),
    ]);
    const out = kAnonymise(speakers, 5);
    // The common combination is untouched.
    for (let i = 0; i < 5; i++) expect(out.get(i)).toEqual(A('female', '30-44', 'native', 'headset'));
    // The rare ones give up the microphone first: 2 + 3 speakers 18-29 then make a group of five.
    for (let i = 5; i < 10; i++) expect(out.get(i)).toEqual(A('female', '18-29', 'native', null));
    // The last two (30-44, no microphone) are still alone: age group, nativeness, then gender go.
    for (let i = 10; i < 12; i++) expect(out.get(i)).toEqual(BLANK);
    // Groups that are large enough give nothing up.
    expect(kAnonymise(speakers, 2)).toEqual(speakers);
  });

  it('counts speakers who answered nothing towards k, and never reports them', () => {
    // Five women and two blank speakers: the women stay; the blanks stay blank.
    const out = kAnonymise(new Map([...many(0, 5, A('female', '45-59')), ...many(5, 2, BLANK)]), 5);
    expect(out.get(0)).toEqual(A('female', '45-59'));
    expect(out.get(6)).toEqual(BLANK);
  });

  it('k = 1 keeps every answer, however rare', () => {
    const speakers = population(7, 30);
    expect(kAnonymise(speakers, 1)).toEqual(speakers);
  });

  it('does not depend on the order of the speakers', () => {
    const speakers = population(11, 60);
    const want = kAnonymise(speakers, 3);
    const r = rng(99);
    for (let round = 0; round < 5; round++) {
      const shuffled = [...speakers.entries()].sort(() => r() - 0.5);
      expect(new Map([...kAnonymise(new Map(shuffled), 3)].sort(([a], [b]) => a - b))).toEqual(want);
    }
  });

  it('always ends k-anonymous: every shown answer and combination is shared by k speakers, and answers are only ever hidden', () => {
    for (const [seed, n, k] of [[1, 12, 2], [2, 40, 3], [3, 100, 5], [4, 300, 5], [5, 60, 10], [6, 8, 5]] as const) {
      const speakers = population(seed, n);
      const out = kAnonymise(speakers, k);
      const combos = new Map<string, number>();
      for (const a of out.values()) {
        const key = JSON.stringify(SPEAKER_ATTRIBUTES.map((x) => a[x]));
        combos.set(key, (combos.get(key) ?? 0) + 1);
      }
      for (const [key, count] of combos) if (key !== JSON.stringify([null, null, null, null])) expect(count, `${key} (seed ${seed})`).toBeGreaterThanOrEqual(k);
      for (const x of SPEAKER_ATTRIBUTES) {
        const counts = new Map<string, number>();
        for (const a of out.values()) if (a[x] !== null) counts.set(a[x], (counts.get(a[x]) ?? 0) + 1);
        for (const c of counts.values()) expect(c).toBeGreaterThanOrEqual(k);
      }
      for (const [id, a] of out) for (const x of SPEAKER_ATTRIBUTES) expect([speakers.get(id)![x], null]).toContain(a[x]);
      // Not everything is thrown away: in these populations some answers survive.
      if (n >= 40) expect([...out.values()].some((a) => a.gender !== null)).toBe(true);
    }
  });

  it('refuses a k that is not a whole number from 1 to 1000', () => {
    for (const k of [0, -1, 2.5, 1001, Number.NaN]) expect(() => kAnonymise(new Map(), k)).toThrow(/k must be/);
  });

  it('folds summary counts held by fewer than k speakers into "unstated"', () => {
    expect(foldRareCounts({ female: 5, male: 4, unstated: 1 }, 5)).toEqual({ female: 5, unstated: 5 });
    expect(foldRareCounts({ female: 5, male: 4 }, 1)).toEqual({ female: 5, male: 4 });
    expect(foldRareCounts({ usb: 2, headset: 3 }, 5)).toEqual({ unstated: 5 });
    const profiles = [
      ...Array.from({ length: 5 }, () => ({ nativeness: 'native', gender: 'female', ageGroup: '18-29', microphone: 'usb' })),
      { nativeness: 'non_native', gender: 'male', ageGroup: '60+', microphone: null },
    ];
    expect(summariseSpeakers(profiles, 5)).toEqual({
      speakers: 6,
      nativeness: { native: 5, unstated: 1 },
      gender: { female: 5, unstated: 1 },
      ageGroup: { '18-29': 5, unstated: 1 },
      microphone: { unstated: 1, usb: 5 },
    });
    expect(summariseSpeakers(profiles).gender).toEqual({ female: 5, male: 1 });
  });
});
