import type { TargetSet } from '../protocol/target-set.ts';
import type { SampleStatus } from '../protocol/validation-machine.ts';
import { equalSets, type SetAnswer } from './sets.ts';
import { binomialTails, twoProportionZ, wilson } from './proportions.ts';

/** What per-person reliability needs to know about one sample and its answers. */
export interface SampleRecord {
  /** null for imported expressions (no annotator). */
  authorId: number | null;
  status: SampleStatus;
  /** The annotator's target set (∅ for "no target"), canonical (sorted, no duplicates) like every set here. */
  targets: TargetSet;
  gold: boolean;
  /** round 0: an answer to a gold sample; 1 and 2: protocol answers. null answer = rejection. */
  answers: readonly { validatorId: number; round: number; answer: SetAnswer }[];
}

export interface ReliabilityOptions {
  /** Rates over fewer trials are not shown (nor flagged): a 2/3 says nothing about a person. */
  minCount: number;
  /**
   * A rate is flagged when the exact binomial tail of the person's count, at their peers' pooled
   * rate, is below this (one-sided, on the side the flag names).
   */
  flagP: number;
}

/**
 * 2.3e-4 (the tail of z 3.5): a person is compared on up to six rates and a team has dozens of
 * people, so a per-rate 1 % would flag somebody honest in most projects. With z ≥ 3 on the pooled
 * two-proportion statistic an honest validator with 21/30 on gold against peers' 0.92 was flagged
 * (tail 4.4e-4) in a simulated project; with this rule none of 30 simulated projects of 32 people
 * (seeds 1–15, with and without planted raters) flagged anyone honest, and every planted random or
 * "no target"-biased rater was flagged.
 */
export const DEFAULT_RELIABILITY: ReliabilityOptions = { minCount: 20, flagP: 2.3e-4 };

export interface RateView {
  n: number;
  k: number;
  /** k/n and its 95 % Wilson interval; null below the minimum count. */
  p: number | null;
  low: number | null;
  high: number | null;
  /** The same rate pooled over everyone else in the role (null when they have too few trials). */
  peer: number | null;
  /** Two-proportion z against those peers, for reading (null when either side is below the minimum). */
  z: number | null;
  /** One-sided exact binomial tails of k at the peers' rate (null when not compared): what the flags use. */
  tailLow: number | null;
  tailHigh: number | null;
}

export type ReliabilityFlag = 'outcome_low' | 'gold_low' | 'no_target_high' | 'no_target_low' | 'reject_high' | 'reject_low';
export type PersonRole = 'annotator' | 'validator';

export interface PersonReliability {
  userId: number;
  role: PersonRole;
  /** Annotator: samples accepted of those accepted or discarded. Validator: answers equal to the sample's final set. */
  outcome: RateView;
  /** Validator: answers to gold samples that match gold (a rejection of gold counts as a miss). */
  gold: RateView | null;
  /** Validator: share of protocol answers that were "no target" (bias against peers). */
  noTarget: RateView | null;
  /** Validator: share of protocol answers that were rejections. */
  reject: RateView | null;
  flags: ReliabilityFlag[];
}

type Tally = Map<number, { n: number; k: number }>;

function count(t: Tally, who: number, hit: boolean): void {
  const c = t.get(who) ?? t.set(who, { n: 0, k: 0 }).get(who)!;
  c.n++;
  if (hit) c.k++;
}

/**
 * The set the protocol settled on: the annotator's when accepted; when discarded, the validators'
 * shared answer if they agreed with each other (the consensus the annotator is offered), else none.
 */
export function finalSet(s: SampleRecord): TargetSet | null {
  if (s.status === 'accepted') return s.targets;
  if (s.status !== 'discarded') return null;
  const sets = s.answers.filter((a) => a.round > 0).map((a) => a.answer);
  return sets.length === 2 && sets[0] && sets[1] && equalSets(sets[0], sets[1]) ? sets[0] : null;
}

/**
 * Per-person reliability from the samples' final outcomes and from gold, with Wilson intervals,
 * each rate compared with the pooled rate of the person's peers (same role, the person left out).
 *
 * Agreement with the final outcome is partly circular for validators (their own answer helped
 * decide it), so it is high for everyone; what stands out is a person far below their peers, which
 * is what the flags look for. Gold is the independent check.
 */
