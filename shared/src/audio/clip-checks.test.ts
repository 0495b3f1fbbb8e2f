import { describe, expect, it } from 'vitest';
import { CLIP_FINDING_CODES, checkClip, DEFAULT_CLIP_LIMITS, unacknowledgedClipWarnings, type AudioAnalysis, type ClipFinding, type ClipFindingCode } from './index.ts';

/** Six words: with a trimmed span of 360 / wpm seconds, the measured rate is exactly `wpm`. */
const TEXT = 'the sheep walking away from us';

function take(over: Partial<AudioAnalysis> = {}, wpm = 120): AudioAnalysis {
  const trimStart = 0.55;
  return {
    sampleRate: 48000,
    durationSec: 4,
    voiced: [{ start: 0.6, end: 3 }],
    voicedSec: 2.4,
    trimStart,
    trimEnd: trimStart + 360 / wpm,
    peakDbfs: -3,
    rmsDbfs: -22,
    speechRmsDbfs: -20,
    noiseFloorDbfs: -70,
    clippedRatio: 0,
    ...over,
  };
}

const codes = (f: ClipFinding[]) => f.map((x) => `${x.code}/${x.severity}`);

describe('checkClip', () => {
  it('a good take: no findings, and its rate', () => {
    const v = checkClip(take(), TEXT);
    expect(v.findings).toEqual([]);
    expect(v.wpm).toBeCloseTo(120, 9);
  });

  it.each<[string, Partial<AudioAnalysis>, string[]]>([
    ['22.05 kHz', { sampleRate: 22050 }, ['sample_rate/error']],
    ['44.1 kHz is enough', { sampleRate: 44100 }, []],
    ['no samples', { durationSec: 0, voiced: [], voicedSec: 0, speechRmsDbfs: null, trimStart: 0, trimEnd: 0 }, ['empty/error']],
    ['no samples at 8 kHz', { sampleRate: 8000, durationSec: 0, voiced: [], voicedSec: 0, speechRmsDbfs: null }, ['sample_rate/error', 'empty/error']],
    ['nothing voiced', { voiced: [], voicedSec: 0, speechRmsDbfs: null, trimStart: 0, trimEnd: 0 }, ['silent/error']],
    ['0.25 s voiced', { voiced: [{ start: 1, end: 1.25 }], voicedSec: 0.25 }, ['silent/error']],
    ['speech at −55 dBFS', { speechRmsDbfs: -55 }, ['too_quiet/error']],
    ['speech at −50 dBFS', { speechRmsDbfs: -50 }, ['too_quiet/warning']],
    ['speech at −40 dBFS', { speechRmsDbfs: -40 }, ['too_quiet/warning']],
    ['speech at −38 dBFS', { speechRmsDbfs: -38 }, []],
    ['0.2 % clipped', { clippedRatio: 0.002 }, ['clipping/warning']],
    ['0.1 % clipped', { clippedRatio: 0.001 }, []],
    ['31 s long', { durationSec: 31 }, ['too_long/error']],
    ['30 s long', { durationSec: 30 }, []],
    ['0.9 s long', { durationSec: 0.9, trimEnd: 0.9, trimStart: 0 }, ['too_short/error', 'rate_far/error']],
    ['1 s long', { durationSec: 1 }, []],
  ])('%s → %j', (_name, over, expected) => {
    expect(codes(checkClip(take(over), TEXT).findings)).toEqual(expected);
  });

  it.each<[number, string[]]>([
    [40, ['rate_far/error']],
    [59.4, ['rate_far/error']],
    [59.6, ['rate_slow/warning']],
    [99.4, ['rate_slow/warning']],
    [99.6, []],
    [100, []],
    [150, []],
    [150.4, []],
    [150.6, ['rate_fast/warning']],
    [220.4, ['rate_fast/warning']],
    [220.6, ['rate_far/error']],
    [400, ['rate_far/error']],
  ])('%s words per minute → %j (judged on the rounded rate the message shows)', (wpm, expected) => {
    const v = checkClip(take({}, wpm), TEXT);
    expect(codes(v.findings)).toEqual(expected);
    expect(v.wpm).toBeCloseTo(wpm, 9);
  });

  it('messages: one sentence for the speaker, with the numbers that matter', () => {
    const m = (over: Partial<AudioAnalysis>, wpm = 120) => checkClip(take(over, wpm), TEXT).findings.map((f) => f.message);
    expect(m({ sampleRate: 22050 })).toEqual([
      "The recording was made at 22.05 kHz, below the required 44.1 kHz — choose another microphone or raise its sample rate in your system's sound settings.",
    ]);
    expect(m({ voicedSec: 0, voiced: [], speechRmsDbfs: null })).toEqual(['No speech was detected — check that the right microphone is selected and not muted.']);
    expect(m({}, 85.4)).toEqual(['You spoke at 85 words per minute, slower than the target of 100–150 words per minute; try a more natural pace.']);
    expect(m({}, 171.6)).toEqual(['You spoke at 172 words per minute, faster than the target of 100–150 words per minute; try a slightly slower pace.']);
    expect(m({}, 45)).toEqual(['You spoke at 45 words per minute, far below the target of 100–150 words per minute — read the sentence without long pauses and record again.']);
    expect(m({}, 260)).toEqual(['You spoke at 260 words per minute, far above the target of 100–150 words per minute — check that you read every word and record again.']);
    expect(m({ clippedRatio: 0.0234 })).toEqual(['The recording is distorted in places (2.3 % of it is clipped) — move back from the microphone or lower its input level.']);
    expect(m({ clippedRatio: 0.0042 })).toEqual(['The recording is distorted in places (0.42 % of it is clipped) — move back from the microphone or lower its input level.']);
    expect(m({ durationSec: 42.34 })).toEqual(['The recording is 42.3 s long, over the limit of 30.0 s — stop recording soon after you finish the sentence.']);
    expect(m({ speechRmsDbfs: -52.6 })).toEqual(['Your voice is far too quiet (-53 dBFS) — move closer to the microphone or raise its input level, then record again.']);
    expect(m({ speechRmsDbfs: -41.2 })).toEqual(['Your voice is rather quiet (-41 dBFS); moving closer to the microphone or raising its input level would help.']);
    for (const msg of [...m({ durationSec: 0 }), ...m({ durationSec: 0.5 })]) {
      expect(msg).toMatch(/^[A-Z].*\.$/);
      expect(msg).not.toMatch(/[.!?] [A-Z]/);
    }
  });

  it('errors come before warnings, each in a fixed order, each code once', () => {
    const v = checkClip(take({ sampleRate: 16000, durationSec: 40, clippedRatio: 0.05, speechRmsDbfs: -45 }, 30), TEXT);
    expect(codes(v.findings)).toEqual(['sample_rate/error', 'too_long/error', 'rate_far/error', 'too_quiet/warning', 'clipping/warning']);
    expect(new Set(v.findings.map((f) => f.code)).size).toBe(v.findings.length);
    for (const f of v.findings) expect(CLIP_FINDING_CODES).toContain(f.code);
  });

  it('no rate without words or without speech', () => {
    expect(checkClip(take(), '— …')).toEqual({ findings: [], wpm: null });
    expect(checkClip(take({ voiced: [], voicedSec: 0, speechRmsDbfs: null }), TEXT).wpm).toBeNull();
  });

  it('limits can be overridden one by one; undefined keeps the default', () => {
    expect(codes(checkClip(take({ durationSec: 12 }), TEXT, { maxSeconds: 10 }).findings)).toEqual(['too_long/error']);
    expect(codes(checkClip(take({}, 130), TEXT, { maxWpm: 125, minWpm: undefined }).findings)).toEqual(['rate_fast/warning']);
    expect(codes(checkClip(take({ sampleRate: 22050 }), TEXT, { minSampleRate: 16000 }).findings)).toEqual([]);
    expect(checkClip(take({}, 130), TEXT, { maxWpm: 125 }).findings[0].message).toContain('target of 100–125 words per minute');
  });

  it('DEFAULT_CLIP_LIMITS', () => {
    expect(DEFAULT_CLIP_LIMITS).toEqual({
      minSampleRate: 44100,
      minSeconds: 1,
      maxSeconds: 30,
      minVoicedSec: 0.3,
      quietErrorDbfs: -50,
      quietWarnDbfs: -38,
      maxClippedRatio: 0.001,
      minWpm: 100,
      maxWpm: 150,
      refuseBelowWpm: 60,
      refuseAboveWpm: 220,
    });
    expect(Object.isFrozen(DEFAULT_CLIP_LIMITS)).toBe(true);
  });
});

describe('unacknowledgedClipWarnings', () => {
  const findings = checkClip(take({ sampleRate: 22050, clippedRatio: 0.01, speechRmsDbfs: -45 }, 170), TEXT).findings;

  it('lists the warnings the speaker has not acknowledged, never the errors', () => {
    expect(codes(findings)).toEqual(['sample_rate/error', 'too_quiet/warning', 'clipping/warning', 'rate_fast/warning']);
    expect(codes(unacknowledgedClipWarnings(findings, []))).toEqual(['too_quiet/warning', 'clipping/warning', 'rate_fast/warning']);
    expect(codes(unacknowledgedClipWarnings(findings, ['clipping', 'rate_fast']))).toEqual(['too_quiet/warning']);
    const all: ClipFindingCode[] = ['too_quiet', 'clipping', 'rate_fast', 'sample_rate'];
    expect(unacknowledgedClipWarnings(findings, all)).toEqual([]);
    expect(unacknowledgedClipWarnings([], ['clipping'])).toEqual([]);
  });
});
