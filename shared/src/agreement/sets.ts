import { targetSet, type TargetSet } from '../protocol/target-set.ts';
import { alpha, AlphaBuilder, type AlphaData, type ValueDistance } from './alpha.ts';
import { setDistance, type SetDistanceName } from './distance.ts';
import type { SampleRecord } from './reliability.ts';

/** One rater's answer on a sample: a target set (∅ = "no target"), or null for a rejection. */
export type SetAnswer = TargetSet | null;

export type AlphaDistanceName = SetDistanceName | 'nominal';

const keyOf = (s: TargetSet) => s.join(',');

/**
 * Set distances are 1 between sets with no object in common, so only pairs of distinct sets that
 * share an object need measuring (∅ against ∅ is the diagonal, 0). `nominal`: 0 for the same set,
 * 1 otherwise, so no pair at all: α on exact set match, the textbook nominal α.
 */
export function setValueDistance(name: AlphaDistanceName): ValueDistance<TargetSet> {
  if (name === 'nominal') return { key: keyOf, d: (a, b) => (keyOf(a) === keyOf(b) ? 0 : 1), sparse: { base: 1, candidates: () => [] } };
  const d = setDistance(name);
  return {
    key: keyOf,
    d,
    sparse: {
      base: 1,
      *candidates(values) {
        const byObject = new Map<number, number[]>();
        for (let i = 0; i < values.length; i++) for (const o of values[i]!) (byObject.get(o) ?? byObject.set(o, []).get(o)!).push(i);
        const seen = new Set<number>();
        for (const list of byObject.values()) {
          for (let x = 0; x < list.length; x++) {
            for (let y = x + 1; y < list.length; y++) {
              const id = list[x]! * values.length + list[y]!;
              if (seen.has(id)) continue;
              seen.add(id);
              yield [list[x]!, list[y]!] as const;
            }
          }
        }
      },
    },
  };
}

/** Sorted ascending without duplicates already (what the database stores): no copy needed. */
export function isCanonical(s: TargetSet): boolean {
  for (let i = 1; i < s.length; i++) if (!(s[i - 1]! < s[i]!)) return false;
  return true;
}

/** Equality of two canonical sets, without the copies sameTargets makes. */
export function equalSets(a: TargetSet, b: TargetSet): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export interface SetAlphaInput {
  data: AlphaData;
  /** Answers that were sets (pairable or not) and rejections among all answers given. */
  setAnswers: number;
  rejections: number;
}

/**
 * Prepares set-valued answers for α, unit by unit. A rejection ("this sentence is ambiguous /
 * unrelated / …") is not a set of objects and has no distance to one, so it is left out of α
 * altogether; its share is reported beside α instead (`rejections`), never counted as
 * disagreement or as ∅.
 */
export class SetAlphaBuilder {
  private readonly builder: AlphaBuilder<TargetSet>;
  setAnswers = 0;
  rejections = 0;

  constructor(distance: AlphaDistanceName) {
    this.builder = new AlphaBuilder(setValueDistance(distance));
  }

  add(unit: readonly SetAnswer[]): void {
    const kept: TargetSet[] = [];
    for (const a of unit) {
      if (a === null) this.rejections++;
      else {
        this.setAnswers++;
        kept.push(isCanonical(a) ? a : targetSet(a));
      }
    }
    this.builder.add(kept);
  }

  finish(): SetAlphaInput {
    return { data: this.builder.finish(), setAnswers: this.setAnswers, rejections: this.rejections };
  }
}

export function prepareSetAlpha(units: readonly (readonly SetAnswer[])[], distance: AlphaDistanceName): SetAlphaInput {
  const b = new SetAlphaBuilder(distance);
  for (const u of units) b.add(u);
  return b.finish();
}

/** α over target sets (no interval); null when undefined. */
export function setAlpha(units: readonly (readonly SetAnswer[])[], distance: AlphaDistanceName = 'masi'): number | null {
  return alpha(prepareSetAlpha(units, distance).data);
}

/** A sample's α unit: the annotator's set and each protocol answer (gold answers are not protocol answers). */
export function alphaUnit(s: SampleRecord): SetAnswer[] {
  const unit: SetAnswer[] = [s.targets];
  for (const a of s.answers) if (a.round > 0) unit.push(a.answer);
  return unit;
}

export function alphaUnits(samples: readonly SampleRecord[]): SetAnswer[][] {
  return samples.map(alphaUnit);
}
