import { describe, expect, it } from 'vitest';
import { validatorConsensus } from './consensus.ts';
import type { Answer, AnswerEvent, SampleFacts } from './validation-machine.ts';

const facts: SampleFacts = { authorId: 1, targets: [2] };
const picks = (...answers: Answer[]): AnswerEvent[] => answers.map((answer, i) => ({ validatorId: 10 + i, answer }));
const t = (...targets: number[]): Answer => ({ kind: 'targets', targets });

describe('validatorConsensus: what both validators of a discarded sample agreed on', () => {
  it('the same objects, in any order, are the consensus', () => {
    expect(validatorConsensus(facts, picks(t(3, 1), t(1, 3)))).toEqual([1, 3]);
  });
  it('both "no target" is a consensus of no object', () => {
    expect(validatorConsensus(facts, picks({ kind: 'no_target' }, { kind: 'no_target' }))).toEqual([]);
  });
  it('validators who disagree with each other too leave none', () => {
    expect(validatorConsensus(facts, picks(t(3), t(4)))).toBeNull();
    expect(validatorConsensus(facts, picks(t(3), { kind: 'no_target' }))).toBeNull();
  });
  it('only a discarded sample has one: accepted, rejected and open samples do not', () => {
    expect(validatorConsensus(facts, picks(t(2)))).toBeNull();
    expect(validatorConsensus(facts, picks(t(3), t(2)))).toBeNull();
    expect(validatorConsensus(facts, picks(t(3)))).toBeNull();
    expect(validatorConsensus(facts, picks(t(3), { kind: 'reject', reason: 'ambiguous' }))).toBeNull();
    expect(validatorConsensus(facts, [])).toBeNull();
  });
});
