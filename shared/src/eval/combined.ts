/**
 * The single ranking number. MeViSv2 reports Final = mean(J&F, N-acc, T-acc) — it reproduces the
 * published LSVOS tables exactly (../shared/MEVIS_FORMAT.md §7) — but a challenge may want to rank
 * differently, so the weights are data, stored with every report that used them.
 */
export interface CombinedFormula {
  weights: { jf: number; nAcc: number; tAcc: number };
}

export const DEFAULT_COMBINED: CombinedFormula = { weights: { jf: 1, nAcc: 1, tAcc: 1 } };

/**
 * Weighted mean of the components that exist. A group without no-target samples has no N-acc
 * (and one of only no-target samples no T-acc); dropping the missing term keeps such a group's
 * score on the same 0–1 scale instead of silently counting the absent term as 0.
 */
export function combinedScore(formula: CombinedFormula, m: { jf: number; nAcc: number | null; tAcc: number | null }): number {
  const w = formula.weights;
  let sum = w.jf * m.jf;
  let weight = w.jf;
  if (m.nAcc !== null) {
    sum += w.nAcc * m.nAcc;
    weight += w.nAcc;
  }
  if (m.tAcc !== null) {
    sum += w.tAcc * m.tAcc;
    weight += w.tAcc;
  }
  return weight === 0 ? 0 : sum / weight;
}

/** Human-readable definition, printed next to the score and stored in scores.json. */
export function describeCombined(formula: CombinedFormula): string {
  const { jf, nAcc, tAcc } = formula.weights;
  return `combined = (${jf}·J&F + ${nAcc}·N-acc + ${tAcc}·T-acc) / (${jf} + ${nAcc} + ${tAcc}); a term a group lacks (no no-target or no target samples) is left out of both sums`;
}

/** Parses "jf,nAcc,tAcc" weights as a command line gives them, e.g. "1,1,1" or "2,1,1". */
export function parseCombined(text: string): CombinedFormula {
  const parts = text.split(',').map((s) => Number(s.trim()));
  if (parts.length !== 3 || parts.some((x) => !Number.isFinite(x) || x < 0) || parts.every((x) => x === 0)) {
    throw new Error(`combined weights must be three non-negative numbers "jf,nAcc,tAcc", not all 0; got "${text}"`);
  }
  return { weights: { jf: parts[0], nAcc: parts[1], tAcc: parts[2] } };
}
