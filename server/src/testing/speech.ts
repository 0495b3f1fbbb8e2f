import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const has = (cmd: string, arg: string) => spawnSync(cmd, [arg], { stdio: 'ignore' }).status === 0;

/** Debian tools the audio tests need; suites skip with this note when one is missing. */
export const speechTools = (() => {
  const missing = [
    ['espeak-ng', '--version'],
    ['sox', '--version'],
    ['ffmpeg', '-version'],
    ['pocketsphinx_continuous', '-h'],
  ].filter(([cmd, arg]) => !has(cmd!, arg!) && !(cmd === 'pocketsphinx_continuous' && spawnSync('which', [cmd!]).status === 0));
  return { available: missing.length === 0, skipNote: missing.length ? ` (skipped: ${missing.map((m) => m[0]).join(', ')} not installed)` : '' };
})();

function inTemp<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'studio-speech-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Real speech: espeak-ng at setting `wpm`, resampled by sox to `rate` with silence around it.
 * espeak's -s comes out about 1.2–1.5× faster on short words when measured over the voiced span, so
 * the default 85 lands in the 100–150 words-per-minute target.
 */
export function speechWav(text: string, opts: { wpm?: number; rate?: number; padStart?: number; padEnd?: number; voice?: string } = {}): Uint8Array {
  const { wpm = 85, rate = 48000, padStart = 0.4, padEnd = 0.6, voice = 'en-us' } = opts;
  return inTemp((dir) => {
    const raw = path.join(dir, 'raw.wav');
    const out = path.join(dir, 'out.wav');
    writeFileSync(path.join(dir, 'text.txt'), text);
    execFileSync('espeak-ng', ['-v', voice, '-s', String(wpm), '-w', raw, '-f', path.join(dir, 'text.txt')]);
    execFileSync('sox', [raw, '-r', String(rate), out, 'gain', '-n', '-3', 'rate', '-v', String(rate), 'pad', String(padStart), String(padEnd)]);
    return new Uint8Array(readFileSync(out));
  });
}

export function silenceWav(seconds = 3, rate = 48000): Uint8Array {
  return inTemp((dir) => {
    const out = path.join(dir, 's.wav');
    execFileSync('sox', ['-n', '-r', String(rate), '-c', '1', '-b', '16', out, 'trim', '0', String(seconds)]);
    return new Uint8Array(readFileSync(out));
  });
}

/** The same audio re-encoded with ffmpeg (e.g. `['-c:a', 'libopus']` into WebM, or PCM in WebM). */
export function reencode(wav: Uint8Array, ext: string, codecArgs: string[]): Uint8Array {
  return inTemp((dir) => {
    const input = path.join(dir, 'in.wav');
    const out = path.join(dir, `out.${ext}`);
    writeFileSync(input, wav);
    execFileSync('ffmpeg', ['-v', 'error', '-y', '-i', input, ...codecArgs, out]);
    return new Uint8Array(readFileSync(out));
  });
}
