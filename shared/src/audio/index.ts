/**
 * The audio of an expression: WAV in and out, level / voice / clipping analysis, speaking rate,
 * word error rate, and the checks of a take. Pure: the same code runs in the browser on audio decoded
 * by Web Audio and on the server on the stored WAV.
 */
export { analyzeAudio, type AudioAnalysis, type VoicedSpan } from './analysis.ts';
export { checkClip, CLIP_FINDING_CODES, unacknowledgedClipWarnings, type ClipFinding, type ClipFindingCode, type ClipVerdict } from './clip-checks.ts';
export { DEFAULT_CLIP_LIMITS, type ClipLimits } from './clip-limits.ts';
export { DB_FLOOR } from './levels.ts';
export { VAD_PARAMS, type VadParams } from './vad-params.ts';
export { encodeWav16 } from './wav-encode.ts';
export { DEFAULT_MAX_WAV_BYTES, parseWav, WavError, type ParseWavOptions, type PcmAudio } from './wav.ts';
export { normalizeForWer, wordErrorRate, type WordErrors } from './wer.ts';
export { countWords } from './words.ts';
export { wordsPerMinute } from './wpm.ts';
export * from './mic-check.ts';
