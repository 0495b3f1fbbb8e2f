import { sameTargets, targetSet, type TargetSet } from './target-set.ts';
import { answerTargets, replay, type AnswerEvent, type SampleFacts } from './validation-machine.ts';

/**
 * The rule for a discarded sample (README, "Validating"): both validators disagreed with the
 * annotator, and if they picked the same set (the same objects, or both "no target") that shared
 * answer is what two independent readers understood the sentence to mean. It is not accepted on
 * their word — the annotator is offered it as a suggested fix, and resubmitting it goes through
 * validation again like any new expression. Returns that set (∅ for "no target"), or null when the
 * sample is not discarded or its validators disagreed with each other too.
 */
export function validatorConsensus(facts: SampleFacts, events: readonly AnswerEvent[]): TargetSet | null {
  if (replay(facts, events).status !== 'discarded') return null;
  const [first, second] = events.map((e) => answerTargets(e.answer));
  if (!first || !second || !sameTargets(first, second)) return null;
  return targetSet(first);
}
