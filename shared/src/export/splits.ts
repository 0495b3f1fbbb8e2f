/**
 * Dataset splits by video, as in MeViS: train / valid_u (a held-out part of the training videos,
 * with masks) / valid / test. A release keeps a video's pinned split (the one it first got), else
 * the split its source gave it or an admin chose (services/video-splits.ts), and allocates the
 * rest by exact quotas (allocateByQuota): a pure function of the names, the seed and the
 * proportions, so the same inputs always give the same splits.
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

/**
 * How a release chose a video's split: kept from the release that first included it, the split its
 * source put it in (a MeViS split folder, DAVIS ImageSets, a YouTube-VOS train/valid folder), an
 * admin's choice before its first release, or the quota of the proportions.
 */
export const SPLIT_ORIGINS = ['pinned', 'source', 'explicit', 'quota'] as const;
export type SplitOrigin = (typeof SPLIT_ORIGINS)[number];
/** Per split written, how many of its videos came by each origin (only non-zero entries, in SPLITS / SPLIT_ORIGINS order). */
export type SplitCounts = Partial<Record<Split, Partial<Record<SplitOrigin, number>>>>;

/** Counts per split and origin in a fixed key order, so the JSON of the same counts is the same text. */
export function tallySplits(rows: Iterable<{ split: Split; origin: SplitOrigin }>): SplitCounts {
  const n = new Map<string, number>();
  for (const r of rows) n.set(`${r.split}/${r.origin}`, (n.get(`${r.split}/${r.origin}`) ?? 0) + 1);
  const out: SplitCounts = {};
  for (const s of SPLITS) {
    for (const o of SPLIT_ORIGINS) {
      const c = n.get(`${s}/${o}`);
      if (c) (out[s] ??= {})[o] = c;
    }
  }
  return out;
}

/** Shares are floats (1662 / 2006 × 2006 is 1661.9999…): a hair under an integer counts as it. */
const EPS = 1e-9;

/**
 * How many of `n` videos each split gets: largest remainder over the proportions, except that once
 * there are at least as many videos as splits with a share, every such split gets one (a small
 * project's valid_u is otherwise always empty: 2.5 % of 30 videos rounds to none). The seats for
 * that minimum come from the splits furthest above their exact share. Ties go to the split first in SPLITS.
 */
export function quotaCounts(n: number, p: SplitProportions): Record<Split, number> {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`a video count is a non-negative integer (got ${n})`);
  checkProportions(p);
  const exact = (s: Split) => p[s] * n;
  const seats = Object.fromEntries(SPLITS.map((s) => [s, Math.floor(exact(s) + EPS)])) as Record<Split, number>;
  const positive = SPLITS.filter((s) => p[s] > 0);
  const total = () => SPLITS.reduce((t, s) => t + seats[s], 0);
  const argmax = (cands: readonly Split[], key: (s: Split) => number) => cands.reduce((best, s) => (key(s) > key(best) + EPS ? s : best));
  if (n >= positive.length) {
    for (const s of positive) seats[s] = Math.max(seats[s], 1);
    // Σ floors ≤ n, so at most one seat per bumped split is too many; splits above one seat give them back.
    while (total() > n) {
      const s = argmax(
        positive.filter((x) => seats[x] > 1),
        (x) => seats[x] - exact(x),
      );
      seats[s]--;
    }
  }
  while (total() < n) seats[argmax(positive, (s) => exact(s) - seats[s])]++;
  return seats;
}

/**
 * Splits for videos that have none yet: ordered by their seeded name hash (hashUnit; name as the
 * tie-break), the first quotaCounts(...).train go to train, the next to valid_u, and so on. The
 * result depends only on the set of names, the seed and the proportions (not their order).
 */
export function allocateByQuota(names: Iterable<string>, seed: number, p: SplitProportions): Map<string, Split> {
  const order = [...new Set(names)]
    .map((name) => ({ name, u: hashUnit(name, seed) }))
    .sort((a, b) => a.u - b.u || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const counts = quotaCounts(order.length, p);
  const out = new Map<string, Split>();
  let i = 0;
  for (const s of SPLITS) for (let k = 0; k < counts[s]; k++) out.set(order[i++]!.name, s);
  return out;
}
