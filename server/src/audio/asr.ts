import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { buildClosedSetGrammar, DEFAULT_TUNING, matchHypothesis, type GrammarTuning } from './closed-set-grammar.ts';
import { RECOGNIZER_RATE } from './convert.ts';
import { loadLexicon } from './lexicon.ts';
import { runTool, ToolError, withTempDir } from './run-tool.ts';
import type { AudioTools } from './tools.ts';
import { readWavInfo } from './wav-header.ts';

export interface ClosedSetResult {
  /** Index into the candidates of the sentence that was spoken; null when rejected or ambiguous. */
  chosen: number | null;
  /** Every candidate the decoded words match (several when candidates differ only in unknown words). */
  matches: number[];
  /** The decoder's raw output; phone words (ph_…) mean the reject path won. */
  hypothesis: string;
}

/** A speech recognizer; a stronger engine only has to implement this. */
export interface Recognizer {
  readonly name: string;
  available(): boolean;
  /** Which candidate was spoken. The product uses it as a gate, so it rejects rather than guesses. */
  closedSet(wav16k: Uint8Array, candidates: string[]): Promise<ClosedSetResult>;
  /** Free transcription, for information only (37–75 % word error rate with this engine). */
  transcribe(wav16k: Uint8Array): Promise<string>;
}

export interface PocketsphinxOptions {
  timeoutMs?: number;
  tuning?: GrammarTuning;
}

const DEFAULT_TIMEOUT_MS = 60_000;
/** 0.3 s of silence around the take: the decoder needs to see a word end before the file ends. */
const PAD_SEC = 0.3;

export function pocketsphinxRecognizer(tools: AudioTools, opts: PocketsphinxOptions = {}): Recognizer {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const tuning = opts.tuning ?? DEFAULT_TUNING;
  const need = () => {
    if (!tools.pocketsphinx) throw new ToolError('pocketsphinx is not installed: recordings cannot be checked automatically (apt-get install pocketsphinx pocketsphinx-en-us)', 'missing');
    return tools.pocketsphinx;
  };
  return {
    name: 'pocketsphinx',
    available: () => tools.pocketsphinx !== null,

    async closedSet(wav16k, candidates) {
      const ps = need();
      const pcm = recognizerPcm(wav16k);
      const grammar = buildClosedSetGrammar(candidates, await loadLexicon(ps.dict), tuning);
      if (grammar.keys.every((k) => k === null)) return { chosen: null, matches: [], hypothesis: '' };
      const hypothesis = await withTempDir(async (dir) => {
        await writeFile(path.join(dir, 'grammar.fsg'), grammar.fsg);
        await writeFile(path.join(dir, 'words.dict'), grammar.dict);
        const model = ['-hmm', ps.model, '-dict', path.join(dir, 'words.dict'), '-fsg', path.join(dir, 'grammar.fsg')];
        // pocketsphinx 0.8 sometimes ends an FSG search off the final state ("Final result does not
        // match the grammar") when silence/noise fillers are inserted between words; decoding once
        // more without fillers recovered every such take in calibration.
        const first = await decode(ps.batch, dir, pcm, model, timeoutMs);
        return first || decode(ps.batch, dir, pcm, [...model, '-fsgusefiller', 'no'], timeoutMs);
      });
      const matches = matchHypothesis(grammar, hypothesis);
      return { chosen: matches.length === 1 ? matches[0] : null, matches, hypothesis };
    },

    async transcribe(wav16k) {
      const ps = need();
      const pcm = recognizerPcm(wav16k);
      const hypothesis = await withTempDir((dir) => decode(ps.batch, dir, pcm, ['-hmm', ps.model, '-dict', ps.dict, '-lm', ps.lm], timeoutMs));
      return hypothesis
        .split(/\s+/)
        .map((w) => w.replace(/\(\d+\)$/, ''))
        .filter((w) => w && !/^(<s>|<\/s>|<sil>|\[.*\]|\+\+.*\+\+)$/.test(w))
        .join(' ');
    },
  };
}

/**
 * pocketsphinx_batch, one process per clip. It decodes the whole file as one utterance with the
 * cepstral mean of the whole file; pocketsphinx_continuous splits at pauses and starts from a
 * default mean, and failed 5 of 10 clean espeak-ng sentences against their own grammar that way.
 */
async function decode(batch: string, dir: string, pcm: Uint8Array, model: string[], timeoutMs: number): Promise<string> {
  await writeFile(path.join(dir, 'clip.raw'), pcm);
  await writeFile(path.join(dir, 'clips.ctl'), 'clip\n');
  const hyp = path.join(dir, 'clip.hyp');
  await runTool('pocketsphinx', batch, [
    ...model,
    '-adcin', 'yes', '-adchdr', '0', '-samprate', String(RECOGNIZER_RATE),
    '-cepdir', dir, '-cepext', '.raw', '-ctl', path.join(dir, 'clips.ctl'), '-hyp', hyp,
    '-logfn', path.join(dir, 'decoder.log'),
  ], { timeoutMs }).catch(async (e: unknown) => {
    // The log is where pocketsphinx explains itself; stderr stays empty with -logfn.
    if (e instanceof ToolError && e.kind === 'failed') {
      const log = await readFile(path.join(dir, 'decoder.log'), 'utf8').catch(() => '');
      const why = log.split('\n').filter((l) => /^(ERROR|FATAL)/.test(l)).at(-1);
      if (why) throw new ToolError(`pocketsphinx failed: ${why}`, 'failed');
    }
    throw e;
  });
  const line = (await readFile(hyp, 'utf8')).split('\n')[0] ?? '';
  // "words words (clip -1234)": the id and score are always the last parenthesised group.
  return line.replace(/\s*\(clip(?:\s+-?\d+)*\)\s*$/, '').trim();
}

/** The samples of a 16 kHz mono s16 WAV, padded with silence; anything else is refused. */
function recognizerPcm(wav: Uint8Array): Uint8Array {
  const info = readWavInfo(wav);
  if (!info) throw new ToolError('the recognizer needs a WAV file (use toRecognizerWav)', 'invalid-input');
  if (info.formatTag !== 1 || info.channels !== 1 || info.sampleRate !== RECOGNIZER_RATE || info.bitsPerSample !== 16) {
    throw new ToolError(`the recognizer needs ${RECOGNIZER_RATE} Hz mono 16-bit PCM, got ${info.sampleRate} Hz, ${info.channels} channel(s), ${info.bitsPerSample} bit (use toRecognizerWav)`, 'invalid-input');
  }
  const pad = Math.round(PAD_SEC * RECOGNIZER_RATE) * 2;
  const out = new Uint8Array(pad + info.frames * 2 + pad);
  out.set(wav.subarray(info.dataOffset, info.dataOffset + info.frames * 2), pad);
  return out;
}
