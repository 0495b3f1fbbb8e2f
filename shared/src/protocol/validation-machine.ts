import type { RejectReason } from '../domain.ts';
import { sameTargets, targetSet, type TargetSet } from './target-set.ts';

/**
 * The blind two-validator agreement protocol of the MeViS paper (§3.1, "Language Expression
 * Validation") as a pure state machine. The server only persists answers and enforces this; the
 * state of a sample can always be recomputed by replaying its stored answers through `replay`.
 *
 *   pending ──match──────────────▶ accepted
 *      │  └──reject──────────────▶ rejected
 *      └──mismatch──▶ second_round ──match────▶ accepted
 *                          │   └────reject────▶ rejected
 *                          └──────mismatch────▶ discarded
 *
 * A validator's answer is the set of objects the sentence refers to (∅ for "no target") or a
 * rejection with a reason. Nobody validates their own sample, and nobody answers a sample twice.
 */
export type Answer = { kind: 'targets'; targets: TargetSet } | { kind: 'no_target' } | { kind: 'reject'; reason: RejectReason; note?: string };

export type SampleStatus = 'pending' | 'second_round' | 'accepted' | 'discarded' | 'rejected';

export const FINAL_STATUSES: readonly SampleStatus[] = ['accepted', 'discarded', 'rejected'];

export interface SampleFacts {
  /** null for imported expressions (no annotator to exclude). */
  authorId: number | null;
  /** The annotator's targets; [] for a no-target expression. */
  targets: TargetSet;
}

export interface SampleState {
  status: SampleStatus;
  /** Validators who answered, in order. */
  answeredBy: readonly number[];
  rejectReason: RejectReason | null;
}

export interface AnswerEvent {
  validatorId: number;
  answer: Answer;
}

export class ProtocolError extends Error {
  constructor(
    readonly code: 'final' | 'own_sample' | 'answered_twice',
    message: string,
  ) {
    super(message);
    this.name = 'ProtocolError';
  }
}

export const INITIAL: SampleState = { status: 'pending', answeredBy: [], rejectReason: null };

export function isFinal(status: SampleStatus): boolean {
  return FINAL_STATUSES.includes(status);
}

/** The answer's target set, or null for a rejection. */
export function answerTargets(answer: Answer): TargetSet | null {
  if (answer.kind === 'reject') return null;
  return answer.kind === 'no_target' ? [] : targetSet(answer.targets);
}

/** Whether an answer agrees with the annotator (a rejection never does). */
export function agrees(answer: Answer, facts: SampleFacts): boolean {
  const t = answerTargets(answer);
  return t !== null && sameTargets(t, facts.targets);
}

/** Which round an answer to a sample in this state belongs to (1 or 2). */
export function roundOf(state: SampleState): 1 | 2 {
  return state.status === 'second_round' ? 2 : 1;
}

export function step(state: SampleState, facts: SampleFacts, event: AnswerEvent): SampleState {
  if (isFinal(state.status)) throw new ProtocolError('final', `the sample is already ${state.status}`);
  if (facts.authorId !== null && event.validatorId === facts.authorId) throw new ProtocolError('own_sample', 'nobody validates their own expression');
  if (state.answeredBy.includes(event.validatorId)) throw new ProtocolError('answered_twice', 'this validator has already answered this sample');
  const answeredBy = [...state.answeredBy, event.validatorId];
  if (event.answer.kind === 'reject') return { status: 'rejected', answeredBy, rejectReason: event.answer.reason };
  if (agrees(event.answer, facts)) return { status: 'accepted', answeredBy, rejectReason: null };
  return { status: state.status === 'pending' ? 'second_round' : 'discarded', answeredBy, rejectReason: null };
}

/** The state a sample is in after these answers, in order; throws on an impossible sequence. */
export function replay(facts: SampleFacts, events: readonly AnswerEvent[]): SampleState {
  return events.reduce((s, e) => step(s, facts, e), INITIAL);
}

/**
 * Invariants every reachable state satisfies; used by property tests and by the server's
 * consistency checks (benchmarks, crash tests).
 */
export function invariantViolations(state: SampleState, facts: SampleFacts): string[] {
  const problems: string[] = [];
  const n = state.answeredBy.length;
  if (new Set(state.answeredBy).size !== n) problems.push('a validator answered twice');
  if (facts.authorId !== null && state.answeredBy.includes(facts.authorId)) problems.push('the author validated their own sample');
  if (n > 2) problems.push('more than two answers');
  if (state.status === 'pending' && n !== 0) problems.push('pending with answers');
  if (state.status === 'second_round' && n !== 1) problems.push('second round without exactly one answer');
  if (state.status === 'discarded' && n !== 2) problems.push('discarded without two answers');
  if ((state.status === 'accepted' || state.status === 'rejected') && (n < 1 || n > 2)) problems.push(`${state.status} with ${n} answers`);
  if ((state.status === 'rejected') !== (state.rejectReason !== null)) problems.push('reject reason does not match the status');
  return problems;
}
