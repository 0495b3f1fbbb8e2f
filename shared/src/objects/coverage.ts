/**
 * How much of a video an object's track covers. MeViS needs full tracks (a mask, or an absence,
 * decided on every frame); key-frame tools (XMem/AOT-style) give masks on a few frames only.
 */
export interface TrackCoverage {
  /** Frames with a mask. */
  masked: number;
  /** Frames in the video. */
  frames: number;
  /** First and last masked frame index; null when the object has no mask at all. */
  first: number | null;
  last: number | null;
  /**
   * A track with holes: fewer masks than the span from its first to its last masked frame, or one
   * mask in a video of several frames (a first-frame-only annotation). An object that enters late
   * or leaves early is not sparse: its masks are contiguous.
   */
  sparse: boolean;
}

export function trackCoverage(masked: number, frames: number, first: number | null, last: number | null): TrackCoverage {
  const span = first === null || last === null ? 0 : last - first + 1;
  return { masked, frames, first, last, sparse: masked === 0 || masked < span || (masked === 1 && frames > 1) };
}
