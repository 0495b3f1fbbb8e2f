import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyzeAudio, DB_FLOOR, VAD_PARAMS } from './index.ts';
import { concat, dbToAmplitude, mix, rng, silence, sine, whiteNoise } from './test-support/signals.ts';

const R = 48000;
const db = (x: number) => 20 * Math.log10(x);

/** 0.6 s silence, `seconds` of a 220 Hz sine at peak `amp`, 0.9 s silence. */
const burst = (amp = 0.3, seconds = 1.5, rate = R) => concat(silence(0.6, rate), sine(seconds, rate, 220, amp), silence(0.9, rate));

describe('analyzeAudio on synthetic signals', () => {
  it('digital silence: no voice, every level at the floor', () => {
    expect(analyzeAudio(silence(3, R), R)).toEqual({
      sampleRate: R,
      durationSec: 3,
      voiced: [],
      voicedSec: 0,
      trimStart: 0,
      trimEnd: 0,
      peakDbfs: DB_FLOOR,
      rmsDbfs: DB_FLOOR,
      speechRmsDbfs: null,
      noiseFloorDbfs: DB_FLOOR,
      clippedRatio: 0,
    });
  });

  it('no samples at all', () => {
    const a = analyzeAudio(new Float32Array(0), R);
    expect(a).toMatchObject({ durationSec: 0, voiced: [], voicedSec: 0, speechRmsDbfs: null, peakDbfs: DB_FLOOR, rmsDbfs: DB_FLOOR, clippedRatio: 0 });
  });

  it('a 1.5 s tone between 0.6 s and 0.9 s of silence: one voiced stretch where the tone is', () => {
    const a = analyzeAudio(burst(), R);
    expect(a.durationSec).toBe(3);
    expect(a.voiced).toHaveLength(1);
    expect(a.voiced[0].start).toBeGreaterThanOrEqual(0.58);
    expect(a.voiced[0].start).toBeLessThanOrEqual(0.6);
    expect(a.voiced[0].end).toBeGreaterThanOrEqual(2.1);
    expect(a.voiced[0].end).toBeLessThanOrEqual(2.12);
    expect(a.voicedSec).toBeCloseTo(a.voiced[0].end - a.voiced[0].start, 10);
    expect(a.trimStart).toBeCloseTo(a.voiced[0].start - VAD_PARAMS.trimPadSec, 10);
    expect(a.trimEnd).toBeCloseTo(a.voiced[0].end + VAD_PARAMS.trimPadSec, 10);
    expect(a.peakDbfs).toBeCloseTo(db(0.3), 2);
    // A sine's RMS is peak/√2; the whole take holds 1.5 s of it in 3 s.
    expect(a.rmsDbfs).toBeCloseTo(db(0.3 / Math.SQRT2) + 10 * Math.log10(1.5 / 3), 2);
    expect(a.speechRmsDbfs!).toBeGreaterThan(db(0.3 / Math.SQRT2) - 0.3);
    expect(a.speechRmsDbfs!).toBeLessThanOrEqual(db(0.3 / Math.SQRT2) + 0.01);
    expect(a.noiseFloorDbfs).toBe(DB_FLOOR);
    expect(a.clippedRatio).toBe(0);
  });

  it('the same take at 44.1 kHz (10 ms hops of 441 samples) gives the same times', () => {
    const a = analyzeAudio(burst(0.3, 1.5, 44100), 44100);
    expect(a.voiced).toHaveLength(1);
    expect(a.voiced[0].start).toBeGreaterThanOrEqual(0.58);
    expect(a.voiced[0].end).toBeLessThanOrEqual(2.12);
    expect(a.voiced[0].end).toBeGreaterThanOrEqual(2.1);
  });

  it.each([-70, -60, -50])('the tone in white noise at %i dBFS: the floor is the noise, the tone still found within 20 ms', (noiseDb) => {
    const a = analyzeAudio(mix(burst(), whiteNoise(3, R, noiseDb, 3)), R);
    expect(a.noiseFloorDbfs).toBeGreaterThan(noiseDb - 1);
    expect(a.noiseFloorDbfs).toBeLessThan(noiseDb + 1);
    expect(a.voiced).toHaveLength(1);
    expect(Math.abs(a.voiced[0].start - 0.6)).toBeLessThanOrEqual(0.02);
    expect(Math.abs(a.voiced[0].end - 2.1)).toBeLessThanOrEqual(0.02);
  });

  it.each([-60, -30, -10])('white noise alone at %i dBFS is not speech', (noiseDb) => {
    const a = analyzeAudio(whiteNoise(3, R, noiseDb, 5), R);
    expect(a.voiced).toEqual([]);
    expect(a.speechRmsDbfs).toBeNull();
    expect(a.rmsDbfs).toBeCloseTo(noiseDb, 0);
  });

  it('noise that slowly swells and fades by ±4 dB is not speech either', () => {
    const n = whiteNoise(4, R, -40, 9);
    for (let i = 0; i < n.length; i++) n[i] *= dbToAmplitude(4 * Math.sin((2 * Math.PI * i) / (2 * R)));
    expect(analyzeAudio(n, R).voiced).toEqual([]);
  });

  it('a tone far below the absolute minimum (−65 dBFS RMS) in digital silence is not speech', () => {
    expect(analyzeAudio(burst(dbToAmplitude(-62)), R).voiced).toEqual([]);
    expect(analyzeAudio(burst(dbToAmplitude(-48)), R).voiced).toHaveLength(1);
  });

  it('gaps up to 0.2 s are bridged, longer ones split the speech', () => {
    const tone = () => sine(0.5, R, 220, 0.3);
    const bridged = analyzeAudio(concat(silence(0.5, R), tone(), silence(0.15, R), tone(), silence(0.5, R)), R);
    expect(bridged.voiced).toHaveLength(1);
    expect(bridged.voicedSec).toBeGreaterThan(1.14);
    const split = analyzeAudio(concat(silence(0.5, R), tone(), silence(0.35, R), tone(), silence(0.5, R)), R);
    expect(split.voiced).toHaveLength(2);
    expect(split.voicedSec).toBeGreaterThan(0.98);
    expect(split.voicedSec).toBeLessThan(1.06);
    expect(split.voiced[1].start - split.voiced[0].end).toBeGreaterThan(0.3);
  });

  it('a click far from the speech is dropped; a 0.12 s syllable is kept', () => {
    const click = sine(0.01, R, 1000, 0.8);
    const a = analyzeAudio(concat(silence(0.3, R), click, silence(1, R), sine(1, R, 220, 0.3), silence(0.5, R)), R);
    expect(a.voiced).toHaveLength(1);
    expect(a.voiced[0].start).toBeGreaterThan(1.28);
    const b = analyzeAudio(concat(silence(0.5, R), sine(0.12, R, 220, 0.3), silence(0.5, R)), R);
    expect(b.voiced).toHaveLength(1);
  });

  it('clipping counts samples in runs of ≥ 2 at ≥ 0.999 of full scale, of either sign', () => {
    const x = sine(1, R, 220, 0.5);
    // 10 runs of 3 samples at +1, 5 runs of 4 at −1, and 7 single full-scale samples that do not count.
    for (let r = 0; r < 10; r++) x.set([1, 1, 1], 1000 + r * 1000);
    for (let r = 0; r < 5; r++) x.set([-1, -0.9995, -1, -1], 20000 + r * 1000);
    for (let r = 0; r < 7; r++) x[30000 + r * 1000] = 1;
    x.set([0.9989, 0.9989, 0.9989], 40000);
    // A run that ends the take counts too.
    x.set([1, 1], R - 2);
    const a = analyzeAudio(x, R);
    expect(a.clippedRatio).toBe((30 + 20 + 2) / R);
    expect(a.peakDbfs).toBe(0);
  });

  it('a tone driven into hard clipping', () => {
    const x = sine(1, R, 220, 4);
    for (let i = 0; i < x.length; i++) x[i] = Math.max(-1, Math.min(1, x[i]));
    // |4 sin| ≥ 1 for all but the share 2·asin(1/4)/π of the cycle.
    expect(analyzeAudio(x, R).clippedRatio).toBeCloseTo(1 - (2 * Math.asin(0.25)) / Math.PI, 2);
  });

  it('a take shorter than one frame', () => {
    const a = analyzeAudio(sine(0.005, R, 220, 0.5), R);
    expect(a.durationSec).toBeCloseTo(0.005, 10);
    expect(a.voiced).toEqual([]);
    expect(a.peakDbfs).toBeGreaterThan(-7);
  });

  it('refuses a meaningless sample rate', () => {
    expect(() => analyzeAudio(new Float32Array(10), 0)).toThrow(RangeError);
    expect(() => analyzeAudio(new Float32Array(10), Number.NaN)).toThrow(RangeError);
  });
});

