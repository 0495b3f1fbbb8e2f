import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import path from 'node:path';

/**
 * The external programs the audio features run on. Each is an absolute path, or null when it is
 * not installed: the server keeps working and the features that need it say so (describeMissing).
 */
export interface AudioTools {
  ffmpeg: string | null;
  /** Installed with ffmpeg; reads what the browser really sent (codec, rate). */
  ffprobe: string | null;
  /** Detected for completeness; nothing in the server needs it (ffmpeg resamples with soxr itself). */
  sox: string | null;
  espeakNg: string | null;
  pocketsphinx: {
    continuous: string;
    /** Decodes a whole file as one utterance (batch CMN); the continuous tool splits at pauses. */
    batch: string;
    /** Acoustic model directory (-hmm). */
    model: string;
    dict: string;
    lm: string;
  } | null;
}

/** Where Debian puts the binaries and pocketsphinx-en-us, searched after PATH. */
const SYSTEM_BIN_DIRS = ['/usr/bin', '/usr/local/bin', '/bin'];
const DEBIAN_SPHINX_MODEL_DIR = '/usr/share/pocketsphinx/model/en-us';

const cache = new Map<string, Promise<AudioTools>>();

/**
 * Finds the tools once per distinct set of overrides and never throws: a broken or absent tool is
 * reported as null. Overrides: FFMPEG_PATH, FFPROBE_PATH, SOX_PATH, ESPEAK_NG_PATH,
 * POCKETSPHINX_BIN_DIR (holding pocketsphinx_batch/_continuous) and POCKETSPHINX_MODEL_DIR (holding
 * en-us/, en-us.lm.bin and cmudict-en-us.dict). An override that points nowhere disables the tool
 * rather than falling back, so an operator can switch a feature off on purpose.
 */
export function detectAudioTools(env: NodeJS.ProcessEnv = process.env): Promise<AudioTools> {
  const keys = ['PATH', 'FFMPEG_PATH', 'FFPROBE_PATH', 'SOX_PATH', 'ESPEAK_NG_PATH', 'POCKETSPHINX_BIN_DIR', 'POCKETSPHINX_MODEL_DIR'];
  const key = JSON.stringify(keys.map((k) => env[k] ?? null));
  let found = cache.get(key);
  if (!found) {
    found = detect(env).catch(() => ({ ffmpeg: null, ffprobe: null, sox: null, espeakNg: null, pocketsphinx: null }));
    cache.set(key, found);
  }
  return found;
}

async function detect(env: NodeJS.ProcessEnv): Promise<AudioTools> {
  const pathDirs = (env.PATH ?? '').split(path.delimiter).filter((d) => path.isAbsolute(d));
  const dirs = [...new Set([...pathDirs, ...SYSTEM_BIN_DIRS])];
  const find = (override: string | undefined, name: string) =>
    override !== undefined ? executableOrNull(path.resolve(override)) : firstExecutable(dirs.map((d) => path.join(d, name)));

  const ffmpeg = await find(env.FFMPEG_PATH, 'ffmpeg');
  // A custom ffmpeg usually comes with its own ffprobe beside it; prefer that one.
  const ffprobe =
    env.FFPROBE_PATH !== undefined
      ? await executableOrNull(path.resolve(env.FFPROBE_PATH))
      : ((ffmpeg && (await executableOrNull(path.join(path.dirname(ffmpeg), 'ffprobe')))) ?? (await find(undefined, 'ffprobe')));
  const sox = await find(env.SOX_PATH, 'sox');
  const espeakNg = await find(env.ESPEAK_NG_PATH, 'espeak-ng');

  const sphinxDirs = env.POCKETSPHINX_BIN_DIR !== undefined ? [path.resolve(env.POCKETSPHINX_BIN_DIR)] : dirs;
  const continuous = await firstExecutable(sphinxDirs.map((d) => path.join(d, 'pocketsphinx_continuous')));
  const batch = await firstExecutable(sphinxDirs.map((d) => path.join(d, 'pocketsphinx_batch')));
  const modelDir = path.resolve(env.POCKETSPHINX_MODEL_DIR ?? DEBIAN_SPHINX_MODEL_DIR);
  const model = path.join(modelDir, 'en-us');
  const dict = path.join(modelDir, 'cmudict-en-us.dict');
  const lm = path.join(modelDir, 'en-us.lm.bin');
  const modelOk = (await isFile(path.join(model, 'mdef'))) && (await isFile(dict)) && (await isFile(lm));
  const pocketsphinx = continuous && batch && modelOk ? { continuous, batch, model, dict, lm } : null;

  return { ffmpeg, ffprobe, sox, espeakNg, pocketsphinx };
}

/** One line per missing tool: what stops working and how to install it. Empty when all is there. */
export function describeMissing(t: AudioTools): string[] {
  const notes: string[] = [];
  if (!t.ffmpeg) notes.push('ffmpeg is not installed: browser recordings cannot be converted to dataset WAV files, and synthesized audio cannot be resampled (apt-get install ffmpeg, or set FFMPEG_PATH)');
  if (!t.ffprobe) notes.push('ffprobe is not installed: the codec and sample rate the browser sent cannot be recorded with a take (it comes with ffmpeg: apt-get install ffmpeg, or set FFPROBE_PATH)');
  if (!t.espeakNg) notes.push('espeak-ng is not installed: no expression audio can be synthesized (apt-get install espeak-ng, or set ESPEAK_NG_PATH)');
  if (!t.pocketsphinx) notes.push('pocketsphinx is not installed: recordings cannot be checked by the speech recognizer, only by people (apt-get install pocketsphinx pocketsphinx-en-us, or set POCKETSPHINX_BIN_DIR / POCKETSPHINX_MODEL_DIR)');
  return notes;
}

async function firstExecutable(candidates: string[]): Promise<string | null> {
  for (const c of candidates) {
    const ok = await executableOrNull(c);
    if (ok) return ok;
  }
  return null;
}

async function executableOrNull(file: string): Promise<string | null> {
  try {
    await access(file, constants.X_OK);
    return (await stat(file)).isFile() ? file : null;
  } catch {
    return null;
  }
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}
