import { mulberry32 } from '../prng.ts';
import { targetSet, type TargetSet } from '../protocol/target-set.ts';
import { INITIAL, step, type Answer, type SampleState } from '../protocol/validation-machine.ts';
import type { SampleRecord } from './reliability.ts';
import type { SetAnswer } from './sets.ts';

/**
 * A simulated project for tests and benchmarks: samples on videos of 2–8 objects with a true target
 * set each, written by annotators and answered by validators through the real protocol machine.
 * Reliable people give the true set with probability `accuracy` (else a random one); planted
 * unreliable ones always answer at random; biased validators say "no target" half the time.
 */
export interface SimulationOptions {
  seed: number;
  samples: number;
  annotators: number;
  validators: number;
  /** How many of the annotators / validators (the last ones) answer at random. */
  randomAnnotators?: number;
  randomValidators?: number;
  /** How many validators (just before the random ones) say "no target" half the time. */
  noTargetValidators?: number;
  accuracy?: number;
  /** Share of protocol answers that reject the sentence. */
  rejectRate?: number;
  /** Share of accepted samples made gold, and gold answers per validator. */
  goldShare?: number;
  goldAnswersPerValidator?: number;
}

export interface SimulatedSample extends SampleRecord {
  truth: TargetSet;
  objects: number;
  /** Index of the sample's week (for per-week grouping), and its split. */
  week: number;
}

export interface SimulatedProject {
  samples: SimulatedSample[];
  annotatorIds: number[];
  validatorIds: number[];
  /** Planted people (user ids). */
  randomAnnotatorIds: number[];
  randomValidatorIds: number[];
  noTargetValidatorIds: number[];
}

export function randomSet(random: () => number, objects: number): TargetSet {
  const size = Math.floor(random() * (Math.min(3, objects) + 1));
  const pool = Array.from({ length: objects }, (_, i) => i + 1);
  const picked: number[] = [];
  for (let i = 0; i < size; i++) picked.push(...pool.splice(Math.floor(random() * pool.length), 1));
  return targetSet(picked);
}

export function simulateProject(o: SimulationOptions): SimulatedProject {
  const random = mulberry32(o.seed);
  const accuracy = o.accuracy ?? 0.9;
  const rejectRate = o.rejectRate ?? 0.03;
  const annotatorIds = Array.from({ length: o.annotators }, (_, i) => 1000 + i);
  const validatorIds = Array.from({ length: o.validators }, (_, i) => 2000 + i);
  const randomAnnotatorIds = annotatorIds.slice(o.annotators - (o.randomAnnotators ?? 0));
  const randomValidatorIds = validatorIds.slice(o.validators - (o.randomValidators ?? 0));
  const nt = o.noTargetValidators ?? 0;
  const noTargetValidatorIds = validatorIds.slice(o.validators - (o.randomValidators ?? 0) - nt, o.validators - (o.randomValidators ?? 0));
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(random() * xs.length)]!;

  const setBy = (who: number, truth: TargetSet, objects: number): TargetSet => {
    if (randomAnnotatorIds.includes(who) || randomValidatorIds.includes(who)) return randomSet(random, objects);
    if (noTargetValidatorIds.includes(who) && random() < 0.5) return [];
    return random() < accuracy ? truth : randomSet(random, objects);
  };
  const answerBy = (who: number, truth: TargetSet, objects: number): Answer => {
    if (random() < rejectRate) return { kind: 'reject', reason: 'ambiguous' };
    const s = setBy(who, truth, objects);
    return s.length ? { kind: 'targets', targets: s } : { kind: 'no_target' };
  };
  const asSet = (a: Answer): SetAnswer => (a.kind === 'reject' ? null : a.kind === 'no_target' ? [] : a.targets);

  const samples: SimulatedSample[] = [];
  for (let i = 0; i < o.samples; i++) {
    const objects = 2 + Math.floor(random() * 7);
    const truth = random() < 0.1 ? [] : randomSet(random, objects);
    const authorId = pick(annotatorIds);
    const targets = setBy(authorId, truth, objects);
    const facts = { authorId, targets };
    let state: SampleState = INITIAL;
    const answers: SimulatedSample['answers'][number][] = [];
    while (state.status === 'pending' || state.status === 'second_round') {
      let v = pick(validatorIds);
      while (state.answeredBy.includes(v)) v = pick(validatorIds);
      const answer = answerBy(v, truth, objects);
      answers.push({ validatorId: v, round: state.status === 'pending' ? 1 : 2, answer: asSet(answer) });
      state = step(state, facts, { validatorId: v, answer });
    }
    samples.push({ authorId, status: state.status, targets, gold: false, answers, truth, objects, week: Math.floor((i / o.samples) * 12) });
  }
  // Gold: some accepted samples, answered (round 0) by every validator a few times over.
  const accepted = samples.filter((s) => s.status === 'accepted');
  const golds = accepted.filter(() => random() < (o.goldShare ?? 0.05));
  for (const g of golds) g.gold = true;
  if (golds.length) {
    for (const v of validatorIds) {
      const seen = new Set<SimulatedSample>();
      // Nobody answers a sample twice (the protocol's rule): not a gold sample they validated.
      const eligible = golds.filter((g) => !g.answers.some((a) => a.validatorId === v));
      for (let i = 0; i < Math.min(o.goldAnswersPerValidator ?? 30, eligible.length); i++) {
        let g = pick(eligible);
        while (seen.has(g)) g = pick(eligible);
        seen.add(g);
        (g.answers as SimulatedSample['answers'][number][]).push({ validatorId: v, round: 0, answer: asSet(answerBy(v, g.truth, g.objects)) });
      }
    }
  }
  return { samples, annotatorIds, validatorIds, randomAnnotatorIds, randomValidatorIds, noTargetValidatorIds };
}
