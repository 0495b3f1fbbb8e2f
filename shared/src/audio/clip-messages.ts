/**
 * One sentence per finding, for the speaker. Numbers are formatted without locale APIs so the
 * browser and the server produce the same text.
 */
const kHz = (hz: number) => `${Number((hz / 1000).toFixed(3))} kHz`;
const secs = (s: number) => `${s.toFixed(1)} s`;
const db = (v: number) => `${Math.round(v)} dBFS`;
const pct = (ratio: number) => `${Number((ratio * 100).toFixed(ratio < 0.01 ? 2 : 1))} %`;
const target = (min: number, max: number) => `${min}–${max} words per minute`;

export const clipMessages = {
  sampleRate: (rate: number, min: number) =>
    `The recording was made at ${kHz(rate)}, below the required ${kHz(min)} — choose another microphone or raise its sample rate in your system's sound settings.`,
  empty: () => 'The recording is empty — nothing was captured, so please record it again.',
  silent: () => 'No speech was detected — check that the right microphone is selected and not muted.',
  tooShort: (seconds: number, min: number) =>
    `The recording is only ${secs(seconds)} long (at least ${secs(min)} is needed) — start recording before you speak and stop after you finish.`,
  tooLong: (seconds: number, max: number) =>
    `The recording is ${secs(seconds)} long, over the limit of ${secs(max)} — stop recording soon after you finish the sentence.`,
  tooQuietError: (speechDbfs: number) =>
    `Your voice is far too quiet (${db(speechDbfs)}) — move closer to the microphone or raise its input level, then record again.`,
  tooQuietWarning: (speechDbfs: number) =>
    `Your voice is rather quiet (${db(speechDbfs)}); moving closer to the microphone or raising its input level would help.`,
  clipping: (ratio: number) =>
    `The recording is distorted in places (${pct(ratio)} of it is clipped) — move back from the microphone or lower its input level.`,
  rateSlow: (wpm: number, min: number, max: number) =>
    `You spoke at ${Math.round(wpm)} words per minute, slower than the target of ${target(min, max)}; try a more natural pace.`,
  rateFast: (wpm: number, min: number, max: number) =>
    `You spoke at ${Math.round(wpm)} words per minute, faster than the target of ${target(min, max)}; try a slightly slower pace.`,
  rateFarSlow: (wpm: number, min: number, max: number) =>
    `You spoke at ${Math.round(wpm)} words per minute, far below the target of ${target(min, max)} — read the sentence without long pauses and record again.`,
  rateFarFast: (wpm: number, min: number, max: number) =>
    `You spoke at ${Math.round(wpm)} words per minute, far above the target of ${target(min, max)} — check that you read every word and record again.`,
};
