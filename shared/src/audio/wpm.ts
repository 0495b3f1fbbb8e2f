/** Speaking rate of a take. */
import { countWords } from './words.ts';

/**
 * Words of the expression per minute of `seconds`, which callers take from the trimmed take
 * (trimEnd − trimStart): pauses inside the sentence count, as a listener hears them. Not a rate
 * (NaN) when `seconds` is not a positive finite number; 0 for a text without words.
 */
export function wordsPerMinute(text: string, seconds: number): number {
  if (!(seconds > 0) || !Number.isFinite(seconds)) return Number.NaN;
  return (countWords(text) * 60) / seconds;
}
