/**
 * The verdict on one take: shown live in the browser after recording and enforced again by the
 * server on the stored audio. Errors refuse the take; warnings must be acknowledged by the speaker.
 */
import type { AudioAnalysis } from './analysis.ts';
import { resolveClipLimits, type ClipLimits } from './clip-limits.ts';
import { clipMessages } from './clip-messages.ts';
import { countWords } from './words.ts';
import { wordsPerMinute } from './wpm.ts';

export type ClipFindingCode = 'sample_rate' | 'empty' | 'silent' | 'too_quiet' | 'clipping' | 'too_long' | 'too_short' | 'rate_slow' | 'rate_fast' | 'rate_far';

export interface ClipFinding {
  code: ClipFindingCode;
  severity: 'error' | 'warning';
  message: string;
}

export interface ClipVerdict {
  /** Errors first, then warnings; each code at most once. */
  findings: ClipFinding[];
  /** Words of the text over the trimmed take; null when there is no speech (or no words) to measure. */
  wpm: number | null;
}

const error = (code: ClipFindingCode, message: string): ClipFinding => ({ code, severity: 'error', message });
const warning = (code: ClipFindingCode, message: string): ClipFinding => ({ code, severity: 'warning', message });

/** Judged on the whole number the message shows, so "100 words per minute" is never called too slow. */
function rateFindings(measured: number, l: ClipLimits): ClipFinding[] {
  const wpm = Math.round(measured);
  if (wpm < l.refuseBelowWpm) return [error('rate_far', clipMessages.rateFarSlow(wpm, l.minWpm, l.maxWpm))];
  if (wpm > l.refuseAboveWpm) return [error('rate_far', clipMessages.rateFarFast(wpm, l.minWpm, l.maxWpm))];
  if (wpm < l.minWpm) return [warning('rate_slow', clipMessages.rateSlow(wpm, l.minWpm, l.maxWpm))];
  if (wpm > l.maxWpm) return [warning('rate_fast', clipMessages.rateFast(wpm, l.minWpm, l.maxWpm))];
  return [];
}

export function checkClip(a: AudioAnalysis, text: string, limits: Partial<ClipLimits> = {}): ClipVerdict {
  const l = resolveClipLimits(limits);
  const found: ClipFinding[] = [];
  if (a.sampleRate < l.minSampleRate) found.push(error('sample_rate', clipMessages.sampleRate(a.sampleRate, l.minSampleRate)));
  // Nothing else can be judged about a take without samples.
  if (a.durationSec <= 0) return { findings: sortFindings([...found, error('empty', clipMessages.empty())]), wpm: null };
  if (a.durationSec < l.minSeconds) found.push(error('too_short', clipMessages.tooShort(a.durationSec, l.minSeconds)));
  if (a.durationSec > l.maxSeconds) found.push(error('too_long', clipMessages.tooLong(a.durationSec, l.maxSeconds)));
  if (a.clippedRatio > l.maxClippedRatio) found.push(warning('clipping', clipMessages.clipping(a.clippedRatio)));

  const speech = a.speechRmsDbfs;
  if (a.voicedSec < l.minVoicedSec || speech === null) {
    found.push(error('silent', clipMessages.silent()));
    return { findings: sortFindings(found), wpm: null };
  }
  if (speech < l.quietErrorDbfs) found.push(error('too_quiet', clipMessages.tooQuietError(speech)));
  else if (speech < l.quietWarnDbfs) found.push(warning('too_quiet', clipMessages.tooQuietWarning(speech)));

  const spoken = a.trimEnd - a.trimStart;
  const wpm = countWords(text) > 0 && spoken > 0 ? wordsPerMinute(text, spoken) : null;
  if (wpm !== null) found.push(...rateFindings(wpm, l));
  return { findings: sortFindings(found), wpm };
}

export const CLIP_FINDING_CODES: readonly ClipFindingCode[] = [
  'sample_rate',
  'empty',
  'silent',
  'too_quiet',
  'clipping',
  'too_long',
  'too_short',
  'rate_slow',
  'rate_fast',
  'rate_far',
];

function sortFindings(findings: ClipFinding[]): ClipFinding[] {
  const rank = (f: ClipFinding) => (f.severity === 'error' ? 0 : CLIP_FINDING_CODES.length) + CLIP_FINDING_CODES.indexOf(f.code);
  return [...findings].sort((x, y) => rank(x) - rank(y));
}

/** Warnings the speaker has not acknowledged yet; like errors, they keep a take from being submitted. */
export function unacknowledgedClipWarnings(findings: readonly ClipFinding[], acknowledged: readonly string[]): ClipFinding[] {
  return findings.filter((f) => f.severity === 'warning' && !acknowledged.includes(f.code));
}
