import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** The sentence the fake microphone speaks in the recording tests. */
export const FIXTURE_TEXT = 'the dog running away from the car near the tree';

export interface AudioFixtures {
  speech: string | null;
  silence: string | null;
  skipReason: string | null;
}

/**
 * WAV files for Chromium's fake microphone, generated with Debian's espeak-ng and sox into the e2e
 * data dir (never committed). The speech is padded with silence: the fake device loops its file
 * and the wrap is a discontinuity, so the tests record less than one loop (STACK.md §5, gotcha 13).
 */
export function audioFixtures(dir: string): AudioFixtures {
  const missing = ['espeak-ng', 'sox'].filter((t) => spawnSync(t, ['--version'], { stdio: 'ignore' }).status !== 0);
  if (missing.length) return { speech: null, silence: null, skipReason: `${missing.join(' and ')} not installed` };
  mkdirSync(dir, { recursive: true });
  const speech = path.join(dir, 'speech48.wav');
  const silence = path.join(dir, 'silence48.wav');
  if (!existsSync(speech)) {
    const raw = path.join(dir, 'speech22.wav');
    const text = path.join(dir, 'speech.txt');
    writeFileSync(text, FIXTURE_TEXT);
    execFileSync('espeak-ng', ['-v', 'en-us', '-s', '85', '-w', raw, '-f', text]);
    execFileSync('sox', [raw, '-r', '48000', speech, 'gain', '-n', '-3', 'rate', '-v', '48000', 'pad', '0.6', '3']);
  }
  if (!existsSync(silence)) execFileSync('sox', ['-n', '-r', '48000', '-c', '1', '-b', '16', silence, 'trim', '0', '12']);
  return { speech, silence, skipReason: null };
}