describe('voiced stretches are always well formed', () => {
  it('random layouts of tones, clicks and noise', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ gap: fc.integer({ min: 0, max: 60 }), len: fc.integer({ min: 1, max: 80 }), amp: fc.double({ min: 0.001, max: 1.2, noNaN: true }) }), { maxLength: 8 }),
        fc.integer({ min: 0, max: 2 ** 31 }),
        fc.constantFrom(8000, 16000, 44100, 48000),
        (parts, seed, rate) => {
          const r = rng(seed);
          const x = concat(
            ...parts.flatMap((p) => [silence(p.gap / 100, rate), sine(p.len / 100, rate, 100 + 900 * r(), p.amp)]),
            silence(0.1, rate),
          );
          const a = analyzeAudio(x, rate);
          let sum = 0;
          a.voiced.forEach((v, i) => {
            expect(v.start).toBeGreaterThanOrEqual(0);
            expect(v.end).toBeLessThanOrEqual(a.durationSec);
            expect(v.end - v.start).toBeGreaterThanOrEqual(VAD_PARAMS.minSegmentSec - 1e-9);
            if (i > 0) expect(v.start - a.voiced[i - 1].end).toBeGreaterThan(VAD_PARAMS.bridgeGapSec);
            sum += v.end - v.start;
          });
          expect(a.voicedSec).toBeCloseTo(sum, 9);
          if (a.voiced.length) {
            expect(a.trimStart).toBeLessThanOrEqual(a.voiced[0].start);
            expect(a.trimEnd).toBeGreaterThanOrEqual(a.voiced[a.voiced.length - 1].end);
            expect(a.trimEnd).toBeLessThanOrEqual(a.durationSec);
          }
          expect(a.clippedRatio).toBeGreaterThanOrEqual(0);
          expect(a.clippedRatio).toBeLessThanOrEqual(1);
        },
      ),
      { numRuns: 150 },
    );
  });
});

describe('speed (reported, not asserted)', () => {
  it('a 10 s 48 kHz take', () => {
    const x = mix(concat(silence(1, R), whiteNoise(8, R, -20, 2), silence(1, R)), whiteNoise(10, R, -60, 4));
    for (let i = 0; i < 20; i++) analyzeAudio(x, R);
    const times: number[] = [];
    for (let i = 0; i < 50; i++) {
      const t0 = performance.now();
      analyzeAudio(x, R);
      times.push(performance.now() - t0);
    }
    times.sort((p, q) => p - q);
    console.log(`analyzeAudio, 10 s at 48 kHz: median ${times[25].toFixed(2)} ms, max ${times[49].toFixed(2)} ms`);
    expect(analyzeAudio(x, R).voiced).toHaveLength(1);
  });
});
