import { describe, expect, it } from 'vitest';
import { analyzeAudio } from './analysis.ts';
import { micFindings } from './mic-check.ts';
import { concat, mix, silence, sine, whiteNoise } from './test-support/signals.ts';

const RATE = 48000;
/** A second of quiet, then two seconds of a voice-like tone at `amp`, over background noise. */
const check = (amp: number, noiseDbfs: number) => micFindings(analyzeAudio(mix(concat(silence(1, RATE), sine(2, RATE, 220, amp)), whiteNoise(3, RATE, noiseDbfs)), RATE));

describe('microphone check', () => {
  it('a clear voice in a quiet room passes', () => {
    expect(check(0.2, -70)).toEqual([]);
  });
  it('digital silence, or nearly, is "no signal" and nothing else', () => {
    expect(micFindings(analyzeAudio(silence(3, RATE), RATE))).toEqual(['no_signal']);
    expect(check(0.0005, -100)).toEqual(['no_signal']);
  });
  it('a faint voice is too quiet', () => {
    expect(check(0.01, -80)).toEqual(['too_quiet']);
  });
  it('a voice beyond full scale clips', () => {
    expect(check(1.6, -70).filter((f) => f !== 'too_quiet')).toEqual(['clipping']);
  });
  it('loud background noise is reported', () => {
    expect(check(0.3, -35)).toContain('noisy');
  });
});
