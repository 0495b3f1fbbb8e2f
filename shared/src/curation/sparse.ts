/**
 * Whether an object's track is sparse: masked on key frames only, as XMem/AOT-style tools and
 * key-frame annotation give it (masks on 5 of 87 frames, on every 10th, on the first frame only),
 * where MeViS needs a mask on every frame the object is visible on (an expression's ground truth is
 * the union of its objects' masks on each frame; a frame without a mask reads as "absent").
 *
 * Absence alone is no sign of it: real MeViS objects enter late, leave the view and are occluded
 * for stretches, so full tracks have long gaps too. What a real track does not look like is a row
 * of isolated frames: an object visible on one frame is nearly always visible on the next. So a
 * track is sparse when
 *  - it has a single masked frame in a video of two or more frames (the first frame only, one key
 *    frame; a real object seen for 1/6 s at MeViS's 6 fps is no use to an expression either), or
 *  - gaps cover at least half of its span (at most half of the frames from its first mask to its
 *    last are masked) and its masked frames come in runs of at most MAX_KEY_RUN on average. An
 *    occlusion, or an object that leaves and comes back, leaves long runs on either side of the
 *    gap, so it is never taken for key frames; masks on every other frame (just over half the span,
 *    runs of 1) are a flickering mask, not key-frame annotation, and are not flagged either.
 */
const MAX_KEY_RUN = 2;

/**
 * `masked`: the indices of the frames the object has a mask on (any order); `frameCount`: the
 * video's frames. An object with no mask at all is not sparse (it has no track to be partial).
 */
export function isSparseTrack(masked: readonly number[], frameCount: number): boolean {
  if (frameCount < 2 || masked.length === 0) return false;
  const frames = [...new Set(masked)].sort((a, b) => a - b);
  if (frames.length === 1) return true;
  const span = frames.at(-1)! - frames[0]! + 1;
  let runs = 1;
  for (let i = 1; i < frames.length; i++) if (frames[i] !== frames[i - 1]! + 1) runs++;
  return frames.length * 2 <= span && frames.length <= runs * MAX_KEY_RUN;
}
