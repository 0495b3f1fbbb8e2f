/** Word error rate of a transcript against the expression text (for the speech check of a take). */
import { normalizeForWer } from './wer-normalize.ts';

export { normalizeForWer };

export interface WordErrors {
  /** (substitutions + deletions + insertions) / referenceWords; see `wordErrorRate` for an empty reference. */
  wer: number;
  substitutions: number;
  deletions: number;
  insertions: number;
  referenceWords: number;
}

/**
 * Levenshtein alignment on normalised words. Among alignments of equal cost the one with the most
 * matched words is counted ("a b" → "b c" is one deletion and one insertion, not two
 * substitutions), which also makes swapping the texts swap deletions and insertions exactly.
 * An empty reference has no rate to speak of: the result is 1 when the transcript has words
 * (all insertions) and 0 when it has none.
 */
export function wordErrorRate(reference: string, hypothesis: string): WordErrors {
  const ref = normalizeForWer(reference);
  const hyp = normalizeForWer(hypothesis);
  const n = ref.length;
  const m = hyp.length;
  if (n === 0) return { wer: m > 0 ? 1 : 0, substitutions: 0, deletions: 0, insertions: m, referenceWords: 0 };

  // Two rows of (cost, substitutions), minimised in that order.
  let prevCost = new Int32Array(m + 1);
  let prevSubs = new Int32Array(m + 1);
  let cost = new Int32Array(m + 1);
  let subs = new Int32Array(m + 1);
  for (let j = 0; j <= m; j++) prevCost[j] = j;
  for (let i = 1; i <= n; i++) {
    cost[0] = i;
    subs[0] = 0;
    for (let j = 1; j <= m; j++) {
      const miss = ref[i - 1] === hyp[j - 1] ? 0 : 1;
      let c = prevCost[j - 1] + miss;
      let s = prevSubs[j - 1] + miss;
      const cDel = prevCost[j] + 1;
      if (cDel < c || (cDel === c && prevSubs[j] < s)) {
        c = cDel;
        s = prevSubs[j];
      }
      const cIns = cost[j - 1] + 1;
      if (cIns < c || (cIns === c && subs[j - 1] < s)) {
        c = cIns;
        s = subs[j - 1];
      }
      cost[j] = c;
      subs[j] = s;
    }
    [prevCost, cost] = [cost, prevCost];
    [prevSubs, subs] = [subs, prevSubs];
  }
  const total = prevCost[m];
  const substitutions = prevSubs[m];
  // With the cost and the substitutions fixed, deletions − insertions = n − m settles the rest.
  const deletions = (total - substitutions + (n - m)) / 2;
  const insertions = (total - substitutions - (n - m)) / 2;
  return { wer: total / n, substitutions, deletions, insertions, referenceWords: n };
}
