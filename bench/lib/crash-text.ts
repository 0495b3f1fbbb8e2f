/**
 * Expression texts for test:crash's annotators: motion sentences built from independent slots, so
 * two drafts almost always differ in at least one content word (which puts them far below the
 * near-duplicate threshold). Each draft is run through the same guideline checks as the annotation
 * page before it is sent, against the texts the server listed for the video; warnings are
 * acknowledged the way an annotator clicks "yes, I mean it".
 */
import { blockingFindings, checkExpression } from '#shared/guidelines/index.ts';
import { countWords } from '#shared/audio/words.ts';

const SUBJECTS = ['object', 'thing', 'shape', 'figure', 'creature', 'animal', 'one', 'item'];
const VERBS = ['moving', 'drifting', 'sliding', 'gliding', 'bouncing', 'circling', 'wandering', 'rolling', 'hopping', 'floating', 'turning', 'running', 'crawling', 'walking', 'jumping', 'spinning'];
const WAYS = ['to the left', 'to the right', 'upward', 'downward', 'toward the camera', 'away from the camera', 'across the frame', 'along the edge', 'in circles', 'back and forth'];
const ENDS = ['then stopping', 'then turning back', 'before speeding up', 'while slowing down', 'and then leaving', 'without pausing', 'repeatedly', 'steadily', 'at first', 'after waiting'];

export interface Draft {
  text: string;
  acknowledged: string[];
}

export function draftExpression(
  random: () => number,
  targets: number[],
  motion: { localId: number; moving: boolean | null }[],
  existingTexts: string[],
): Draft | null {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;
  const ctx = {
    motion: new Map(motion.filter((m) => m.moving !== null).map((m) => [m.localId, { moving: m.moving! }])),
    existingTexts,
  };
  for (let attempt = 0; attempt < 30; attempt++) {
    const subject = targets.length > 1 ? `the two ${pick(SUBJECTS)}s` : `the ${pick(SUBJECTS)}`;
    const text = `${subject} ${pick(VERBS)} ${pick(WAYS)} ${pick(ENDS)}`;
    const findings = checkExpression({ text, targets }, ctx);
    if (blockingFindings(findings).length) continue;
    return { text, acknowledged: findings.filter((f) => f.severity === 'warning').map((f) => f.code) };
  }
  return null;
}

/** One representative text per word count our drafts can have (for the speakers' takes). */
export function textsByWordCount(random: () => number): Map<number, string> {
  const out = new Map<number, string>();
  for (let i = 0; i < 5000; i++) {
    const d = draftExpression(random, i % 2 ? [1] : [1, 2], [], []);
    if (!d) continue;
    const n = countWords(d.text);
    if (!out.has(n)) out.set(n, d.text);
  }
  return out;
}
