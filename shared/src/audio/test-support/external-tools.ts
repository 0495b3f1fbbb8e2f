/**
 * espeak-ng, sox and ffmpeg for the audio tests (test-only: node APIs). Suites that need a missing
 * tool are skipped with the reason in their title.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface Tool {
  available: boolean;
  skipNote: string;
}

function probe(name: string, args: string[]): Tool {
  const r = spawnSync(name, args, { stdio: 'ignore' });
  const available = r.error === undefined && r.status === 0;
  return { available, skipNote: available ? '' : ` (skipped: ${name} not installed; apt-get install ${name})` };
}

export const espeak = probe('espeak-ng', ['--version']);
export const sox = probe('sox', ['--version']);
export const ffmpeg = probe('ffmpeg', ['-version']);

export function both(a: Tool, b: Tool): Tool {
  return { available: a.available && b.available, skipNote: a.skipNote || b.skipNote };
}

export function run(cmd: string, args: string[]): string {
  // sox prints its statistics on stderr.
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
  return `${r.stdout}${r.stderr}`;
}

export function runBytes(cmd: string, args: string[]): Uint8Array {
  return new Uint8Array(execFileSync(cmd, args, { maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'ignore'] }));
}

export interface Scratch {
  dir: string;
  file(name: string): string;
  read(name: string): Uint8Array;
  remove(): void;
}

export function scratch(prefix = 'mevis-audio-'): Scratch {
  const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
  return {
    dir,
    file: (name) => path.join(dir, name),
    read: (name) => new Uint8Array(readFileSync(path.join(dir, name))),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** `sox f -n stat` values by label ("RMS amplitude", "Maximum amplitude", "Length (seconds)"…). */
export function soxStat(file: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of run('sox', [file, '-n', 'stat']).split('\n')) {
    const m = /^([A-Za-z ()]+):\s+(-?[\d.]+)/.exec(line.trim());
    if (m) out[m[1].trim().replace(/\s+/g, ' ')] = Number(m[2]);
  }
  return out;
}
