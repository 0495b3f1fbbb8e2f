import { z } from 'zod';
import { SPLITS } from '../export/splits.ts';

const Share = z.number().min(0).max(1);

/** Split proportions given for one release (the CLI's --proportions, the release form): each ≥ 0, summing to 1. */
export const SplitProportionsInput = z
  .object({ train: Share, valid_u: Share, valid: Share, test: Share })
  .refine((p) => Math.abs(p.train + p.valid_u + p.valid + p.test - 1) < 1e-6, 'split proportions must sum to 1');

/**
 * An admin's split for videos no release has included yet (null: no choice, the release's
 * proportions decide). A few hundred ids at once at most: a bulk choice, not an import.
 */
export const SetVideoSplitInput = z.object({
  videoIds: z.array(z.number().int().positive()).min(1).max(500),
  split: z.enum(SPLITS).nullable(),
});

/** A video's split as the admin page shows it. */
export const VideoSplitState = z.object({
  videoId: z.number().int(),
  /** The source's split or an admin's choice; null: the next release allocates it by the proportions. */
  sourceSplit: z.enum(SPLITS).nullable(),
  /** Where `sourceSplit` came from. */
  origin: z.enum(['source', 'explicit']).nullable(),
  /** Set once a release included the video: its split from then on, and that release. */
  pinned: z.object({ split: z.enum(SPLITS), version: z.string() }).nullable(),
});
export type VideoSplitState = z.infer<typeof VideoSplitState>;

export const SetVideoSplitResult = z.object({ changed: z.array(z.string()), unchanged: z.array(z.string()) });
