import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeWav16, parseWav, WavError } from './index.ts';
import { both, ffmpeg, run, runBytes, scratch, sox, type Scratch } from './test-support/external-tools.ts';

/** Max |a − b| over two equally long sample arrays. */
function maxDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

let tmp: Scratch;
beforeAll(() => {
  tmp = scratch();
});
afterAll(() => tmp.remove());

describe.skipIf(!sox.available)('WAV files written by sox' + sox.skipNote, () => {
  let ref: Float32Array;
  beforeAll(() => {
    // A 16-bit source, so every wider format holds exactly the same values.
    run('sox', ['-n', '-r', '48000', '-b', '16', tmp.file('ref16.wav'), 'synth', '0.5', 'sine', '440', 'vol', '0.5']);
    run('sox', ['-n', '-r', '48000', '-b', '16', tmp.file('right16.wav'), 'synth', '0.5', 'sine', '660', 'vol', '0.3']);
    ref = parseWav(tmp.read('ref16.wav')).samples;
  });

  it('16-bit: 24000 samples of a 0.5 sine', () => {
    const pcm = parseWav(tmp.read('ref16.wav'));
    expect(pcm).toMatchObject({ sampleRate: 48000, channels: 1, bitsPerSample: 16, format: 'pcm', length: 24000 });
    const peak = pcm.samples.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
    expect(peak).toBeGreaterThan(0.499);
    expect(peak).toBeLessThanOrEqual(0.5 + 2 / 32768);
  });

  it.each<[string, string[], Partial<{ bitsPerSample: number; format: string }>]>([
    ['24-bit (extensible)', ['-b', '24'], { bitsPerSample: 24, format: 'pcm' }],
    ['32-bit integer (extensible)', ['-b', '32'], { bitsPerSample: 32, format: 'pcm' }],
    ['32-bit float', ['-e', 'floating-point', '-b', '32'], { bitsPerSample: 32, format: 'float' }],
  ])('%s decodes to exactly the 16-bit values', (name, args, expected) => {
    const file = tmp.file(`${name.split(' ')[0]}-${expected.format}.wav`);
    run('sox', [tmp.file('ref16.wav'), ...args, file]);
    const pcm = parseWav(tmp.read(file.slice(tmp.dir.length + 1)));
    expect(pcm).toMatchObject({ ...expected, sampleRate: 48000, length: 24000 });
    expect(maxDiff(pcm.samples, ref)).toBe(0);
  });

  it('8-bit unsigned (undithered) is within one 8-bit step', () => {
    run('sox', [tmp.file('ref16.wav'), '-b', '8', '-D', tmp.file('u8.wav')]);
    const pcm = parseWav(tmp.read('u8.wav'));
    expect(pcm.bitsPerSample).toBe(8);
    const d = maxDiff(pcm.samples, ref);
    expect(d).toBeGreaterThan(0);
    expect(d).toBeLessThanOrEqual(1 / 128);
  });

  it('stereo (left 440 Hz, right 660 Hz) is mixed to the mean of the channels', () => {
    run('sox', ['-M', tmp.file('ref16.wav'), tmp.file('right16.wav'), tmp.file('stereo.wav')]);
    const right = parseWav(tmp.read('right16.wav')).samples;
    const pcm = parseWav(tmp.read('stereo.wav'));
    expect(pcm).toMatchObject({ channels: 2, length: 24000 });
    const expected = ref.map((l, i) => (l + right[i]) / 2);
    expect(maxDiff(pcm.samples, expected)).toBe(0);
  });

  it.each<[string, string[], string]>([
    ['µ-law', ['-e', 'u-law'], 'unsupported sample format: 8-bit µ-law'],
    ['A-law', ['-e', 'a-law'], 'unsupported sample format: 8-bit A-law'],
    ['IMA ADPCM', ['-e', 'ima-adpcm'], 'unsupported sample format: 4-bit IMA ADPCM'],
    ['64-bit float', ['-e', 'floating-point', '-b', '64'], 'unsupported sample format: 64-bit floating point'],
  ])('%s is refused with its name', (name, args, message) => {
    const file = `${name.replace(/\W/g, '')}.wav`;
    run('sox', [tmp.file('ref16.wav'), ...args, tmp.file(file)]);
    expect(() => parseWav(tmp.read(file))).toThrow(WavError);
    expect(() => parseWav(tmp.read(file))).toThrow(message);
  });

  it('a WAV cut short by a failed upload is refused as truncated', () => {
    const whole = tmp.read('ref16.wav');
    expect(() => parseWav(whole.subarray(0, 30000))).toThrow(`the file is shorter than its header says (30000 of ${whole.length} bytes)`);
  });
});

