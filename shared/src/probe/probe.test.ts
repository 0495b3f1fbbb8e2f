import { describe, expect, it } from 'vitest';
import { isProbeSelected, probeCardLine, probeFrame, probeMatched, probeReleaseStats } from './index.ts';

describe('single-frame probe rules', () => {
  it('selects about the share, the same ids every time, and a larger share only adds ids', () => {
    const ids = Array.from({ length: 20_000 }, (_, i) => i + 1);
    const at10 = ids.filter((id) => isProbeSelected(id, 0.1));
    expect(at10.length / ids.length).toBeGreaterThan(0.09);
    expect(at10.length / ids.length).toBeLessThan(0.11);
    expect(ids.filter((id) => isProbeSelected(id, 0.1))).toEqual(at10);
    const at30 = new Set(ids.filter((id) => isProbeSelected(id, 0.3)));
    expect(at10.every((id) => at30.has(id))).toBe(true);
    expect(ids.some((id) => isProbeSelected(id, 0))).toBe(false);
    expect(ids.every((id) => isProbeSelected(id, 1))).toBe(true);
  });

  it('shows a frame where every target is visible when there is one, else one with some target, else none', () => {
    const frames = [
      { frame: 0, visibleTargets: 1 },
      { frame: 1, visibleTargets: 2 },
      { frame: 2, visibleTargets: 0 },
      { frame: 3, visibleTargets: 2 },
    ];
    for (let id = 1; id < 200; id++) {
      expect([1, 3]).toContain(probeFrame(id, frames, 2));
      expect([0, 1, 3]).toContain(probeFrame(id, frames, 3));
      // Deterministic: the order the rows come in does not matter.
      expect(probeFrame(id, [...frames].reverse(), 2)).toBe(probeFrame(id, frames, 2));
    }
    // Both candidate frames are drawn for some ids (it is a draw, not always the first).
    const drawn = new Set(Array.from({ length: 200 }, (_, id) => probeFrame(id, frames, 2)));
    expect(drawn).toEqual(new Set([1, 3]));
    expect(probeFrame(5, [{ frame: 0, visibleTargets: 0 }], 1)).toBeNull();
    expect(probeFrame(5, [], 1)).toBeNull();
  });

  it('matches only the exact set, whatever the order; "no target" never matches a probed expression', () => {
    expect(probeMatched({ kind: 'targets', targets: [3, 1] }, [1, 3])).toBe(true);
    expect(probeMatched({ kind: 'targets', targets: [1] }, [1, 3])).toBe(false);
    expect(probeMatched({ kind: 'targets', targets: [1, 2, 3] }, [1, 3])).toBe(false);
    expect(probeMatched({ kind: 'no_target' }, [1])).toBe(false);
    expect(probeMatched({ kind: 'no_target' }, [])).toBe(false);
  });

  it('states the rate rounded, and says when nothing was probed', () => {
    expect(probeReleaseStats(3, 1)).toEqual({ probed: 3, identifiable: 1, rate: 0.333 });
    expect(probeReleaseStats(0, 0)).toEqual({ probed: 0, identifiable: 0, rate: null });
    expect(probeCardLine(probeReleaseStats(1200, 150))).toContain('for 150 of 1,200 probed expressions (12.5 %)');
    expect(probeCardLine(probeReleaseStats(0, 0))).toContain('no expression of this release was probed');
  });
});
