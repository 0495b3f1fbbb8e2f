import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_WAV_BYTES, encodeWav16, parseWav, WavError, type PcmAudio } from './index.ts';
import { concat, sine, whiteNoise } from './test-support/signals.ts';
import { chunk, dataChunk, fmtChunk, riff, s16, type FmtFields } from './test-support/wav-builder.ts';

const mono16 = (values: number[], fmt: FmtFields = {}) => riff([fmtChunk(fmt), dataChunk(s16(values))]);

function refusal(bytes: Uint8Array, opts?: { maxBytes?: number }): string {
  try {
    parseWav(bytes, opts);
  } catch (err) {
    expect(err).toBeInstanceOf(WavError);
    return (err as WavError).message;
  }
  throw new Error('parseWav accepted the input');
}

describe('encodeWav16 → parseWav round trip', () => {
  it('writes the canonical 44-byte mono 16-bit header', () => {
    const wav = encodeWav16(new Float32Array([0, 0.5, -0.5]), 48000);
    const v = new DataView(wav.buffer);
    const ascii = (at: number) => String.fromCharCode(...wav.subarray(at, at + 4));
    expect(wav.length).toBe(44 + 6);
    expect([ascii(0), v.getUint32(4, true), ascii(8), ascii(12), v.getUint32(16, true)]).toEqual(['RIFF', 42, 'WAVE', 'fmt ', 16]);
    expect([v.getUint16(20, true), v.getUint16(22, true), v.getUint32(24, true), v.getUint32(28, true), v.getUint16(32, true), v.getUint16(34, true)]).toEqual([
      1, 1, 48000, 96000, 2, 16,
    ]);
    expect([ascii(36), v.getUint32(40, true)]).toEqual(['data', 6]);
    expect([v.getInt16(44, true), v.getInt16(46, true), v.getInt16(48, true)]).toEqual([0, 16384, -16384]);
  });

  it('rounds to the nearest step and clamps, so any float comes back within half a step', () => {
    const x = concat(whiteNoise(0.2, 44100, -6, 7), new Float32Array([1, -1, 1.7, -3, Number.NaN, 0.99999, -0.99999]));
    const pcm = parseWav(encodeWav16(x, 44100));
    expect(pcm).toMatchObject({ sampleRate: 44100, channels: 1, bitsPerSample: 16, format: 'pcm', length: x.length });
    for (let i = 0; i < x.length; i++) {
      const want = Number.isNaN(x[i]) ? 0 : Math.min(32767, Math.max(-32768, Math.round(x[i] * 32768))) / 32768;
      if (pcm.samples[i] !== want) throw new Error(`sample ${i}: ${x[i]} → ${pcm.samples[i]}, expected ${want}`);
    }
    expect(Array.from(pcm.samples.subarray(-7))).toEqual([32767 / 32768, -1, 32767 / 32768, -1, 0, 32767 / 32768, -1]);
  });

  it('decode → encode of a 16-bit file is byte-identical', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -32768, max: 32767 }), { minLength: 1, maxLength: 300 }), fc.constantFrom(8000, 44100, 48000, 96000), (values, rate) => {
        const wav = mono16(values, { sampleRate: rate });
        const pcm = parseWav(wav);
        expect(encodeWav16(pcm.samples, pcm.sampleRate)).toEqual(wav);
      }),
    );
  });

  it('refuses to write a sample rate it could not read back', () => {
    for (const rate of [0, 4000, 44100.5, 400000, Number.NaN]) expect(() => encodeWav16(new Float32Array(4), rate)).toThrow(WavError);
  });

  it('a zero-length take encodes, and is refused on reading as an empty recording', () => {
    expect(refusal(encodeWav16(new Float32Array(0), 48000))).toBe('empty recording: the file contains no samples');
  });
});

