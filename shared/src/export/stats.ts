import type { ExpressionKind } from '../domain.ts';
import { foldRareCounts } from './k-anonymity.ts';
import { SPLITS, type Split } from './splits.ts';

/** The columns of the MeViS paper's Table 1, plus audio and motion reasoning, for one split or all. */
export interface SplitStats {
  videos: number;
  frames: number;
  objects: number;
  expressions: number;
  masks: number;
  objectsPerVideo: number;
  /** Mean number of targets over expressions that have targets (Table 1: "Target Object/Expression"). */
  targetsPerExpression: number;
  single: number;
  multi: number;
  noTarget: number;
  motionReasoning: number;
  audio: { clips: number; humanSeconds: number; ttsSeconds: number };
}

export interface SpeakerSummary {
  /** Speakers with at least one clip in the release. Counts per answer; "unstated" when not given. */
  speakers: number;
  nativeness: Record<string, number>;
  gender: Record<string, number>;
  ageGroup: Record<string, number>;
  microphone: Record<string, number>;
}

export interface ReleaseStats {
  total: SplitStats;
  splits: Partial<Record<Split, SplitStats>>;
  speakers: SpeakerSummary;
}

interface Tally {
  videos: number;
  frames: number;
  objects: number;
  expressions: number;
  masks: number;
  targets: number;
  withTargets: number;
  kinds: Record<ExpressionKind, number>;
  motionReasoning: number;
  clips: number;
  humanMs: number;
  ttsMs: number;
}

const emptyTally = (): Tally => ({ videos: 0, frames: 0, objects: 0, expressions: 0, masks: 0, targets: 0, withTargets: 0, kinds: { single: 0, multi: 0, none: 0 }, motionReasoning: 0, clips: 0, humanMs: 0, ttsMs: 0 });

const round2 = (x: number) => Math.round(x * 100) / 100;

/** Collects statistics while a release is written, so nothing is read twice. */
export class StatsAccumulator {
  private readonly tallies = new Map<Split, Tally>();

  private t(split: Split): Tally {
    let t = this.tallies.get(split);
    if (!t) this.tallies.set(split, (t = emptyTally()));
    return t;
  }

  video(split: Split, v: { frames: number; objects: number; masks: number }): void {
    const t = this.t(split);
    t.videos++;
    t.frames += v.frames;
    t.objects += v.objects;
    t.masks += v.masks;
  }

  expression(split: Split, e: { kind: ExpressionKind; targets: number; motionReasoning: boolean }): void {
    const t = this.t(split);
    t.expressions++;
    t.kinds[e.kind]++;
    if (e.targets > 0) {
      t.targets += e.targets;
      t.withTargets++;
    }
    if (e.motionReasoning) t.motionReasoning++;
  }

  clip(split: Split, c: { kind: 'human' | 'tts'; durationMs: number }): void {
    const t = this.t(split);
    t.clips++;
    if (c.kind === 'human') t.humanMs += c.durationMs;
    else t.ttsMs += c.durationMs;
  }

  result(speakers: SpeakerSummary): ReleaseStats {
    const all = emptyTally();
    const splits: Partial<Record<Split, SplitStats>> = {};
    for (const s of SPLITS) {
      const t = this.tallies.get(s);
      if (!t) continue;
      splits[s] = finish(t);
      for (const k of ['videos', 'frames', 'objects', 'expressions', 'masks', 'targets', 'withTargets', 'motionReasoning', 'clips', 'humanMs', 'ttsMs'] as const) all[k] += t[k];
      for (const k of ['single', 'multi', 'none'] as const) all.kinds[k] += t.kinds[k];
    }
    return { total: finish(all), splits, speakers };
  }
}

function finish(t: Tally): SplitStats {
  return {
    videos: t.videos,
    frames: t.frames,
    objects: t.objects,
    expressions: t.expressions,
    masks: t.masks,
    objectsPerVideo: t.videos ? round2(t.objects / t.videos) : 0,
    targetsPerExpression: t.withTargets ? round2(t.targets / t.withTargets) : 0,
    single: t.kinds.single,
    multi: t.kinds.multi,
    noTarget: t.kinds.none,
    motionReasoning: t.motionReasoning,
    audio: { clips: t.clips, humanSeconds: round2(t.humanMs / 1000), ttsSeconds: round2(t.ttsMs / 1000) },
  };
}

/**
 * Counts per answer over speakers; a missing answer counts as "unstated", and so does an answer
 * fewer than `k` speakers gave (k-anonymity.ts; k = 1 shows every answer). Never per person.
 */
export function summariseSpeakers(profiles: readonly { nativeness: string | null; gender: string | null; ageGroup: string | null; microphone: string | null }[], k = 1): SpeakerSummary {
  const count = (key: 'nativeness' | 'gender' | 'ageGroup' | 'microphone') => {
    const out: Record<string, number> = {};
    for (const p of profiles) {
      const v = p[key] ?? 'unstated';
      out[v] = (out[v] ?? 0) + 1;
    }
    return Object.fromEntries(Object.entries(foldRareCounts(out, k)).sort(([a], [b]) => a.localeCompare(b)));
  };
  return { speakers: profiles.length, nativeness: count('nativeness'), gender: count('gender'), ageGroup: count('ageGroup'), microphone: count('microphone') };
}
