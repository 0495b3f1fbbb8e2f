import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { REJECT_REASONS } from '../domain.ts';
import { accuracyWeightedPoints, agreesWithOutcome, smoothedAccuracy } from './scoring.ts';
import { sameTargets, targetSet } from './target-set.ts';
import { INITIAL, ProtocolError, agrees, invariantViolations, isFinal, replay, roundOf, step, type Answer, type AnswerEvent, type SampleFacts, type SampleState } from './validation-machine.ts';

const facts: SampleFacts = { authorId: 1, targets: [2, 5] };
const match: Answer = { kind: 'targets', targets: [5, 2] };
const miss: Answer = { kind: 'targets', targets: [2] };
const none: Answer = { kind: 'no_target' };
const reject: Answer = { kind: 'reject', reason: 'single_frame' };
const at = (status: SampleState['status'], answeredBy: number[] = [], rejectReason: SampleState['rejectReason'] = null): SampleState => ({ status, answeredBy, rejectReason });

describe('target sets', () => {
  it('compare as canonical sets, the empty set included', () => {
    expect(sameTargets([3, 1, 1], [1, 3])).toBe(true);
    expect(sameTargets([], [])).toBe(true);
    expect(sameTargets([1], [])).toBe(false);
    expect(sameTargets([1, 2], [1, 2, 3])).toBe(false);
    expect(targetSet([4, 2, 4, 1])).toEqual([1, 2, 4]);
  });
});

describe('validation state machine: every transition', () => {
  const table: [string, SampleState, Answer, SampleState][] = [
    ['first validator matches → accepted', INITIAL, match, at('accepted', [7])],
    ['first validator mismatches → second round', INITIAL, miss, at('second_round', [7])],
    ['first "no target" on a target expression is a mismatch', INITIAL, none, at('second_round', [7])],
    ['first validator rejects → rejected with the reason', INITIAL, reject, at('rejected', [7], 'single_frame')],
    ['second validator matches → accepted', at('second_round', [6]), match, at('accepted', [6, 7])],
    ['second validator mismatches → discarded', at('second_round', [6]), miss, at('discarded', [6, 7])],
    ['second validator rejects → rejected', at('second_round', [6]), reject, at('rejected', [6, 7], 'single_frame')],
  ];
  for (const [name, from, answer, to] of table) {
    it(name, () => expect(step(from, facts, { validatorId: 7, answer })).toEqual(to));
  }

  it('∅ = ∅ counts: "no target" agrees with a no-target expression', () => {
    const noTarget: SampleFacts = { authorId: 1, targets: [] };
    expect(step(INITIAL, noTarget, { validatorId: 7, answer: none }).status).toBe('accepted');
    expect(step(INITIAL, noTarget, { validatorId: 7, answer: { kind: 'targets', targets: [] } }).status).toBe('accepted');
    expect(step(INITIAL, noTarget, { validatorId: 7, answer: match }).status).toBe('second_round');
  });

  it('refuses answers on final samples, by the author, and twice by one validator', () => {
    for (const s of ['accepted', 'discarded', 'rejected'] as const) {
      expect(() => step(at(s, [5, 6], s === 'rejected' ? 'ambiguous' : null), facts, { validatorId: 7, answer: match })).toThrow(ProtocolError);
    }
    expect(() => step(INITIAL, facts, { validatorId: 1, answer: match })).toThrow('nobody validates their own expression');
    expect(() => step(at('second_round', [7]), facts, { validatorId: 7, answer: match })).toThrow('already answered');
    // Imported expressions have no author to exclude.
    expect(step(INITIAL, { authorId: null, targets: [1] }, { validatorId: 1, answer: { kind: 'targets', targets: [1] } }).status).toBe('accepted');
  });

  it('knows which round an answer belongs to', () => {
    expect(roundOf(INITIAL)).toBe(1);
    expect(roundOf(at('second_round', [3]))).toBe(2);
  });
});

const answerArb: fc.Arbitrary<Answer> = fc.oneof(
  fc.record({ kind: fc.constant('targets' as const), targets: fc.uniqueArray(fc.integer({ min: 1, max: 6 }), { maxLength: 4 }) }),
  fc.constant({ kind: 'no_target' as const }),
  fc.record({ kind: fc.constant('reject' as const), reason: fc.constantFrom(...REJECT_REASONS) }),
);
const factsArb: fc.Arbitrary<SampleFacts> = fc.record({
  authorId: fc.option(fc.integer({ min: 1, max: 8 }), { nil: null }),
  targets: fc.uniqueArray(fc.integer({ min: 1, max: 6 }), { maxLength: 3 }).map(targetSet),
});
const eventsArb = fc.array(fc.record({ validatorId: fc.integer({ min: 1, max: 8 }), answer: answerArb }), { maxLength: 6 });

/** Applies events, skipping the ones the machine refuses (as the server refuses them). */
function runLenient(f: SampleFacts, events: AnswerEvent[]) {
  let s = INITIAL;
  const accepted: AnswerEvent[] = [];
  for (const e of events) {
    try {
      s = step(s, f, e);
      accepted.push(e);
    } catch (err) {
      expect(err).toBeInstanceOf(ProtocolError);
    }
  }
  return { state: s, accepted };
}

describe('validation state machine: properties over random answer sequences', () => {
  it('every reachable state satisfies the invariants', () => {
    fc.assert(
      fc.property(factsArb, eventsArb, (f, events) => {
        const { state } = runLenient(f, events);
        expect(invariantViolations(state, f)).toEqual([]);
      }),
      { numRuns: 2000 },
    );
  });

  it('the final state is derivable from the stored answers alone', () => {
    fc.assert(
      fc.property(factsArb, eventsArb, (f, events) => {
        const { state, accepted } = runLenient(f, events);
        expect(replay(f, accepted)).toEqual(state);
      }),
      { numRuns: 1000 },
    );
  });

  it('accepted iff the last answer matched; discarded iff two answers both missed; final states absorb', () => {
    fc.assert(
      fc.property(factsArb, eventsArb, (f, events) => {
        const { state, accepted } = runLenient(f, events);
        const last = accepted.at(-1);
        if (state.status === 'accepted') expect(agrees(last!.answer, f)).toBe(true);
        if (state.status === 'discarded') expect(accepted.every((e) => e.answer.kind !== 'reject' && !agrees(e.answer, f))).toBe(true);
        if (state.status === 'rejected') expect(last!.answer.kind).toBe('reject');
        if (isFinal(state.status)) expect(() => step(state, f, { validatorId: 99, answer: match })).toThrow(ProtocolError);
        expect(accepted.length).toBeLessThanOrEqual(2);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('scoring', () => {
  it('scores answers against the outcome; discarded and open samples are not scored', () => {
    expect(agreesWithOutcome('accepted', true, false)).toBe(true);
    expect(agreesWithOutcome('accepted', false, true)).toBe(false);
    expect(agreesWithOutcome('rejected', false, true)).toBe(true);
    expect(agreesWithOutcome('rejected', true, false)).toBe(false);
    expect(agreesWithOutcome('discarded', false, false)).toBeNull();
    expect(agreesWithOutcome('pending', true, false)).toBeNull();
  });

  it('ranks accuracy over volume', () => {
    expect(smoothedAccuracy(0, 0)).toBe(0.5);
    expect(accuracyWeightedPoints(38, 40)).toBeGreaterThan(accuracyWeightedPoints(50, 100));
    expect(accuracyWeightedPoints(0, 10)).toBe(0);
    expect(accuracyWeightedPoints(10, 10)).toBeGreaterThan(accuracyWeightedPoints(9, 10));
  });
});
