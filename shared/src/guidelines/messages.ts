/** The sentences the annotator reads; each names what is at fault and the guideline behind it. */

function quote(text: string, max = 80): string {
  const chars = [...text];
  return `"${chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : text}"`;
}

/** "a", "a and b", "a, b and c". */
function list(items: readonly string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items[items.length - 1]}`;
}

const plural = (n: number, one: string, many: string) => (n === 1 ? one : many);

export const messages = {
  tooShort: (count: number, min: number) =>
    `Too short (${count} ${plural(count, 'word', 'words')}, at least ${min}): say what moves and how, e.g. "the bird flying away".`,
  tooLong: (count: number, max: number, unit: 'words' | 'characters') =>
    `Too long (${count} ${unit}, at most ${max}): keep it to one expression about the motion.`,
  duplicate: (existing: string) => `This expression is already written for this video (${quote(existing)}): write a different one.`,
  nearDuplicate: (existing: string) =>
    `Almost the same as ${quote(existing)}, already written for this video: describe another motion or target instead of rewording it.`,
  noTargetWithoutMotion: () =>
    `A5: a no-target expression must still describe motion — say what the absent object does, e.g. "the dog jumping over the fence".`,
  targetWithoutMotion: () =>
    `A1: the targets must be told apart by how they move — say what they do, e.g. "the horse walking along the fence", not "the horse near the fence" (no motion word found: check the verb's spelling, or use a common one such as moving, walking, turning).`,
  staticTarget: (objects: readonly number[]) =>
    `A1: ${plural(objects.length, 'object', 'objects')} ${list(objects.map((o) => `#${o}`))} ${plural(objects.length, 'barely moves', 'barely move')} in this video — targets must clearly move; keep ${plural(objects.length, 'it', 'them')} only if the motion you describe is really there.`,
  staticAttributes: (words: readonly string[]) =>
    `A2/A4: ${list(words.map((w) => quote(w, 40)))} ${plural(words.length, 'describes', 'describe')} appearance, not motion — keep ${plural(words.length, 'it', 'them')} only if motion alone cannot tell the targets apart.`,
};
