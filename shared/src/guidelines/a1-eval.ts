/**
 * Measures the checker's "has motion" decision (A1 for target expressions, A5 for no-target ones)
 * on a labelled set of sentences: fixtures/a1-labelled.json, scored by a1-labelled.test.ts and
 * printed by `npm run guidelines:eval`. The positive class is "motion"; "borderline" sentences are
 * left out of precision and recall and only counted, because either decision is defensible there.
 */
import { hasMotion } from './check-expression.ts';

export type A1Label = 'motion' | 'static' | 'borderline';

export interface LabelledSentence {
  text: string;
  label: A1Label;
  /** Why a borderline sentence is borderline. */
  note?: string;
  /**
   * "tune": written first, and the lexicons were corrected where it showed clear misses;
   * "holdout": written afterwards and never tuned on, so its numbers are the honest estimate.
   */
  split?: 'tune' | 'holdout';
}

export interface A1Evaluation {
  /** Motion sentences the checker accepts / refuses; static sentences it accepts / refuses. */
  truePositives: number;
  falseNegatives: number;
  falsePositives: number;
  trueNegatives: number;
  /** tp / (tp + fp); 1 when nothing was called motion. */
  precision: number;
  /** tp / (tp + fn); 1 when the set holds no motion sentence. */
  recall: number;
  /** Sentences scored (motion + static). */
  n: number;
  /** Borderline sentences by the checker's decision, outside precision and recall. */
  borderline: { motion: number; noMotion: number };
  /** The errors, for reading: motion sentences refused, static sentences let through. */
  missed: string[];
  falseAlarms: string[];
}

const LABELS: readonly A1Label[] = ['motion', 'static', 'borderline'];

/** Checks the fixture's shape, so a typo in a label fails loudly instead of dropping a row. */
export function parseLabelled(data: unknown): LabelledSentence[] {
  if (!Array.isArray(data)) throw new Error('the labelled set must be a JSON array');
  return data.map((row: unknown, i) => {
    const r = row as Partial<LabelledSentence> | null;
    if (!r || typeof r.text !== 'string' || r.text.trim() === '') throw new Error(`row ${i}: text must be a non-empty string`);
    if (!LABELS.includes(r.label as A1Label)) throw new Error(`row ${i} (${JSON.stringify(r.text)}): label must be one of ${LABELS.join(', ')}`);
    if (r.label === 'borderline' && (typeof r.note !== 'string' || r.note.trim() === '')) throw new Error(`row ${i} (${JSON.stringify(r.text)}): a borderline sentence needs a note`);
    if (r.split !== undefined && r.split !== 'tune' && r.split !== 'holdout') throw new Error(`row ${i} (${JSON.stringify(r.text)}): split must be "tune" or "holdout"`);
    return { text: r.text, label: r.label as A1Label, ...(typeof r.note === 'string' ? { note: r.note } : {}), ...(r.split ? { split: r.split } : {}) };
  });
}

export function evaluateA1(rows: readonly LabelledSentence[], decide: (text: string) => boolean = hasMotion): A1Evaluation {
  const e: A1Evaluation = {
    truePositives: 0,
    falseNegatives: 0,
    falsePositives: 0,
    trueNegatives: 0,
    precision: 1,
    recall: 1,
    n: 0,
    borderline: { motion: 0, noMotion: 0 },
    missed: [],
    falseAlarms: [],
  };
  for (const row of rows) {
    const motion = decide(row.text);
    if (row.label === 'borderline') {
      e.borderline[motion ? 'motion' : 'noMotion']++;
    } else if (row.label === 'motion') {
      if (motion) {
        e.truePositives++;
      } else {
        e.falseNegatives++;
        e.missed.push(row.text);
      }
    } else if (motion) {
      e.falsePositives++;
      e.falseAlarms.push(row.text);
    } else {
      e.trueNegatives++;
    }
  }
  e.n = e.truePositives + e.falseNegatives + e.falsePositives + e.trueNegatives;
  const called = e.truePositives + e.falsePositives;
  const actual = e.truePositives + e.falseNegatives;
  e.precision = called ? e.truePositives / called : 1;
  e.recall = actual ? e.truePositives / actual : 1;
  return e;
}

/** The confusion matrix and the summary line `a1 precision=<p> recall=<r> n=<n>`. */
export function formatA1Evaluation(e: A1Evaluation, label = 'a1'): string {
  const pad = (s: string | number, w: number) => String(s).padStart(w);
  return [
    `${pad('', 16)}${pad('has motion', 12)}${pad('no motion', 12)}`,
    `${pad('label motion', 16)}${pad(e.truePositives, 12)}${pad(e.falseNegatives, 12)}`,
    `${pad('label static', 16)}${pad(e.falsePositives, 12)}${pad(e.trueNegatives, 12)}`,
    `${pad('borderline', 16)}${pad(e.borderline.motion, 12)}${pad(e.borderline.noMotion, 12)}   (not scored)`,
    `${label} precision=${e.precision.toFixed(3)} recall=${e.recall.toFixed(3)} n=${e.n}`,
  ].join('\n');
}
