import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { renderCard } from './card.ts';
import { checkProportions, hashUnit, MEVIS_PROPORTIONS, splitOf, SPLITS } from './splits.ts';
import { StatsAccumulator, summariseSpeakers } from './stats.ts';
import { motLines, parseMotLines } from './tracking.ts';

describe('splits', () => {
  it('hashes every name and seed into [0, 1), the same way every time', () => {
    fc.assert(
      fc.property(fc.string(), fc.nat(), (name, seed) => {
        const u = hashUnit(name, seed);
        return u >= 0 && u < 1 && u === hashUnit(name, seed);
      }),
    );
  });

  it('gives MeViS-like proportions on 2,006 MeViS-like video names', () => {
    const names = Array.from({ length: 2006 }, (_, i) => (i * 2654435761).toString(16).padStart(12, '0').slice(-12));
    const counts = Object.fromEntries(SPLITS.map((s) => [s, 0]));
    for (const n of names) counts[splitOf(n, 2006, MEVIS_PROPORTIONS)]!++;
    expect(counts.train).toBeGreaterThan(1600);
    expect(counts.train).toBeLessThan(1720);
    for (const [s, want] of [['valid_u', 50], ['valid', 140], ['test', 154]] as const) {
      expect(Math.abs(counts[s]! - want)).toBeLessThan(want * 0.35);
    }
    // Another seed moves videos around.
    expect(names.filter((n) => splitOf(n, 2006, MEVIS_PROPORTIONS) !== splitOf(n, 7, MEVIS_PROPORTIONS)).length).toBeGreaterThan(100);
  });

  it('puts everything in a split whose share is 1, and refuses proportions that do not sum to 1', () => {
    fc.assert(fc.property(fc.string(), fc.nat(), (n, seed) => splitOf(n, seed, { train: 0, valid_u: 0, valid: 0, test: 1 }) === 'test'));
    expect(() => checkProportions({ train: 0.5, valid_u: 0.1, valid: 0.1, test: 0.1 })).toThrow(/sum to 1/);
    expect(() => checkProportions({ train: 1.2, valid_u: -0.2, valid: 0, test: 0 })).toThrow(/≥ 0/);
  });
});

describe('tracking rows', () => {
  it('writes MOT rows sorted by frame then id, 1-based, and reads them back', () => {
    const boxes = [
      { frameIdx: 1, objId: 3, x: 5, y: 6, w: 7, h: 8 },
      { frameIdx: 0, objId: 2, x: 1, y: 2, w: 3, h: 4 },
      { frameIdx: 1, objId: 1, x: 0, y: 0, w: 1, h: 1 },
    ];
    const text = motLines(boxes);
    expect(text).toBe('1,2,1,2,3,4,1,-1,-1,-1\n2,1,0,0,1,1,1,-1,-1,-1\n2,3,5,6,7,8,1,-1,-1,-1\n');
    expect(parseMotLines(text)).toEqual([boxes[1], boxes[2], boxes[0]]);
    expect(motLines([])).toBe('');
    expect(() => parseMotLines('1,2,3')).toThrow(/not a MOT row/);
  });
});

describe('statistics and the dataset card', () => {
  it('counts the Table 1 columns per split and in total', () => {
    const acc = new StatsAccumulator();
    acc.video('train', { frames: 10, objects: 4, masks: 30 });
    acc.video('test', { frames: 5, objects: 2, masks: 8 });
    acc.expression('train', { kind: 'single', targets: 1, motionReasoning: false });
    acc.expression('train', { kind: 'multi', targets: 3, motionReasoning: true });
    acc.expression('test', { kind: 'none', targets: 0, motionReasoning: false });
    acc.clip('train', { kind: 'human', durationMs: 2500 });
    acc.clip('test', { kind: 'tts', durationMs: 1000 });
    const speakers = summariseSpeakers([
      { nativeness: 'native', gender: null, ageGroup: '18-29', microphone: 'usb' },
      { nativeness: 'native', gender: 'female', ageGroup: null, microphone: null },
    ]);
    const s = acc.result(speakers);
    expect(s.total).toEqual({
      videos: 2, frames: 15, objects: 6, expressions: 3, masks: 38, objectsPerVideo: 3, targetsPerExpression: 2,
      single: 1, multi: 1, noTarget: 1, motionReasoning: 1, audio: { clips: 2, humanSeconds: 2.5, ttsSeconds: 1 },
    });
    expect(Object.keys(s.splits)).toEqual(['train', 'test']);
    expect(speakers).toEqual({ speakers: 2, nativeness: { native: 2 }, gender: { female: 1, unstated: 1 }, ageGroup: { '18-29': 1, unstated: 1 }, microphone: { unstated: 1, usb: 1 } });
    const card = renderCard({ version: 'v3', seed: 1, notes: 'n', requireAudio: true, releaseDate: '2026-11-21', proportions: { train: 1 } }, s);
    expect(card).toContain('| train | 1 | 4 | 2 | 30 | 4.00 | 2.00 | 1 | 1 | 0 | 1 | 1 |');
    expect(card).toContain('| **total** | 2 | 6 | 3 | 38 | 3.00 | 2.00 | 1 | 1 | 1 | 1 | 2 |');
    expect(card).toContain('with a verified audio clip');
    expect(card).not.toContain('\n\n\n');
  });
});
