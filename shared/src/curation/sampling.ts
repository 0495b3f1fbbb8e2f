/**
 * Up to `max` items spread evenly over `items` (all of them when there are no more than `max`),
 * in order. Deterministic, and objects visible on the same frames pick the same ones, so the frames
 * to decode for a whole video stay few.
 */
export function sampleEvenly<T>(items: readonly T[], max: number): T[] {
  const n = items.length;
  if (max <= 0) return [];
  if (n <= max) return [...items];
  const out: T[] = [];
  for (let k = 0; k < max; k++) out.push(items[Math.floor(((k + 0.5) * n) / max)]);
  return out;
}

/** Frames sampled per object for its appearance histogram. */
export const FRAMES_PER_OBJECT = 8;

/**
 * The frames on which to measure each object (its `visible` frames, ascending): the video-wide
 * even grid of `max` frames (over every frame where any object is visible) where the object is on
 * at least half of them, else its own even sample. Most objects of a clip are visible on most
 * frames, so they share the grid and a video costs about `max` decoded frames, not `max` per object.
 */
export function sampleFramesPerObject<K>(visible: ReadonlyMap<K, readonly number[]>, max = FRAMES_PER_OBJECT): Map<K, number[]> {
  const all = [...new Set([...visible.values()].flat())].sort((a, b) => a - b);
  const grid = sampleEvenly(all, max);
  const out = new Map<K, number[]>();
  for (const [key, frames] of visible) {
    const on = new Set(frames);
    const shared = grid.filter((f) => on.has(f));
    out.set(key, shared.length >= Math.min(frames.length, Math.ceil(max / 2)) ? shared : sampleEvenly(frames, max));
  }
  return out;
}
