import { describe, expect, it } from 'vitest';
import { checkFrameSequence, frameNumber, naturalOrder } from './names.ts';

describe('frame names', () => {
  it('reads the number of a name: its last run of digits', () => {
    expect(frameNumber('00042', 'f')).toBe(42);
    expect(frameNumber('frame_000042', 'f')).toBe(42);
    expect(frameNumber('cam2_frame_7', 'f')).toBe(7);
    expect(frameNumber('00000693', 'f')).toBe(693);
    expect(frameNumber('img-12-final', 'f')).toBe(12);
    expect(() => frameNumber('cover', 'JPEGImages/v/cover.jpg')).toThrow(/^JPEGImages\/v\/cover\.jpg: frame name "cover" has no number/);
    expect(() => frameNumber('f_1234567890123456', 'x')).toThrow(/longer than 15 digits/);
    expect(frameNumber('f_0000000000000000001', 'x')).toBe(1);
  });

  it('orders naturally, not as strings, and refuses ties naming both files', () => {
    const listed = ['frame_1', 'frame_10', 'frame_11', 'frame_2', 'frame_9'].map((name) => ({ name }));
    expect(naturalOrder(listed, (f) => `${f.name}.jpg`).map((f) => f.name)).toEqual(['frame_1', 'frame_2', 'frame_9', 'frame_10', 'frame_11']);
    expect(() => naturalOrder([{ name: 'a_1' }, { name: 'b_01' }, { name: 'c_2' }], (f) => `v/${f.name}.jpg`)).toThrow(/^v\/b_01\.jpg: frame number 1 is also the number of v\/a_1\.jpg/);
  });

  it('keeps YouTube-VOS strides and refuses gaps, ties and unsorted lists, naming the video', () => {
    expect(() => checkFrameSequence(['00000693', '00000698', '00000703'], 'v')).not.toThrow();
    expect(() => checkFrameSequence(['frame_2', 'frame_10'], 'v')).not.toThrow();
    expect(() => checkFrameSequence(['frame_10', 'frame_2'], 'meta → videos.v')).toThrow(/^meta → videos\.v: frames are not sorted in natural order: frame_2 comes after frame_10/);
    expect(() => checkFrameSequence(['f_1', 'g_1'], 'meta → videos.v')).toThrow(/^meta → videos\.v: frames f_1 and g_1 have the same number 1/);
    expect(() => checkFrameSequence(['f_1', 'f_2', 'f_4'], 'v')).toThrow(/frame gap: f_2 is followed by f_4/);
    expect(() => checkFrameSequence(['f_1', 'poster'], 'meta → videos.v')).toThrow(/^meta → videos\.v: frame name "poster" has no number/);
  });
});