const ffmpegAndSox = both(ffmpeg, sox);

describe.skipIf(!ffmpegAndSox.available)('WAV files written by ffmpeg' + ffmpegAndSox.skipNote, () => {
  let ref: Float32Array;
  beforeAll(() => {
    run('sox', ['-n', '-r', '44100', '-b', '16', tmp.file('ff-ref.wav'), 'synth', '0.4', 'sine', '300', 'vol', '0.4']);
    ref = parseWav(tmp.read('ff-ref.wav')).samples;
  });

  it('default output (a LIST chunk before the data) in s16, s24 and f32', () => {
    for (const codec of ['pcm_s16le', 'pcm_s24le', 'pcm_s32le', 'pcm_f32le']) {
      run('ffmpeg', ['-v', 'error', '-y', '-i', tmp.file('ff-ref.wav'), '-c:a', codec, tmp.file(`${codec}.wav`)]);
      const bytes = tmp.read(`${codec}.wav`);
      const text = Buffer.from(bytes).toString('latin1');
      expect(text.indexOf('LIST')).toBeGreaterThan(0);
      expect(text.indexOf('LIST')).toBeLessThan(text.indexOf('data'));
      const pcm = parseWav(bytes);
      expect(pcm.sampleRate).toBe(44100);
      expect(maxDiff(pcm.samples, ref)).toBe(0);
    }
  });

  it('stereo from ffmpeg (the source on both channels) mixes back to the source', () => {
    run('ffmpeg', ['-v', 'error', '-y', '-i', tmp.file('ff-ref.wav'), '-af', 'pan=stereo|c0=c0|c1=c0', tmp.file('ff-stereo.wav')]);
    const pcm = parseWav(tmp.read('ff-stereo.wav'));
    expect(pcm.channels).toBe(2);
    expect(maxDiff(pcm.samples, ref)).toBe(0);
  });

  it('written to a pipe (RIFF and data sizes 0xFFFFFFFF) it still parses completely', () => {
    const bytes = runBytes('ffmpeg', ['-v', 'error', '-i', tmp.file('ff-ref.wav'), '-f', 'wav', '-']);
    expect(new DataView(bytes.buffer, bytes.byteOffset).getUint32(4, true)).toBe(0xffffffff);
    expect(maxDiff(parseWav(bytes).samples, ref)).toBe(0);
  });

  it('the dataset conversion (bitexact, 48 kHz mono s16) gives exactly what encodeWav16 writes', () => {
    run('ffmpeg', ['-v', 'error', '-y', '-i', tmp.file('ff-ref.wav'), '-ac', '1', '-ar', '48000', '-c:a', 'pcm_s16le', '-map_metadata', '-1', '-fflags', '+bitexact', '-flags:a', '+bitexact', tmp.file('dataset.wav')]);
    const bytes = tmp.read('dataset.wav');
    const pcm = parseWav(bytes);
    expect(pcm).toMatchObject({ sampleRate: 48000, channels: 1, bitsPerSample: 16 });
    expect(encodeWav16(pcm.samples, pcm.sampleRate)).toEqual(bytes);
  });
});
