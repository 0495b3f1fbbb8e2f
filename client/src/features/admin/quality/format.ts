/** Numbers of the quality page, formatted once. */
export const fixed3 = (x: number | null) => (x === null ? '–' : x.toFixed(3));
export const pct = (x: number | null) => (x === null ? '–' : `${(x * 100).toFixed(1)} %`);
export const count = (n: number) => n.toLocaleString('en-US');

/** "0.770 (0.765–0.775)" or a dash. */
export function withInterval(value: number | null, low: number | null, high: number | null, f: (x: number | null) => string = fixed3): string {
  if (value === null) return '–';
  return low === null || high === null ? f(value) : `${f(value)} (${f(low)}–${f(high)})`;
}

export const FLAG_TEXT: Record<string, string> = {
  outcome_low: 'agrees with final outcomes far less than peers',
  gold_low: 'misses gold far more than peers',
  no_target_high: 'says "no target" far more than peers',
  no_target_low: 'says "no target" far less than peers',
  reject_high: 'rejects far more than peers',
  reject_low: 'rejects far less than peers',
};
