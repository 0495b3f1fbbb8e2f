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

/**
 * Frames must be numbered and evenly spaced: a missing number in the middle means a lost frame,
 * which would silently shift every later mask against its frame. A constant stride (YouTube-VOS
 * keeps every 5th frame: 00000, 00005, …) is not a gap.
 */
export function checkFrameSequence(names: string[], file: string): void {
  if (names.length < 2) throw new ImportError(file, `has ${names.length} frame(s); a motion video needs at least 2`);
  const numbers = names.map((n) => {
    if (!/^[0-9]{1,9}$/.test(n)) throw new ImportError(file, `frame name ${JSON.stringify(n)} is not a frame number (expected names like 00000)`);
    return Number(n);
  });
  const stride = numbers[1]! - numbers[0]!;
  if (stride <= 0) throw new ImportError(file, `frames ${names[0]} and ${names[1]} are out of order or duplicated`);
  for (let i = 2; i < numbers.length; i++) {
    const step = numbers[i]! - numbers[i - 1]!;
    if (step !== stride) {
      throw new ImportError(file, `frame gap: ${names[i - 1]} is followed by ${names[i]} (expected a step of ${stride})`);
    }
  }
}
