import { z } from 'zod';
import { SPLITS } from '../export/splits.ts';

/** The admin's quality page (server/src/routers/admin-quality.ts): agreement and per-person reliability. */

/** Bootstrap resamples: enough for a stable 95 % interval, few enough to stay a few seconds on a big project. */
export const MAX_BOOTSTRAP_ITERATIONS = 5000;
/** A date range covers at most this many days (weeks listed: at most 157). */
export const MAX_RANGE_DAYS = 3 * 366;

const IsoDay = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a day is YYYY-MM-DD')
  .refine((s) => {
    const t = Date.parse(`${s}T00:00:00Z`);
    return Number.isFinite(t) && new Date(t).toISOString().slice(0, 10) === s;
  }, 'not a calendar day');

export const QualityQuery = z
  .object({
    distance: z.enum(['masi', 'jaccard']).default('masi'),
    iterations: z.number().int().min(0).max(MAX_BOOTSTRAP_ITERATIONS).default(1000),
    /** Samples written on these UTC days (inclusive); without them, everything (weeks: the latest 52). */
    from: IsoDay.optional(),
    to: IsoDay.optional(),
    /** Per-person rates over fewer trials are not shown. */
    minCount: z.number().int().min(5).max(10_000).default(20),
  })
  .strict()
  .refine((q) => !q.from || !q.to || q.from <= q.to, { message: '"from" is after "to"', path: ['from'] })
  .refine((q) => !q.from || !q.to || (Date.parse(q.to) - Date.parse(q.from)) / 86_400_000 <= MAX_RANGE_DAYS, {
    message: `a range covers at most ${MAX_RANGE_DAYS} days`,
    path: ['to'],
  });
export type QualityQuery = z.infer<typeof QualityQuery>;

export const AlphaView = z.object({
  /** Krippendorff's α (null when undefined: no pairable samples, or every answer the same). */
  alpha: z.number().nullable(),
  /** 95 % bootstrap interval (null without resamples). */
  low: z.number().nullable(),
  high: z.number().nullable(),
  /** Samples with at least two set answers (annotator included). */
  units: z.number().int(),
  /** Pairs of answers compared within samples. */
  pairs: z.number().int(),
  /** Protocol answers (rounds 1–2) and the rejections among them, which α leaves out (not target sets). */
  answers: z.number().int(),
  rejections: z.number().int(),
});
export type AlphaView = z.infer<typeof AlphaView>;

export const RateView = z.object({
  n: z.number().int(),
  k: z.number().int(),
  p: z.number().nullable(),
  low: z.number().nullable(),
  high: z.number().nullable(),
  peer: z.number().nullable(),
  z: z.number().nullable(),
  tailLow: z.number().nullable(),
  tailHigh: z.number().nullable(),
});
export type RateView = z.infer<typeof RateView>;

export const RELIABILITY_FLAGS = ['outcome_low', 'gold_low', 'no_target_high', 'no_target_low', 'reject_high', 'reject_low'] as const;

export const PersonRow = z.object({
  userId: z.number().int(),
  username: z.string(),
  role: z.enum(['annotator', 'validator']),
  outcome: RateView,
  gold: RateView.nullable(),
  noTarget: RateView.nullable(),
  reject: RateView.nullable(),
  flags: z.array(z.enum(RELIABILITY_FLAGS)),
});
export type PersonRow = z.infer<typeof PersonRow>;

export const QualityReport = z.object({
  distance: z.enum(['masi', 'jaccard']),
  iterations: z.number().int(),
  seed: z.number().int(),
  from: z.string().nullable(),
  to: z.string().nullable(),
  overall: AlphaView,
  /** By the video's split: the one a release pinned, else the one the next release would give it (`predicted`). */
  splits: z.array(AlphaView.extend({ split: z.enum(SPLITS), predicted: z.number().int() })),
  /** By the UTC week (Monday) the sample was written, newest first. */
  weeks: z.array(AlphaView.extend({ week: z.string() })),
  /** More weeks had samples than are listed (only the latest 52 without a range). */
  weeksLeftOut: z.number().int(),
  people: z.array(PersonRow),
  minCount: z.number().int(),
  flagP: z.number(),
  /** When the numbers were computed (ms) and how long it took: they are cached until the data change. */
  computedAt: z.number(),
  ms: z.number(),
});
export type QualityReport = z.infer<typeof QualityReport>;
