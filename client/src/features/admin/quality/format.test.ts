import { describe, expect, it } from 'vitest';
import { pct, withInterval } from './format.ts';

describe('quality page formatting', () => {
  it('shows a value with its interval, or a dash when there is none', () => {
    expect(withInterval(0.7701, 0.7649, 0.7752)).toBe('0.770 (0.765–0.775)');
    expect(withInterval(0.5, null, null)).toBe('0.500');
    expect(withInterval(null, 0.1, 0.2)).toBe('–');
    expect(withInterval(0.25, 0.2, 0.3, pct)).toBe('25.0 % (20.0 %–30.0 %)');
  });
});
