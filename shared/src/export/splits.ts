/**
 * Dataset splits by video, as in MeViS: train / valid_u (a held-out part of the training videos,
 * with masks) / valid / test. A video's split is a pure function of its name, the seed and the
 * proportions, so the same inputs always give the same split; the server additionally pins each
 * video's first split so that it never moves when the proportions or seed change later.
 */
export const SPLITS = ['train', 'valid_u', 'valid', 'test'] as const;
export type Split = (typeof SPLITS)[number];

/** Splits whose masks ship in the split folder; the others' are in the release's ground-truth package. */
export const SPLITS_WITH_MASKS: readonly Split[] = ['train', 'valid_u'];

export type SplitProportions = Record<Split, number>;

/** MeViS: 1,662 train + 50 valid_u (= the paper's 1,712 training videos), 140 valid, 154 test of 2,006. */
export const MEVIS_PROPORTIONS: Readonly<SplitProportions> = Object.freeze({ train: 1662 / 2006, valid_u: 50 / 2006, valid: 140 / 2006, test: 154 / 2006 });

export function checkProportions(p: SplitProportions): void {
  const sum = SPLITS.reduce((s, k) => s + p[k], 0);
  if (SPLITS.some((k) => !(p[k] >= 0)) || Math.abs(sum - 1) > 1e-9) throw new Error(`split proportions must be ≥ 0 and sum to 1 (got ${SPLITS.map((k) => `${k}=${p[k]}`).join(', ')})`);
}

/** FNV-1a over the UTF-16 units, then a murmur3 finalizer: stable across platforms and versions. */
export function hashUnit(name: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  h ^= h >>> 16;
  return (h >>> 0) / 4294967296;
}

export function splitOf(videoName: string, seed: number, p: SplitProportions): Split {
  const u = hashUnit(videoName, seed);
  let acc = 0;
  for (const s of SPLITS) {
    acc += p[s];
    if (u < acc) return s;
  }
  return 'train';
}
