/**
 * The names a release writes a video's frames under (JPEGImages/<video>/<name>.jpg and the
 * "frames" list of meta_expressions.json). The source's own names are kept when the MeViS tools
 * read them unchanged (MEVIS_FORMAT.md §3, §7): plain file names, already in sorted order (the
 * loaders sort the list and index mask_dict by that position, the evaluator by the stored one),
 * the first one "00000" (the evaluator reads <video>/<exp>/00000.png for the frame size). So
 * YouTube-VOS strides (00000, 00005, …) and DAVIS names stay as they were; anything else
 * (frame_000001, a clip that starts at 00003, names that sort otherwise) is renumbered 00000, 00001, …
 * and the video gets a frame map {written: source} so every frame can be traced to its source file.
 */

/** A name kept as it is: letters, digits, "_" and "-" only (no dot: `<name>.jpg` stays unambiguous). */
export const KEEPABLE_FRAME_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** The name of the frame at position `idx` when a video's frames are renumbered. */
export const renumberedFrameName = (idx: number): string => String(idx).padStart(5, '0');

export interface WrittenFrames {
  /** One name per frame, in frame order. */
  names: string[];
  /** [written, source] per frame when renumbered; null when the source's names are kept. */
  frameMap: [string, string][] | null;
}

/** Whether the MeViS loaders and evaluator read these names as the frames in this order. */
export function keepsSourceNames(source: readonly string[]): boolean {
  if (source.length === 0 || source[0] !== '00000') return false;
  // Code-unit order: Python's sorted() on these ASCII names gives the same order.
  return source.every((n, i) => KEEPABLE_FRAME_NAME.test(n) && (i === 0 || source[i - 1]! < n));
}

export function writtenFrameNames(source: readonly string[]): WrittenFrames {
  if (keepsSourceNames(source)) return { names: [...source], frameMap: null };
  const names = source.map((_, i) => renumberedFrameName(i));
  return { names, frameMap: names.map((n, i) => [n, source[i]!]) };
}

/** The frame map as the JSON text of an object {written: source}, in frame order. */
export function frameMapJson(map: readonly [string, string][]): string {
  // Written names have leading zeros ("00012"), so JavaScript readers do not reorder them as
  // integer keys; Python's json keeps file order anyway.
  return `{${map.map(([w, s]) => `${JSON.stringify(w)}:${JSON.stringify(s)}`).join(',')}}`;
}
