/**
 * The analysis and the checks on real speech: espeak-ng sentences, resampled and padded by sox
 * (STACK.md §6b), compared with what sox itself measures.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyzeAudio, checkClip, parseWav, type AudioAnalysis } from './index.ts';
import { both, espeak, run, scratch, sox, soxStat, type Scratch } from './test-support/external-tools.ts';

const tools = both(espeak, sox);
const PAD_START = 0.6;
const PAD_END = 0.9;

/** Sentences of longer words, where espeak's nominal rate is close to words per minute as counted. */
const LONG_WORDS = ['the sheep walking away', 'the person who turns around and then walks towards the camera', 'the elephant slowly lifting its trunk before turning left'];
/** Sentences full of one-syllable words, which espeak speaks faster than its nominal rate. */
const SHORT_WORDS = ['the bird flying away from the tree', 'a small brown dog is running away from the red car near the big tree', 'the two cars driving side by side'];

const seconds = (out: string) => Number(/Length \(seconds\):\s+([\d.]+)/.exec(out)![1]);

describe.skipIf(!tools.available)('real speech from espeak-ng' + tools.skipNote, () => {
  let tmp: Scratch;
  let n = 0;
  beforeAll(() => {
    tmp = scratch();
  });
  afterAll(() => tmp.remove());

  interface Take {
    raw: string;
    file: string;
    analysis: AudioAnalysis;
  }

  /** espeak-ng at `speed`, then 48 kHz, peak −1 dBFS, 0.6 s of silence before and 0.9 s after (plus `effects`). */
  function say(text: string, speed = 120, effects: string[] = []): Take {
    const id = n++;
    const raw = tmp.file(`raw${id}.wav`);
    const file = tmp.file(`take${id}.wav`);
    run('espeak-ng', ['-s', String(speed), '-w', raw, text]);
    run('sox', [raw, '-r', '48000', file, 'gain', '-n', '-1', 'rate', '-v', '48000', ...effects, 'pad', String(PAD_START), String(PAD_END)]);
    const pcm = parseWav(tmp.read(`take${id}.wav`));
    return { raw, file, analysis: analyzeAudio(pcm.samples, pcm.sampleRate) };
  }

  /** Where the speech starts and ends in espeak's own output, by sox's `silence` effect (−60 dB). */
  function rawEdges(raw: string): { lead: number; trail: number; duration: number } {
    const duration = soxStat(raw)['Length (seconds)'];
    const afterLead = seconds(run('sox', [raw, '-n', 'silence', '1', '0.005', '-60d', 'stat']));
    const afterTrail = seconds(run('sox', [raw, '-n', 'reverse', 'silence', '1', '0.005', '-60d', 'stat']));
    return { lead: duration - afterLead, trail: duration - afterTrail, duration };
  }

  it.each([...LONG_WORDS, ...SHORT_WORDS])('the voiced stretch of "%s" is where the speech is (±50 ms)', (text) => {
    const { raw, analysis: a } = say(text);
    const e = rawEdges(raw);
    const start = PAD_START + e.lead;
    const end = PAD_START + e.duration - e.trail;
    expect(Math.abs(a.voiced[0].start - start)).toBeLessThanOrEqual(0.05);
    expect(Math.abs(a.voiced[a.voiced.length - 1].end - end)).toBeLessThanOrEqual(0.05);
    // The padding added by sox is what gets trimmed; espeak adds 0.2–0.6 s of its own silence at the end.
    expect(Math.abs(a.trimStart - PAD_START)).toBeLessThanOrEqual(0.1);
    expect(Math.abs(a.trimEnd - (a.durationSec - PAD_END - e.trail))).toBeLessThanOrEqual(0.1);
    expect(e.trail).toBeGreaterThan(0.15);
  });

  it.each(LONG_WORDS)('voiced time of "%s" agrees with sox removing pauses over 0.2 s (±0.25 s)', (text) => {
    const { file, analysis: a } = say(text);
    const soxVoiced = seconds(run('sox', [file, '-n', 'silence', '1', '0.02', '-50d', '-1', '0.2', '-50d', 'stat']));
    expect(Math.abs(a.voicedSec - soxVoiced)).toBeLessThanOrEqual(0.25);
    expect(a.voicedSec).toBeLessThan(a.durationSec - PAD_START - PAD_END);
  });

  it('levels agree with `sox -n stat` (RMS and peak within 0.01 dB)', () => {
    const { file, analysis: a } = say(SHORT_WORDS[1]);
    const st = soxStat(file);
    expect(a.rmsDbfs).toBeCloseTo(20 * Math.log10(st['RMS amplitude']), 2);
    expect(a.peakDbfs).toBeCloseTo(20 * Math.log10(Math.max(st['Maximum amplitude'], -st['Minimum amplitude'])), 2);
    expect(a.durationSec).toBeCloseTo(st['Length (seconds)'], 4);
    // Speech is louder than the take as a whole, which includes 1.5 s of digital silence.
    expect(a.speechRmsDbfs!).toBeGreaterThan(a.rmsDbfs + 1);
  });

  it('a clean 48 kHz sentence at a moderate pace passes every check', () => {
    const text = LONG_WORDS[2];
    const { analysis } = say(text, 115);
    const v = checkClip(analysis, text);
    expect(v.findings).toEqual([]);
    expect(v.wpm!).toBeGreaterThan(100);
    expect(v.wpm!).toBeLessThan(150);
  });

  it("espeak's own 22.05 kHz file is refused for its sample rate", () => {
    const { raw } = say(LONG_WORDS[0]);
    const pcm = parseWav(tmp.read(raw.slice(tmp.dir.length + 1)));
    expect(pcm.sampleRate).toBe(22050);
    const v = checkClip(analyzeAudio(pcm.samples, pcm.sampleRate), LONG_WORDS[0]);
    expect(v.findings.map((f) => [f.code, f.severity])).toContainEqual(['sample_rate', 'error']);
  });

  describe('espeak-ng -s is a rate in words per minute: the measured rate follows it', () => {
    // Measured here (trimmed duration, 0.05 s kept each side): long-word sentences 124–126 wpm at
    // -s 120 and 200–208 at -s 200; short-word sentences 140–183 and 231–299 (espeak's rate assumes
    // an average word length, so one-syllable words come out up to 1.5× faster).
    const rates = (text: string) => [120, 200].map((s) => checkClip(say(text, s).analysis, text).wpm!);

    it.each(LONG_WORDS)('"%s": within 10 % of -s 120 and -s 200', (text) => {
      const [slow, fast] = rates(text);
      expect(Math.abs(slow / 120 - 1)).toBeLessThanOrEqual(0.1);
      expect(Math.abs(fast / 200 - 1)).toBeLessThanOrEqual(0.1);
    });

    it.each(SHORT_WORDS)('"%s": between 1× and 1.6× the nominal rate, and -s 200 / -s 120 within 8 % of 5/3', (text) => {
      const [slow, fast] = rates(text);
      for (const [measured, nominal] of [
        [slow, 120],
        [fast, 200],
      ]) {
        expect(measured / nominal).toBeGreaterThanOrEqual(1);
        expect(measured / nominal).toBeLessThanOrEqual(1.6);
      }
      expect(Math.abs(fast / slow / (200 / 120) - 1)).toBeLessThanOrEqual(0.08);
    });

    it('-s 75 is too slow (a warning), -s 200 on short words too fast to accept', () => {
      const slow = checkClip(say(LONG_WORDS[2], 75).analysis, LONG_WORDS[2]);
      expect(slow.findings.map((f) => f.code)).toEqual(['rate_slow']);
      expect(slow.findings[0].message).toMatch(/^You spoke at \d+ words per minute, slower than the target of 100–150 words per minute/);
      const fast = checkClip(say(SHORT_WORDS[1], 200).analysis, SHORT_WORDS[1]);
      expect(fast.findings.map((f) => [f.code, f.severity])).toEqual([['rate_far', 'error']]);
    });
  });

  describe('level problems', () => {
    it('boosted by 20 dB with sox (`gain 20`): clipped, and the speaker is warned', () => {
      const clean = say(LONG_WORDS[1], 120);
      const boosted = say(LONG_WORDS[1], 120, ['gain', '20']);
      expect(clean.analysis.clippedRatio).toBe(0);
      expect(checkClip(clean.analysis, LONG_WORDS[1]).findings.map((f) => f.code)).not.toContain('clipping');
      // Measured: 14 % of the samples of this sentence (6 dB of boost: 0.6 %, 3 dB: 0.05 %).
      expect(boosted.analysis.clippedRatio).toBeGreaterThan(0.05);
      const f = checkClip(boosted.analysis, LONG_WORDS[1]).findings.find((x) => x.code === 'clipping');
      expect(f).toMatchObject({ severity: 'warning' });
      expect(f!.message).toMatch(/distorted in places \(\d+(\.\d)? % of it is clipped\)/);
    });

    it('the same speech 36 dB down is refused as too quiet; 48 dB down it is not found at all', () => {
      const quiet = say(LONG_WORDS[1], 120, ['gain', '-35']);
      expect(quiet.analysis.speechRmsDbfs!).toBeLessThan(-50);
      expect(checkClip(quiet.analysis, LONG_WORDS[1]).findings.map((x) => [x.code, x.severity])).toContainEqual(['too_quiet', 'error']);
      const gone = say(LONG_WORDS[1], 120, ['gain', '-47']);
      expect(checkClip(gone.analysis, LONG_WORDS[1]).findings.map((x) => x.code)).toEqual(['silent']);
    });

    it('26 dB down: a too-quiet warning', () => {
      const q = say(LONG_WORDS[2], 115, ['gain', '-25']);
      const f = checkClip(q.analysis, LONG_WORDS[2]).findings;
      expect(f.map((x) => [x.code, x.severity])).toEqual([['too_quiet', 'warning']]);
    });
  });

  describe('no speech at all', () => {
    it.each<[string, string[]]>([
      ['digital silence', ['trim', '0', '3']],
      ['white noise at −25 dBFS', ['synth', '3', 'whitenoise', 'vol', '0.1']],
      ['white noise near full scale', ['synth', '3', 'whitenoise', 'vol', '0.9']],
      ['pink noise', ['synth', '3', 'pinknoise', 'vol', '0.1']],
      ['brown noise', ['synth', '3', 'brownnoise', 'vol', '0.3']],
      ['50 Hz hum', ['synth', '3', 'sine', '50', 'vol', '0.05']],
    ])('%s → "silent"', (name, effects) => {
      const file = `${name.replace(/\W/g, '')}.wav`;
      run('sox', ['-n', '-r', '48000', '-b', '16', tmp.file(file), ...effects]);
      const pcm = parseWav(tmp.read(file));
      const a = analyzeAudio(pcm.samples, pcm.sampleRate);
      expect(a.voiced).toEqual([]);
      const v = checkClip(a, LONG_WORDS[0]);
      expect(v.findings).toEqual([
        { code: 'silent', severity: 'error', message: 'No speech was detected — check that the right microphone is selected and not muted.' },
      ]);
      expect(v.wpm).toBeNull();
    });
  });
});
