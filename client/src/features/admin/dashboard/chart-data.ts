import type { DashboardDailySeries, DashboardHistogram } from '#shared/dashboard.ts';

/** uPlot's aligned data: x values first, then one array per series (null = no value, a gap). */
export type Aligned = [number[], ...(number | null)[][]];

/** Submissions and decisions per UTC day: x = days (unix seconds). */
export function activityData(s: DashboardDailySeries): Aligned {
  return [s.days, s.submissions, s.accepted, s.discarded, s.rejected];
}

/** First-validator agreement per day in percent; days without first answers stay gaps. */
export function agreementData(s: DashboardDailySeries): Aligned {
  return [s.days, s.agreement.map((a) => (a === null ? null : Math.round(a * 1000) / 10))];
}

/** A histogram as bars at x = 0, 1, 2, … (the labels name the bins on the axis). */
export function barsData(h: DashboardHistogram): Aligned {
  return [h.labels.map((_, i) => i), h.counts];
}

/** 0.4567 → "45.7 %"; null (nothing to divide by) → "–". */
export function percent(x: number | null, digits = 1): string {
  return x === null ? '–' : `${(x * 100).toFixed(digits)} %`;
}

/** Seconds as "42 s", "12.5 min" or "3.2 h". */
export function duration(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)} s`;
  if (seconds < 7200) return `${(seconds / 60).toFixed(1)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}
