import { describe, expect, it } from 'vitest';
import { activityData, agreementData, barsData, duration, percent } from './chart-data.ts';

const series = {
  days: [86400, 172800, 259200],
  submissions: [2, 3, 0],
  accepted: [1, 2, 0],
  discarded: [0, 1, 0],
  rejected: [0, 0, 1],
  firstAnswers: [2, 3, 0],
  agreement: [0.5, 1 / 3, null],
};

describe('dashboard chart data', () => {
  it('aligns the daily series for uPlot, agreement in percent with gaps', () => {
    expect(activityData(series)).toEqual([series.days, [2, 3, 0], [1, 2, 0], [0, 1, 0], [0, 0, 1]]);
    expect(agreementData(series)).toEqual([series.days, [50, 33.3, null]]);
  });

  it('puts histogram bins at 0, 1, 2, …', () => {
    expect(barsData({ labels: ['0', '1', '2+'], counts: [4, 0, 7] })).toEqual([
      [0, 1, 2],
      [4, 0, 7],
    ]);
  });

  it('formats shares and durations', () => {
    expect(percent(0.4567)).toBe('45.7 %');
    expect(percent(null)).toBe('–');
    expect(duration(42.4)).toBe('42 s');
    expect(duration(750)).toBe('12.5 min');
    expect(duration(11520)).toBe('3.2 h');
  });
});
