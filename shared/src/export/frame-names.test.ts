import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { frameMapJson, keepsSourceNames, writtenFrameNames } from './frame-names.ts';

describe('frame names a release writes', () => {
  it('keeps names the MeViS tools read as they are: DAVIS 00000…, YouTube-VOS strides', () => {
    expect(writtenFrameNames(['00000', '00001', '00002'])).toEqual({ names: ['00000', '00001', '00002'], frameMap: null });
    expect(writtenFrameNames(['00000', '00005', '00010', '00015'])).toEqual({ names: ['00000', '00005', '00010', '00015'], frameMap: null });
  });

  it('renumbers, with a map to the source names, when a name is unsafe, the order is not sorted, or the first is not 00000', () => {
    // Natural order is not string order: frame_10 sorts before frame_2.
    expect(writtenFrameNames(['frame_2', 'frame_10'])).toEqual({ names: ['00000', '00001'], frameMap: [['00000', 'frame_2'], ['00001', 'frame_10']] });
    // A YouTube-VOS clip that starts later: the evaluator reads 00000.png.
    expect(writtenFrameNames(['00000693', '00000698']).frameMap).toEqual([['00000', '00000693'], ['00001', '00000698']]);
    // A dot would make <name>.jpg ambiguous.
    expect(keepsSourceNames(['00000', '00001.5'])).toBe(false);
    expect(keepsSourceNames(['00000', 'a'.repeat(65)])).toBe(false);
    expect(keepsSourceNames([])).toBe(false);
  });

  it('always writes sorted names starting at 00000 and traces every frame', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[A-Za-z0-9_.-]{1,12}$/), { minLength: 1, maxLength: 30 }), (source) => {
        const w = writtenFrameNames(source);
        const sorted = w.names.every((n, i) => i === 0 || w.names[i - 1]! < n);
        const traced = w.frameMap === null ? w.names.join('/') === source.join('/') : w.frameMap.every(([n, s], i) => n === w.names[i] && s === source[i]);
        return w.names.length === source.length && w.names[0] === '00000' && sorted && traced;
      }),
    );
  });

  it('writes the map as an ordered JSON object', () => {
    const text = frameMapJson([['00000', 'frame_2'], ['00001', 'frame_10']]);
    expect(text).toBe('{"00000":"frame_2","00001":"frame_10"}');
    expect(Object.keys(JSON.parse(text) as object)).toEqual(['00000', '00001']);
  });
});
