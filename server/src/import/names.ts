import { ImportError } from './errors.ts';

/**
 * Video and frame names come from folder and file names of the source and go back to disk on
 * export, so only plain, portable names are accepted (no separators, no leading dot, no spaces).
 */
const SAFE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

export function checkName(kind: 'video' | 'frame', name: string, file: string): string {
  if (!SAFE_NAME.test(name) || name.includes('..')) {
    throw new ImportError(file, `${kind} name ${JSON.stringify(name)} is not allowed (use letters, digits, ".", "_", "-"; at most 128 characters)`);
  }
  return name;
}

/** Longer digit runs would lose precision as a Number and then tie with their neighbours. */
const MAX_DIGITS = 15;

/**
 * The number a frame name carries: its last run of digits, so `00042`, `frame_000042` and
 * `cam2_frame_42` are all frame 42 (tools write all of these; YouTube-VOS keeps `00000693`).
 * `file` is what the error names: the frame's file, or the list that holds the name.
 */
export function frameNumber(name: string, file: string): number {
  const digits = /([0-9]+)[^0-9]*$/.exec(name)?.[1];
  if (digits === undefined) throw new ImportError(file, `frame name ${JSON.stringify(name)} has no number (expected names like 00000 or frame_000000)`);
  if (digits.replace(/^0+(?=.)/, '').length > MAX_DIGITS) throw new ImportError(file, `frame name ${JSON.stringify(name)} has a number longer than ${MAX_DIGITS} digits`);
  return Number(digits);
}

/**
 * Frames in natural order (by their number: `frame_2` before `frame_10`), as a directory listing
 * gives them in string order. Digitless names and two names with one number are refused, since
 * either would leave the order — and with it which mask belongs to which frame — to chance.
 */
export function naturalOrder<T extends { name: string }>(frames: readonly T[], fileOf: (f: T) => string): T[] {
  const numbered = frames.map((f) => ({ f, n: frameNumber(f.name, fileOf(f)) }));
  numbered.sort((a, b) => a.n - b.n);
  for (let i = 1; i < numbered.length; i++) {
    const [a, b] = [numbered[i - 1]!, numbered[i]!];
    if (a.n === b.n) throw new ImportError(fileOf(b.f), `frame number ${b.n} is also the number of ${fileOf(a.f)}; the frame order is ambiguous`);
  }
  return numbered.map((x) => x.f);
}

/**
 * Frames must come in natural order and be evenly spaced: a missing number in the middle means a
 * lost frame, which would silently shift every later mask against its frame. A constant stride
 * (YouTube-VOS keeps every 5th frame: 00000, 00005, …) is not a gap. `where` names the video
 * (its folder, or its entry of a MeViS frames list).
 */
export function checkFrameSequence(names: string[], where: string): void {
  if (names.length < 2) throw new ImportError(where, `has ${names.length} frame(s); a motion video needs at least 2`);
  const numbers = names.map((n) => frameNumber(n, where));
  for (let i = 1; i < numbers.length; i++) {
    if (numbers[i] === numbers[i - 1]) throw new ImportError(where, `frames ${names[i - 1]} and ${names[i]} have the same number ${numbers[i]}; the frame order is ambiguous`);
    if (numbers[i]! < numbers[i - 1]!) {
      throw new ImportError(where, `frames are not sorted in natural order: ${names[i]} comes after ${names[i - 1]}, so the mask order is ambiguous`);
    }
  }
  const stride = numbers[1]! - numbers[0]!;
  for (let i = 2; i < numbers.length; i++) {
    const step = numbers[i]! - numbers[i - 1]!;
    if (step !== stride) {
      throw new ImportError(where, `frame gap: ${names[i - 1]} is followed by ${names[i]} (expected a step of ${stride})`);
    }
  }
}
