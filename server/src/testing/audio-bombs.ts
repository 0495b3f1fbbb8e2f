/**
 * Hostile audio for the tests of the audio bounds: FLAC files whose decoded size is out of all
 * proportion to their bytes, headers that lie about their length, and an ffmpeg that may use at
 * most a fixed amount of memory (so a test can show a conversion stays within it without putting
 * the machine at risk when it does not).
 */
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileAsync = promisify(execFile);

export const ffmpegHere = spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' }).status === 0;
export const ffmpegSkipNote = ffmpegHere ? '' : ' (skipped: ffmpeg not installed)';

/**
 * Silence as FLAC: `rate` Hz, `seconds` long, in frames of `frameSize` samples. FLAC stores a
 * frame of silence in a few bytes whatever its length, so large frames make the smallest bombs.
 * Asynchronous: the abuse suite builds bombs in the process that also times honest users' saves.
 */
export async function silentFlac(opts: { rate: number; seconds: number; frameSize: number }): Promise<Uint8Array> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'flac-bomb-'));
  try {
    const file = path.join(dir, 'bomb.flac');
    // n: the generator's own block size; small ones (its default is 1024) make long files slow to build.
    const n = Math.max(4800, opts.frameSize);
    await execFileAsync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', `anullsrc=r=${opts.rate}:cl=mono:n=${n}`,
      '-t', String(opts.seconds), '-c:a', 'flac', '-frame_size', String(opts.frameSize), '-strict', 'experimental', file]);
    return new Uint8Array(readFileSync(file));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Rewrites the total sample count in STREAMINFO (always the first metadata block: "fLaC", a 4-byte
 * block header, then 10 bytes of block and frame sizes; the count is the low 36 bits of the next
 * 8 bytes). 0 means "unknown", as a live encoder writes it. The frames are left as they are.
 */
export function withClaimedSamples(flac: Uint8Array, samples: number): Uint8Array {
  const out = new Uint8Array(flac);
  const view = new DataView(out.buffer);
  const mask = (1n << 36n) - 1n;
  view.setBigUint64(18, (view.getBigUint64(18) & ~mask) | BigInt(samples));
  return out;
}

/** 10 hours of silence at 1 kHz as FLAC, about 16 KB (3.46 GB as the dataset's WAV); its header says so. */
export const flacBomb = () => silentFlac({ rate: 1000, seconds: 36000, frameSize: 65535 });

/**
 * Ten minutes of silence at 48 kHz (~8 KB, 58 MB as a WAV) whose header claims 2 s: the probe
 * believes it, only the conversion's caps stop it. At the dataset's rate, so the rate check lets it
 * through.
 */
export const lyingFlacBomb = async () => withClaimedSamples(await silentFlac({ rate: 48000, seconds: 600, frameSize: 65535 }), 2 * 48000);

/** One FLAC frame of 65,535 samples at 1 Hz (18 h) claiming 2 s: ~6 GB if resampled to 48 kHz whole. */
export const oneHertzBomb = async () => withClaimedSamples(await silentFlac({ rate: 1, seconds: 65535, frameSize: 65535 }), 2);

/**
 * An ffmpeg that may map at most `maxKiB` of memory (ulimit -v) and appends its arguments to
 * `log` on every run. A conversion that tries to allocate more fails with "Cannot allocate memory"
 * instead of growing without bound. Returns the wrapper's path; `dispose` removes it.
 */
export function limitedFfmpeg(realFfmpeg: string, maxKiB: number): { path: string; log: string; runs(): string[]; dispose(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'limited-ffmpeg-'));
  const file = path.join(dir, 'ffmpeg');
  const log = path.join(dir, 'runs.log');
  writeFileSync(log, '');
  // Test-only wrapper: the paths are our own temp dir and the detected binary, never user text.
  writeFileSync(file, `#!/bin/sh\necho "$*" >> '${log}'\nulimit -v ${maxKiB}\nexec '${realFfmpeg}' "$@"\n`);
  chmodSync(file, 0o755);
  return {
    path: file,
    log,
    runs: () => readFileSync(log, 'utf8').split('\n').filter(Boolean),
    dispose: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** A few seconds of a tone as WAV at `rate`: ordinary input that any conversion must still take. */
export function toneWav(rate: number, seconds: number): Uint8Array {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tone-'));
  try {
    // To a file, not a pipe: only a seekable output gets its RIFF sizes filled in.
    const file = path.join(dir, 'tone.wav');
    execFileSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', `sine=f=440:r=${rate}`, '-t', String(seconds), '-c:a', 'pcm_s16le', file]);
    return new Uint8Array(readFileSync(file));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