describe('parseWav sample formats', () => {
  it('8-bit unsigned PCM', () => {
    const body = new Uint8Array([0, 64, 128, 192, 255]);
    const pcm = parseWav(riff([fmtChunk({ bits: 8 }), dataChunk(body)]));
    expect(pcm.bitsPerSample).toBe(8);
    expect(Array.from(pcm.samples)).toEqual([-1, -0.5, 0, 0.5, 127 / 128]);
  });

  it('24-bit PCM, sign-extended', () => {
    const body = new Uint8Array([0x00, 0x00, 0x80, 0xff, 0xff, 0x7f, 0xff, 0xff, 0xff, 0x00, 0x00, 0x40]);
    const pcm = parseWav(riff([fmtChunk({ bits: 24 }), dataChunk(body)]));
    expect(Array.from(pcm.samples)).toEqual([-1, Math.fround(8388607 / 8388608), Math.fround(-1 / 8388608), 0.5]);
  });

  it('32-bit integer PCM', () => {
    const body = new Uint8Array(12);
    const v = new DataView(body.buffer);
    [-2147483648, 1073741824, -1].forEach((x, i) => v.setInt32(4 * i, x, true));
    const pcm = parseWav(riff([fmtChunk({ bits: 32 }), dataChunk(body)]));
    expect(Array.from(pcm.samples)).toEqual([-1, 0.5, Math.fround(-1 / 2147483648)]);
  });

  it('32-bit float: overs are clamped, NaN and infinities become finite', () => {
    const body = new Uint8Array(24);
    const v = new DataView(body.buffer);
    [0.25, -0.75, 1.5, -2, Number.NaN, Number.NEGATIVE_INFINITY].forEach((x, i) => v.setFloat32(4 * i, x, true));
    const pcm = parseWav(riff([fmtChunk({ tag: 3, bits: 32 }), dataChunk(body)]));
    expect(pcm.format).toBe('float');
    expect(Array.from(pcm.samples)).toEqual([0.25, -0.75, 1, -1, 0, -1]);
  });

  it('stereo is mixed to the mean of the channels', () => {
    const pcm = parseWav(mono16([1000, -3000, 32767, 32767, -32768, 0], { channels: 2 }));
    expect(pcm).toMatchObject({ channels: 2, length: 3 });
    expect(Array.from(pcm.samples)).toEqual([-1000 / 32768, 32767 / 32768, -0.5]);
  });

  it('WAVE_FORMAT_EXTENSIBLE with a PCM or float subformat', () => {
    const pcm = parseWav(mono16([16384, -16384], { extensible: { subTag: 1 } }));
    expect(pcm).toMatchObject({ format: 'pcm', bitsPerSample: 16 });
    expect(Array.from(pcm.samples)).toEqual([0.5, -0.5]);
    const body = new Uint8Array(8);
    new DataView(body.buffer).setFloat32(0, 0.125, true);
    const f = parseWav(riff([fmtChunk({ bits: 32, extensible: { subTag: 3 } }), dataChunk(body)]));
    expect(f).toMatchObject({ format: 'float', length: 2 });
    expect(f.samples[0]).toBe(0.125);
  });

  it('reads a data chunk at an odd byte offset (no alignment assumptions)', () => {
    const wav = mono16([100, -200, 300]);
    const shifted = new Uint8Array(wav.length + 1).subarray(1);
    shifted.set(wav);
    expect(Array.from(parseWav(shifted).samples)).toEqual([100, -200, 300].map((x) => x / 32768));
  });

  it('skips other chunks (LIST, fact, odd-sized with their pad byte)', () => {
    const wav = riff([chunk('JUNK', new Uint8Array(3)), fmtChunk(), chunk('fact', new Uint8Array(4)), chunk('LIST', new Uint8Array([1, 2, 3, 4, 5])), dataChunk(s16([7, 8]))]);
    expect(Array.from(parseWav(wav).samples)).toEqual([7 / 32768, 8 / 32768]);
  });

  it('an odd-sized data chunk is followed by its pad byte, which may be missing at the very end', () => {
    const body = new Uint8Array([128, 255, 0]);
    const padded = riff([fmtChunk({ bits: 8 }), dataChunk(body)]);
    expect(padded.length % 2).toBe(0);
    expect(parseWav(padded).length).toBe(3);
    const unpadded = riff([fmtChunk({ bits: 8 }), { ...dataChunk(body), noPad: true }]);
    expect(unpadded.length).toBe(padded.length - 1);
    expect(parseWav(unpadded).length).toBe(3);
  });

  it('accepts a streamed file (RIFF and data sizes 0xFFFFFFFF), dropping a partial last frame', () => {
    const values = [1, 2, 3, 4, 5, 6];
    const wav = riff([fmtChunk({ channels: 2 }), dataChunk(new Uint8Array([...s16(values), 9]), 0xffffffff)], { riffSize: 0xffffffff });
    const pcm = parseWav(wav);
    expect(pcm.length).toBe(3);
    expect(Array.from(pcm.samples)).toEqual([1.5, 3.5, 5.5].map((x) => x / 32768));
  });

  it('in a streamed file a data chunk with a real size is still checked', () => {
    const wav = riff([fmtChunk(), dataChunk(s16([1, 2]), 400)], { riffSize: 0 });
    expect(refusal(wav)).toBe('the file is shorter than its header says (4 of 400 bytes of audio data are present)');
  });
});

