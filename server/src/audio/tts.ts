import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { runTool, ToolError, withTempDir } from './run-tool.ts';
import type { AudioTools } from './tools.ts';

export interface TtsVoice {
  id: string;
  label: string;
}

export interface TtsOptions {
  voice: string;
  wordsPerMinute: number;
  timeoutMs?: number;
}

/** A speech synthesizer; another engine (a neural one, say) only has to implement this. */
export interface TtsEngine {
  readonly name: string;
  available(): boolean;
  voices(): TtsVoice[];
  /** A WAV file as the engine writes it (espeak-ng: 22 050 Hz mono s16); resample with toDatasetWav. */
  synthesize(text: string, opts: TtsOptions): Promise<Uint8Array>;
}

/**
 * espeak-ng voices that sound clearly different from each other: seven accent/sex combinations. All are
 * the built-in formant voices (`espeak-ng --voices=en` and `--voices=variant`); the MBROLA ones it
 * also lists need voice files Debian does not ship. Each one was checked to be recognised by the
 * closed-set check (calibration in the README, "Audio"), since synthetic takes pass the same gate as recordings.
 */
export const ESPEAK_VOICES: readonly TtsVoice[] = [
  { id: 'en-us', label: 'American English, male' },
  { id: 'en-us+f2', label: 'American English, female' },
  { id: 'en-gb', label: 'British English, male' },
  { id: 'en-gb-x-rp+f3', label: 'British English (RP), female' },
  { id: 'en-gb-scotland+m3', label: 'Scottish English, male' },
  { id: 'en-gb-x-gbclan+f4', label: 'Lancastrian English, female' },
  { id: 'en-us-nyc+f5', label: 'New York English, female' },
];

/** espeak-ng refuses rates outside this range (its -s is words per minute). */
const ESPEAK_MIN_WPM = 80;
const ESPEAK_MAX_WPM = 450;
const MAX_TEXT_CHARS = 1000;
const DEFAULT_TIMEOUT_MS = 30_000;

export function espeakEngine(tools: AudioTools): TtsEngine {
  const voiceIds = new Set(ESPEAK_VOICES.map((v) => v.id));
  return {
    name: 'espeak-ng',
    available: () => tools.espeakNg !== null,
    voices: () => [...ESPEAK_VOICES],
    async synthesize(text, opts) {
      const espeak = tools.espeakNg;
      if (!espeak) throw new ToolError('espeak-ng is not installed: no audio can be synthesized (apt-get install espeak-ng)', 'missing');
      // Only known ids reach argv: a voice string is also a file path inside espeak's data dir.
      if (!voiceIds.has(opts.voice)) throw new ToolError(`unknown espeak-ng voice ${JSON.stringify(opts.voice)}`, 'invalid-input');
      if (!Number.isFinite(opts.wordsPerMinute) || opts.wordsPerMinute < ESPEAK_MIN_WPM || opts.wordsPerMinute > ESPEAK_MAX_WPM) {
        throw new ToolError(`speaking rate must be ${ESPEAK_MIN_WPM}–${ESPEAK_MAX_WPM} words per minute, got ${opts.wordsPerMinute}`, 'invalid-input');
      }
      const clean = speakableText(text);
      if (!clean) throw new ToolError('nothing to synthesize: the text is empty', 'invalid-input');
      return withTempDir(async (dir) => {
        const out = path.join(dir, 'tts.wav');
        // Text goes through stdin, never argv: no shell, no option injection ("-w /etc/…"), no length limit.
        await runTool('espeak-ng', espeak, ['-b', '1', '-v', opts.voice, '-s', String(Math.round(opts.wordsPerMinute)), '-w', out, '--stdin'], {
          stdin: clean + '\n',
          timeoutMs: opts.timeoutMs ?? DEFAULT_TIMEOUT_MS,
        });
        return new Uint8Array(await readFile(out));
      });
    },
  };
}

/**
 * The text espeak-ng should read: control characters out, and no `[[…]]`, which espeak-ng takes as
 * raw phoneme codes rather than words.
 */
export function speakableText(text: string): string {
  return text
    .normalize('NFC')
    // Control characters are exactly what this strips (espeak reads some as commands).
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f[\]]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, MAX_TEXT_CHARS);
}

// Not 100: espeak-ng slowed that far (setting 80, its floor) was the worst-recognized in calibration.
const RATES_WPM = [110, 120, 130, 140, 150];

/**
 * Voice and rate for a synthetic take, fixed by the seed (an expression id, say) so regenerating
 * gives the same audio. Consecutive seeds walk through the voices; the rate advances once per full
 * round of voices, so every voice is heard at every rate instead of voice and rate moving in step.
 */
export function pickVoiceAndRate(engine: TtsEngine, seed: number): { voice: string; wordsPerMinute: number } {
  const voices = engine.voices();
  if (voices.length === 0) throw new Error(`${engine.name} offers no voices`);
  const s = Number.isFinite(seed) ? Math.abs(Math.trunc(seed)) : 0;
  const voice = voices[s % voices.length].id;
  const wordsPerMinute = RATES_WPM[Math.floor(s / voices.length) % RATES_WPM.length];
  return { voice, wordsPerMinute };
}
