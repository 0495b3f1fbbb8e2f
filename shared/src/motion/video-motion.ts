import type { Rle } from '../rle/rle-type.ts';
import { measureTrack, resolveThresholds, type MotionThresholds, type ObjectMotion } from './object-motion.ts';

/**
 * Motion of every object of a video (one track per object, in the caller's order) and how many of
 * them move, the count behind curation rule R2. Camera motion is not compensated (see object-motion.ts):
 * in a shot that pans, every object counts as moving.
 */
export function videoMotionSummary(
  tracks: readonly (readonly (Rle | null)[])[],
  thresholds?: Partial<MotionThresholds>,
): { objects: ObjectMotion[]; movingObjects: number } {
  const t = resolveThresholds(thresholds);
  const objects = tracks.map((track) => measureTrack(track, t));
  return { objects, movingObjects: objects.filter((o) => o.moving).length };
}