describe('parseWav refusals (each a WavError in plain words)', () => {
  const valid = mono16([1, 2, 3, 4]);

  it.each<[string, Uint8Array, RegExp]>([
    ['zero bytes', new Uint8Array(0), /^the file is empty \(0 bytes\)$/],
    ['too short to be anything', new Uint8Array([0x52, 0x49, 0x46, 0x46, 0]), /^not a WAV file$/],
    ['an MP3 (ID3 header)', new Uint8Array([0x49, 0x44, 0x33, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), /^not a WAV file$/],
    ['a RIFF that is not WAVE (AVI)', riff([fmtChunk()], { form: 'AVI ' }), /^not a WAV file$/],
    ['bad magic with a WAVE form', riff([fmtChunk(), dataChunk(s16([1]))], { magic: 'RIFG' }), /^not a WAV file$/],
    ['big-endian RIFX', riff([fmtChunk(), dataChunk(s16([1]))], { magic: 'RIFX' }), /big-endian \(RIFX\)/],
    ['RF64', riff([fmtChunk(), dataChunk(s16([1]))], { magic: 'RF64' }), /RF64/],
  ])('%s', (_name, bytes, message) => {
    expect(refusal(bytes)).toMatch(message);
  });

  it('over the size cap, checked before anything else', () => {
    expect(refusal(new Uint8Array(2000), { maxBytes: 1000 })).toBe('the file is too large (0.0 MB; at most 0.0 MB is accepted)');
    expect(refusal(new Uint8Array(30 * 1024 * 1024 + 1), { maxBytes: 30 * 1024 * 1024 })).toBe('the file is too large (30 MB; at most 30 MB is accepted)');
    expect(DEFAULT_MAX_WAV_BYTES).toBe(50 * 1024 * 1024);
    expect(parseWav(valid, { maxBytes: valid.length }).length).toBe(4);
  });

  it('truncated: cut off inside the data', () => {
    expect(refusal(valid.subarray(0, valid.length - 3))).toBe(`the file is shorter than its header says (${valid.length - 3} of ${valid.length} bytes)`);
  });

  it('truncated: cut off inside the header', () => {
    expect(refusal(valid.subarray(0, 20))).toBe(`the file is shorter than its header says (20 of ${valid.length} bytes)`);
  });

  it('a RIFF size larger than the file', () => {
    expect(refusal(riff([fmtChunk(), dataChunk(s16([1, 2]))], { riffSize: 1000 }))).toBe('the file is shorter than its header says (48 of 1008 bytes)');
  });

  it('a RIFF size smaller than the file (bytes after the RIFF)', () => {
    expect(refusal(riff([fmtChunk(), dataChunk(s16([1, 2]))], { riffSize: 30 }))).toBe(
      'the file is longer than its header says (48 bytes, but the header says 38); it may be damaged',
    );
  });

  it('a data length larger than what is present', () => {
    expect(refusal(riff([fmtChunk(), dataChunk(s16([1, 2]), 4000)]))).toBe('the file is shorter than its header says (4 of 4000 bytes of audio data are present)');
  });

  it('another chunk claiming more than remains', () => {
    expect(refusal(riff([fmtChunk(), chunk('LIST', new Uint8Array(4), { declaredSize: 99 }), dataChunk(s16([1]))]))).toBe(
      "the file is damaged: the 'LIST' chunk claims 99 bytes but only 14 remain",
    );
    expect(refusal(riff([fmtChunk(), chunk('\u0001\u0002\u0003\u0004', new Uint8Array(4), { declaredSize: 99 })]))).toMatch(/an unnamed chunk claims 99 bytes/);
  });

  it('stray bytes after the last chunk', () => {
    const stray = riff([fmtChunk(), dataChunk(s16([1]))]);
    const withJunk = new Uint8Array([...stray, 1, 2, 3, 0]);
    new DataView(withJunk.buffer).setUint32(4, withJunk.length - 8, true);
    expect(refusal(withJunk)).toBe('the file is damaged: it ends inside a chunk header (4 stray bytes at the end)');
  });

  it('a missing pad byte after an odd chunk throws the walk off and is refused', () => {
    const wav = riff([fmtChunk(), chunk('LIST', new Uint8Array(5), { noPad: true }), dataChunk(s16([1, 2]))]);
    expect(refusal(wav)).toMatch(/^the file is damaged/);
  });

  it.each<[string, Uint8Array, string]>([
    ['missing fmt', riff([dataChunk(s16([1]))]), "the file is damaged: its format chunk ('fmt ') is missing"],
    ['data before fmt', riff([dataChunk(s16([1])), fmtChunk()]), 'the file is damaged: its audio data comes before the format chunk'],
    ['two fmt chunks', riff([fmtChunk(), fmtChunk(), dataChunk(s16([1]))]), 'the file is damaged: it has more than one format chunk'],
    ['two data chunks', riff([fmtChunk(), dataChunk(s16([1])), dataChunk(s16([1]))]), 'the file is damaged: it has more than one audio data chunk'],
    ['no data chunk', riff([fmtChunk(), chunk('LIST', new Uint8Array(4))]), 'the file has no audio data chunk'],
    ['no chunks at all', riff([]), "the file is damaged: its format chunk ('fmt ') is missing"],
    ['zero-length data', riff([fmtChunk(), dataChunk(new Uint8Array(0))]), 'empty recording: the file contains no samples'],
    ['a fmt chunk of 14 bytes', riff([chunk('fmt ', new Uint8Array(14)), dataChunk(s16([1]))]), 'the format chunk is too short (14 bytes; at least 16 are needed)'],
    ['data not a multiple of the frame size', mono16([1, 2, 3], { channels: 2 }), 'the file is damaged: its audio data ends in the middle of a sample (6 bytes is not a multiple of 4)'],
  ])('%s', (_name, bytes, message) => {
    expect(refusal(bytes)).toBe(message);
  });

  it.each<[string, FmtFields, string]>([
    ['8-bit µ-law', { tag: 7, bits: 8 }, 'unsupported sample format: 8-bit µ-law — only PCM and floating-point WAV files are accepted'],
    ['4-bit IMA ADPCM', { tag: 0x11, bits: 4, blockAlign: 256, byteRate: 24000 }, 'unsupported sample format: 4-bit IMA ADPCM — only PCM and floating-point WAV files are accepted'],
    ['MP3 in WAV', { tag: 0x55, bits: 0, blockAlign: 1, byteRate: 16000 }, 'unsupported sample format: MP3 — only PCM and floating-point WAV files are accepted'],
    ['an unknown tag', { tag: 0x1234 }, 'unsupported sample format: 16-bit format code 0x1234 — only PCM and floating-point WAV files are accepted'],
    ['12-bit PCM', { bits: 12, blockAlign: 2, byteRate: 96000 }, 'unsupported sample format: 12-bit PCM — only PCM and floating-point WAV files are accepted'],
    ['64-bit float', { tag: 3, bits: 64 }, 'unsupported sample format: 64-bit floating point — only PCM and floating-point WAV files are accepted'],
    ['16-bit float', { tag: 3, bits: 16 }, 'unsupported sample format: 16-bit floating point — only PCM and floating-point WAV files are accepted'],
    ['extensible µ-law', { bits: 8, extensible: { subTag: 7 } }, 'unsupported sample format: 8-bit µ-law — only PCM and floating-point WAV files are accepted'],
    ['extensible with a foreign GUID', { extensible: { subTag: 1, guidTail: new Array(14).fill(1) } }, 'unsupported sample format: an extensible WAV with a non-standard subformat — only PCM and floating-point WAV files are accepted'],
    ['extensible with more valid bits than the container', { extensible: { subTag: 1, validBits: 24 } }, 'the format chunk is inconsistent (24 valid bits in 16-bit samples)'],
    ['zero channels', { channels: 0, blockAlign: 2, byteRate: 96000 }, 'unsupported channel count: 0 (1 to 8 channels are accepted)'],
    ['nine channels', { channels: 9 }, 'unsupported channel count: 9 (1 to 8 channels are accepted)'],
    ['4 kHz', { sampleRate: 4000 }, 'unsupported sample rate: 4000 Hz (8000 to 384000 Hz are accepted)'],
    ['768 kHz', { sampleRate: 768000 }, 'unsupported sample rate: 768000 Hz (8000 to 384000 Hz are accepted)'],
    ['a wrong block align', { channels: 2, blockAlign: 2, byteRate: 96000 }, 'the format chunk is inconsistent (block align 2, but 2 channel(s) of 16-bit samples need 4)'],
    ['a wrong byte rate', { byteRate: 12345 }, 'the format chunk is inconsistent (byte rate 12345, but 48000 Hz × 2 bytes is 96000)'],
  ])('%s', (_name, fmt, message) => {
    expect(refusal(riff([fmtChunk(fmt), dataChunk(new Uint8Array(512))]))).toBe(message);
  });

  it('an extensible fmt chunk shorter than 40 bytes', () => {
    const fmt = fmtChunk({ extensible: { subTag: 1 } });
    expect(refusal(riff([{ id: 'fmt ', body: fmt.body.subarray(0, 24) }, dataChunk(s16([1]))]))).toBe(
      'the extensible format chunk is too short (24 bytes; 40 are needed)',
    );
  });
});

describe('parseWav on random and damaged input throws nothing but WavError', () => {
  const ok = (pcm: PcmAudio) => {
    expect(pcm.samples.length).toBe(pcm.length);
    expect(pcm.length).toBeGreaterThan(0);
    for (const x of pcm.samples) if (!(x >= -1 && x <= 1)) throw new Error(`sample out of range: ${x}`);
  };
  const attempt = (bytes: Uint8Array) => {
    try {
      ok(parseWav(bytes));
    } catch (err) {
      if (!(err instanceof WavError) || err.message.length < 8) throw err;
    }
  };

  it('random bytes, with and without a RIFF/WAVE head', () => {
    const head = new Uint8Array([0x52, 0x49, 0x46, 0x46, 0, 0, 0, 0, 0x57, 0x41, 0x56, 0x45]);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), fc.boolean(), (tail, withHead) => {
        attempt(withHead ? new Uint8Array([...head, ...tail]) : tail);
      }),
      { numRuns: 3000 },
    );
  });

  const seeds: Uint8Array[] = [
    encodeWav16(sine(0.01, 8000, 440, 0.5), 8000),
    riff([chunk('JUNK', new Uint8Array(3)), fmtChunk({ bits: 24, channels: 2, extensible: { subTag: 1 } }), chunk('LIST', new Uint8Array(5)), dataChunk(new Uint8Array(60))]),
    riff([fmtChunk({ tag: 3, bits: 32 }), chunk('fact', new Uint8Array(4)), dataChunk(new Uint8Array(32).fill(0x7f))]),
    riff([fmtChunk({ bits: 8, channels: 3 }), dataChunk(new Uint8Array(9))], { riffSize: 0xffffffff }),
  ];
  const mutation = fc.oneof(
    fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
    fc.record({ kind: fc.constant('u32' as const), at: fc.constantFrom(4, 16, 20, 24, 28, 32, 34, 36, 40, 44, 48, 52, 60), value: fc.constantFrom(0, 1, 2, 3, 16, 17, 40, 0x7fffffff, 0xfffffffe, 0xffffffff) }),
    fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), value: fc.integer({ min: 0, max: 255 }) }),
  );

  it('valid files with bytes flipped, size fields rewritten, cut short or shifted', () => {
    fc.assert(
      fc.property(fc.constantFrom(...seeds), fc.array(mutation, { minLength: 1, maxLength: 4 }), (seed, mutations) => {
        let bytes = new Uint8Array(seed);
        for (const m of mutations) {
          const at = m.at % (bytes.length + 1);
          if (m.kind === 'set' && at < bytes.length) bytes[at] = m.value;
          else if (m.kind === 'u32' && at + 4 <= bytes.length) new DataView(bytes.buffer).setUint32(at, m.value, true);
          else if (m.kind === 'truncate') bytes = bytes.slice(0, at);
          else if (m.kind === 'insert') bytes = new Uint8Array([...bytes.subarray(0, at), m.value, ...bytes.subarray(at)]);
        }
        attempt(bytes);
      }),
      { numRuns: 5000 },
    );
  });
});
