/**
 * Words as a listener counts them when judging a speaking rate. The rules match the annotation
 * guidelines' tokenizer, so the rate is computed over the same word count the annotator saw: a word
 * starts with a letter or digit and runs on over apostrophes ("don't", "dog's") and hyphens
 * ("t-shirt", "left-hand" are one word), and "1.5" is one token.
 */
const WORD = /[\p{L}\p{N}][\p{L}\p{M}\p{N}]*(?:(?:['’ʼ‘\-‐‑]|(?<=\p{N})[.,](?=\p{N}))[\p{L}\p{M}\p{N}]+)*/gu;

export function words(text: string): string[] {
  return text.normalize('NFC').match(WORD) ?? [];
}

export function countWords(text: string): number {
  return words(text).length;
}
