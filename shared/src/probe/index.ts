import { hashUnit } from '../export/splits.ts';
import { sameTargets, type TargetSet } from '../protocol/target-set.ts';

/**
 * The single-frame probe (MeViS §3.1, V1: the target must not be identifiable from one frame),
 * as pure rules: which accepted expressions are probed, which frame is shown, whether an answer
 * found the annotator's objects, and how a release states the result.
 */

/**
 * Seed of the probe's draws. Fixed, not a setting: the sample is then the same on every instance
 * and at any time, and raising the share only adds expressions to it (a lower hash stays below).
 */
export const PROBE_SEED = 0x5f1e;

/** An expression is probed when its hash falls under the share: the sample never depends on timing. */
export function isProbeSelected(expressionId: number, share: number): boolean {
  return hashUnit(String(expressionId), PROBE_SEED) < share;
}

/** How many of the expression's targets are visible on one frame (from the masks table). */
export interface FrameVisibility {
  frame: number;
  visibleTargets: number;
}

/**
 * The frame shown: drawn by the expression's hash (an independent draw from the selection's)
 * among the frames where every target is visible, or, when no frame shows them all, among those
 * showing at least one. All targets on the frame is the strict test of V1 (could a reader of one
 * frame name them all?); a frame missing a target would fail the prober by sampling, not by motion.
 * Null when no target is visible anywhere (nothing to ask).
 */
export function probeFrame(expressionId: number, frames: readonly FrameVisibility[], targetCount: number): number | null {
  const all = frames.filter((f) => targetCount > 0 && f.visibleTargets >= targetCount);
  const pool = (all.length ? all : frames.filter((f) => f.visibleTargets > 0)).map((f) => f.frame).sort((a, b) => a - b);
  if (!pool.length) return null;
  return pool[Math.floor(hashUnit(`frame:${expressionId}`, PROBE_SEED) * pool.length)]!;
}

/** The prober picked exactly the annotator's objects (a probed expression always has targets, so "no target" never matches). */
export function probeMatched(answer: { kind: 'targets'; targets: TargetSet } | { kind: 'no_target' }, annotatorTargets: TargetSet): boolean {
  return answer.kind === 'targets' && annotatorTargets.length > 0 && sameTargets(answer.targets, annotatorTargets);
}

/** A release's probe result (stats.json `probe`): answered probes of its expressions, and how many found the targets. */
export interface ProbeReleaseStats {
  probed: number;
  /** Probes where the prober picked the annotator's objects from the one frame. */
  identifiable: number;
  /** identifiable / probed, rounded to 3 decimals; null when nothing was probed. */
  rate: number | null;
}

export function probeReleaseStats(probed: number, identifiable: number): ProbeReleaseStats {
  return { probed, identifiable, rate: probed ? Math.round((identifiable / probed) * 1000) / 1000 : null };
}

/** The dataset card's line. */
export function probeCardLine(s: ProbeReleaseStats): string {
  const n = (x: number) => x.toLocaleString('en-US');
  const what =
    'Single-frame probe (motion necessity, MeViS rule V1): a validator who had not seen the video was shown one frame with every mask and the sentence, no playback, and asked for the objects';
  if (s.probed === 0 || s.rate === null) return `${what}: no expression of this release was probed.`;
  return `${what}: for ${n(s.identifiable)} of ${n(s.probed)} probed expressions (${(s.rate * 100).toFixed(1)} %) they picked the annotator's objects, i.e. the sentence was identifiable from one frame (lower is better; each such expression goes to the admin, who keeps it or rejects it under V1).`;
}