export function personReliability(samples: readonly SampleRecord[], opts: ReliabilityOptions = DEFAULT_RELIABILITY): PersonReliability[] {
  const t = new ReliabilityTally();
  for (const s of samples) t.add(s);
  return t.result(opts);
}

/** personReliability sample by sample (a server yields between slices of a big project). */
export class ReliabilityTally {
  private readonly annotated: Tally = new Map();
  private readonly outcome: Tally = new Map();
  private readonly gold: Tally = new Map();
  private readonly noTarget: Tally = new Map();
  private readonly reject: Tally = new Map();

  add(s: SampleRecord): void {
    if (s.authorId !== null && (s.status === 'accepted' || s.status === 'discarded')) count(this.annotated, s.authorId, s.status === 'accepted');
    const final = finalSet(s);
    for (const a of s.answers) {
      if (a.round === 0) {
        if (s.gold) count(this.gold, a.validatorId, a.answer !== null && equalSets(a.answer, s.targets));
        continue;
      }
      count(this.reject, a.validatorId, a.answer === null);
      count(this.noTarget, a.validatorId, a.answer !== null && a.answer.length === 0);
      if (a.answer !== null && final !== null) count(this.outcome, a.validatorId, equalSets(a.answer, final));
    }
  }

  result(opts: ReliabilityOptions = DEFAULT_RELIABILITY): PersonReliability[] {
    const { annotated, outcome, gold, noTarget, reject } = this;
    // Totals are summed once per result (samples may have been added since the last one).
    for (const t of [annotated, outcome, gold, noTarget, reject]) totalsOf.delete(t);
    const out: PersonReliability[] = [];
    for (const userId of annotated.keys()) {
      const r = rate(annotated, userId, opts);
      out.push({ userId, role: 'annotator', outcome: r, gold: null, noTarget: null, reject: null, flags: low(r, opts) ? ['outcome_low'] : [] });
    }
    const validators = new Set([...outcome.keys(), ...gold.keys(), ...noTarget.keys()]);
    for (const userId of validators) {
      const o = rate(outcome, userId, opts);
      const g = rate(gold, userId, opts);
      const nt = rate(noTarget, userId, opts);
      const rj = rate(reject, userId, opts);
      const flags: ReliabilityFlag[] = [];
      if (low(o, opts)) flags.push('outcome_low');
      if (low(g, opts)) flags.push('gold_low');
      if (high(nt, opts)) flags.push('no_target_high');
      if (low(nt, opts)) flags.push('no_target_low');
      if (high(rj, opts)) flags.push('reject_high');
      if (low(rj, opts)) flags.push('reject_low');
      out.push({ userId, role: 'validator', outcome: o, gold: g.n ? g : null, noTarget: nt, reject: rj, flags });
    }
    return out.sort((a, b) => b.flags.length - a.flags.length || (a.role < b.role ? -1 : a.role > b.role ? 1 : 0) || a.userId - b.userId);
  }
}

const low = (r: RateView, opts: ReliabilityOptions) => r.tailLow !== null && r.tailLow < opts.flagP;
const high = (r: RateView, opts: ReliabilityOptions) => r.tailHigh !== null && r.tailHigh < opts.flagP;

const totalsOf = new WeakMap<Tally, { n: number; k: number }>();
function totals(t: Tally): { n: number; k: number } {
  let s = totalsOf.get(t);
  if (!s) {
    s = { n: 0, k: 0 };
    for (const c of t.values()) {
      s.n += c.n;
      s.k += c.k;
    }
    totalsOf.set(t, s);
  }
  return s;
}

function rate(t: Tally, userId: number, opts: ReliabilityOptions): RateView {
  const mine = t.get(userId) ?? { n: 0, k: 0 };
  const all = totals(t);
  const n = all.n - mine.n;
  const k = all.k - mine.k;
  const enough = mine.n >= opts.minCount;
  const ci = enough ? wilson(mine.k, mine.n) : null;
  const peersEnough = n >= opts.minCount;
  const tails = enough && peersEnough ? binomialTails(mine.k, mine.n, k / n) : null;
  return {
    n: mine.n,
    k: mine.k,
    p: enough ? mine.k / mine.n : null,
    low: ci?.low ?? null,
    high: ci?.high ?? null,
    peer: peersEnough ? k / n : null,
    z: enough && peersEnough ? twoProportionZ(mine.k, mine.n, k, n) : null,
    tailLow: tails?.lower ?? null,
    tailHigh: tails?.upper ?? null,
  };
}
