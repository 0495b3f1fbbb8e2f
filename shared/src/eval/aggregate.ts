import { combinedScore, DEFAULT_COMBINED, describeCombined, type CombinedFormula } from './combined.ts';
import { numpyMean } from './mean.ts';
import { noTargetAccuracy, type NoTargetCounts } from './no-target.ts';
import type { SampleKind, SampleResult } from './sample.ts';

/** Scores of one group of samples; all values in [0, 1] (reports multiply by 100 for display). */
export interface ScoreSummary {
  samples: number;
  frames: number;
  j: number;
  f: number;
  jf: number;
  nAcc: number | null;
  tAcc: number | null;
  combined: number;
  noTarget: NoTargetCounts;
}

export interface EvalReport {
  overall: ScoreSummary;
  byKind: Record<SampleKind, ScoreSummary | null>;
  /** null when no sample carries the flag (an older split): a breakdown of "unknown" says nothing. */
  motionReasoning: { yes: ScoreSummary | null; no: ScoreSummary | null } | null;
  withAudio: { yes: ScoreSummary | null; no: ScoreSummary | null } | null;
  perVideo: Record<string, ScoreSummary>;
  /** Videos with no prediction folder; their samples scored 0 (the official behaviour). */
  missingVideos: string[];
  combinedFormula: CombinedFormula;
  combinedDefinition: string;
}

/**
 * Averages the official way: J and F over samples (every expression counts once, whatever its
 * length), J&F = (J + F) / 2 of those means.
 */
export function summarize(results: readonly SampleResult[], formula: CombinedFormula = DEFAULT_COMBINED): ScoreSummary {
  const js = new Float64Array(results.length);
  const fs = new Float64Array(results.length);
  let frames = 0;
  results.forEach((r, i) => {
    js[i] = r.j;
    fs[i] = r.f;
    frames += r.frames;
  });
  const j = results.length ? numpyMean(js) : 0;
  const f = results.length ? numpyMean(fs) : 0;
  const jf = (j + f) / 2;
  const { nAcc, tAcc, counts } = noTargetAccuracy(results);
  return { samples: results.length, frames, j, f, jf, nAcc, tAcc, combined: combinedScore(formula, { jf, nAcc, tAcc }), noTarget: counts };
}

function summarizeOrNull(results: readonly SampleResult[], formula: CombinedFormula): ScoreSummary | null {
  return results.length ? summarize(results, formula) : null;
}

function flagBreakdown(results: readonly SampleResult[], flag: (r: SampleResult) => boolean | undefined, formula: CombinedFormula) {
  if (!results.some((r) => flag(r) !== undefined)) return null;
  return {
    yes: summarizeOrNull(results.filter((r) => flag(r) === true), formula),
    no: summarizeOrNull(results.filter((r) => flag(r) === false), formula),
  };
}

/** Samples are kept in the order given, so per-video means match a run over that order. */
export function buildReport(results: readonly SampleResult[], formula: CombinedFormula = DEFAULT_COMBINED): EvalReport {
  const byVideo = new Map<string, SampleResult[]>();
  for (const r of results) {
    let list = byVideo.get(r.video);
    if (!list) byVideo.set(r.video, (list = []));
    list.push(r);
  }
  const perVideo: Record<string, ScoreSummary> = {};
  const missingVideos: string[] = [];
  for (const [video, list] of byVideo) {
    perVideo[video] = summarize(list, formula);
    if (list.some((r) => r.missing)) missingVideos.push(video);
  }
  return {
    overall: summarize(results, formula),
    byKind: {
      single: summarizeOrNull(results.filter((r) => r.kind === 'single'), formula),
      multi: summarizeOrNull(results.filter((r) => r.kind === 'multi'), formula),
      'no-target': summarizeOrNull(results.filter((r) => r.kind === 'no-target'), formula),
    },
    motionReasoning: flagBreakdown(results, (r) => r.motionReasoning, formula),
    withAudio: flagBreakdown(results, (r) => r.withAudio, formula),
    perVideo,
    missingVideos,
    combinedFormula: formula,
    combinedDefinition: describeCombined(formula),
  };
}
