import type { SampleStatus } from './validation-machine.ts';

/**
 * Whether an answer agrees with the final outcome of its sample: for an accepted sample, the
 * annotator's targets; for a rejected one, a rejection. A discarded sample has no known truth, and
 * an undecided one none yet: such answers are not scored (null).
 */
export function agreesWithOutcome(outcome: SampleStatus, answerAgreedWithAnnotator: boolean, answerWasReject: boolean): boolean | null {
  if (outcome === 'accepted') return answerAgreedWithAnnotator;
  if (outcome === 'rejected') return answerWasReject;
  return null;
}

/**
 * Accuracy with a Laplace prior, so a handful of lucky answers does not top the board:
 * (correct + 1) / (scored + 2).
 */
export function smoothedAccuracy(correct: number, scored: number): number {
  return (correct + 1) / (scored + 2);
}

/**
 * Leaderboard points: correct answers weighted by accuracy squared, so volume alone never wins
 * (100 answers at 50 % → 12.5 points; 40 answers at 95 % → 32.8).
 */
export function accuracyWeightedPoints(correct: number, scored: number): number {
  return correct * smoothedAccuracy(correct, scored) ** 2;
}
