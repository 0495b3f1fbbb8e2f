import type { SampleResult } from './sample.ts';

export const SAMPLE_CSV_COLUMNS = [
  'video', 'exp_id', 'kind', 'targets', 'motion_reasoning', 'with_audio', 'frames',
  'J', 'F', 'J&F', 'predicted_no_target', 'missing',
] as const;

/** RFC 4180 quoting: video ids come from users and may hold commas or quotes. */
function cell(v: string | number | boolean | undefined): string {
  if (v === undefined) return '';
  const s = typeof v === 'number' ? String(v) : typeof v === 'boolean' ? (v ? '1' : '0') : v;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One row per sample, full precision (rounding is for display, not for data people re-average). */
export function sampleRow(r: SampleResult): string {
  return [r.video, r.expId, r.kind, r.targets, r.motionReasoning, r.withAudio, r.frames, r.j, r.f, r.jf, r.predictedNoTarget, r.missing]
    .map(cell)
    .join(',');
}

export function samplesCsv(results: readonly SampleResult[]): string {
  return [SAMPLE_CSV_COLUMNS.join(','), ...results.map(sampleRow)].join('\n') + '\n';
}
