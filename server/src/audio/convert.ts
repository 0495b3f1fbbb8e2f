import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { runTool, ToolError, withTempDir } from './run-tool.ts';
import type { AudioTools } from './tools.ts';
import { readWavInfo } from './wav-header.ts';
import { DEFAULT_CLIP_LIMITS } from '#shared/audio/clip-limits.ts';

/** Sample rate of every WAV in a release. */
export const DATASET_RATE = 48000;
/** pocketsphinx's en-us acoustic model was trained on 16 kHz audio and refuses anything else. */
export const RECOGNIZER_RATE = 16000;

const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * No converted clip is ever longer than this: takes are refused above 30 s (shared clip limits),
 * so one second more is enough to tell "too long" from "just under". A decompression bomb (a 16 KB
 * FLAC of 10 hours of silence, 3.46 GB as a WAV) is refused by the probe when its header says so,
 * and stopped by ffmpeg's `-t`/`-fs` caps when the header lies.
 */
export const MAX_CONVERTED_SECONDS = DEFAULT_CLIP_LIMITS.maxSeconds + 1;

export interface ConvertOptions {
  timeoutMs?: number;
  /** Output cap in seconds (default MAX_CONVERTED_SECONDS); longer input is refused. */
  maxSeconds?: number;
}

/**
 * Any audio ffmpeg can decode (WebM with PCM or Opus, WAV of any rate, depth or channel count, …)
 * → mono 16-bit PCM WAV at 48 kHz with the canonical 44-byte header. Resampled exactly once, by
 * soxr inside ffmpeg: a second pass through another resampler would only add error. The bitexact
 * flags keep ffmpeg from writing its LIST/encoder chunk, so the same input always gives the same
 * bytes (and the same content hash in the store).
 */
export async function toDatasetWav(tools: AudioTools, input: Uint8Array, opts: ConvertOptions = {}): Promise<Uint8Array> {
  return toMono16(tools, input, DATASET_RATE, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, opts.maxSeconds ?? MAX_CONVERTED_SECONDS);
}

/** The dataset WAV at 16 kHz mono s16, the only input pocketsphinx accepts. */
export async function toRecognizerWav(tools: AudioTools, wav48: Uint8Array, opts: ConvertOptions = {}): Promise<Uint8Array> {
  return toMono16(tools, wav48, RECOGNIZER_RATE, opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, opts.maxSeconds ?? MAX_CONVERTED_SECONDS);
}

async function toMono16(tools: AudioTools, input: Uint8Array, rate: number, timeoutMs: number, maxSeconds: number): Promise<Uint8Array> {
  const ffmpeg = tools.ffmpeg;
  if (!ffmpeg) throw new ToolError('ffmpeg is not installed: audio cannot be converted (apt-get install ffmpeg)', 'missing');
  if (input.length === 0) throw new ToolError('the audio file is empty', 'invalid-input');
  return withTempDir(async (dir) => {
    // No extension: ffmpeg must recognise the upload by its content, not by a name it chose.
    const src = path.join(dir, 'input');
    const dst = path.join(dir, 'output.wav');
    await writeFile(src, input);
    // "-map 0:a:0": the first audio stream only; a WebM could also carry video.
    // "-t" before "-i" trims each decoded frame to maxSeconds *before* the resampler: a FLAC frame
    // may hold 65,535 samples at 1 Hz (18 hours), which soxr would otherwise expand into one
    // 3-billion-sample buffer at 48 kHz (gigabytes of memory from an 8 KB upload whose header
    // claims 2 s). The output "-t" below alone trims only after resampling.
    const args = ['-nostdin', '-hide_banner', '-v', 'error', '-t', String(maxSeconds), '-i', src, '-map', '0:a:0', '-vn', '-sn', '-dn',
      '-af', `aresample=resampler=soxr:out_sample_rate=${rate}:out_chlayout=mono:out_sample_fmt=s16`,
      '-ac', '1', '-ar', String(rate), '-c:a', 'pcm_s16le',
      '-map_metadata', '-1', '-fflags', '+bitexact', '-flags:a', '+bitexact',
      // Caps on what any input can make us write, whatever its header claims.
      '-t', String(maxSeconds), '-fs', String(capBytes(rate, maxSeconds)), '-f', 'wav', dst];
    try {
      await runTool('ffmpeg', ffmpeg, args, { timeoutMs });
    } catch (e) {
      throw decodeError(e);
    }
    const out = new Uint8Array(await readFile(dst));
    const info = readWavInfo(out);
    if (!info || info.dataOffset !== 44 || info.formatTag !== 1 || info.channels !== 1 || info.sampleRate !== rate || info.bitsPerSample !== 16) {
      throw new ToolError(`ffmpeg wrote an unexpected WAV layout (${info ? `${info.channels} ch, ${info.sampleRate} Hz, ${info.bitsPerSample} bit, data at ${info.dataOffset}` : 'unreadable header'})`, 'failed');
    }
    if (info.frames === 0) throw new ToolError('the audio file holds no samples', 'invalid-input');
    // Reaching the cap means the input went on beyond it (the caps cut it there).
    if (info.frames >= (maxSeconds - 0.05) * rate) throw new ToolError(`the audio is longer than ${maxSeconds - 1} s`, 'invalid-input');
    return out;
  });
}

/** The largest WAV a conversion may write: the PCM of `maxSeconds` plus room for the header. */
function capBytes(rate: number, maxSeconds: number): number {
  return 44 + Math.ceil(rate * maxSeconds) * 2 + 4096;
}

/** Turns ffmpeg's reasons for not reading a file into one sentence about the upload. */
function decodeError(e: unknown): unknown {
  if (!(e instanceof ToolError) || e.kind !== 'failed') return e;
  const reason = e.message.replace(/^ffmpeg failed \([^)]*\): /, '');
  if (/matches no streams|does not contain any stream/i.test(reason)) return new ToolError('the file has no audio stream', 'invalid-input');
  if (/Invalid data found|could not find codec parameters|EBML header parsing failed|Error opening input|unknown format|Invalid argument/i.test(reason)) {
    return new ToolError(`the file is not audio that ffmpeg can decode (${reason})`, 'invalid-input');
  }
  return e;
}

export interface AudioProbe {
  /** ffmpeg's codec name, e.g. pcm_f32le (Chromium's webm;codecs=pcm), opus, pcm_s16le. */
  codec: string;
  sampleRate: number;
  channels: number;
  durationSec: number;
  /** True when the codec keeps every sample (PCM, FLAC, …): such a take has not lost anything yet. */
  lossless: boolean;
}

const LOSSLESS_CODECS = /^(pcm_|flac$|alac$|wavpack$|ape$|tta$|mlp$|truehd$)/;

/** What is really in an upload, as ffprobe sees it (it comes with ffmpeg). */
export async function probeAudio(tools: AudioTools, input: Uint8Array, opts: ConvertOptions = {}): Promise<AudioProbe> {
  const ffprobe = tools.ffprobe;
  if (!ffprobe) throw new ToolError('ffprobe is not installed: uploads cannot be inspected (apt-get install ffmpeg)', 'missing');
  if (input.length === 0) throw new ToolError('the audio file is empty', 'invalid-input');
  const timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return withTempDir(async (dir) => {
    const src = path.join(dir, 'input');
    await writeFile(src, input);
    let meta: FfprobeOutput;
    try {
      const { stdout } = await runTool('ffprobe', ffprobe, ['-v', 'error', '-select_streams', 'a:0',
        '-show_entries', 'stream=codec_name,sample_rate,channels,duration:format=duration', '-of', 'json', src], { timeoutMs });
      meta = JSON.parse(stdout.toString('utf8')) as FfprobeOutput;
    } catch (e) {
      if (e instanceof ToolError && e.kind === 'failed') {
        throw new ToolError(`the file is not audio that ffprobe can read (${e.message.replace(/^ffprobe failed \([^)]*\): /, '')})`, 'invalid-input');
      }
      throw e;
    }
    const stream = meta.streams?.[0];
    if (!stream?.codec_name) throw new ToolError('the file has no audio stream', 'invalid-input');
    let durationSec = finite(stream.duration) ?? finite(meta.format?.duration);
    // MediaRecorder writes WebM as a live stream without a duration; the packets still know it.
    if (durationSec === null) durationSec = await durationFromPackets(ffprobe, src, timeoutMs, opts.maxSeconds ?? MAX_CONVERTED_SECONDS);
    return {
      codec: stream.codec_name,
      sampleRate: Number(stream.sample_rate ?? 0),
      channels: stream.channels ?? 0,
      durationSec,
      lossless: LOSSLESS_CODECS.test(stream.codec_name),
    };
  });
}

interface FfprobeOutput {
  streams?: { codec_name?: string; sample_rate?: string; channels?: number; duration?: string }[];
  format?: { duration?: string };
}

/**
 * Output of the packet scan: ~20 bytes a packet, room for 200,000 packets. Chromium's WebM holds
 * ~100 packets a second; more than this within the read limit is no recording, and is refused.
 */
const MAX_PACKET_LIST_BYTES = 4 * 1024 * 1024;

/**
 * The end of the last packet, reading packets only up to `limitSec` plus one second: past the
 * limit the exact length does not matter, the file is refused. Unbounded, a FLAC of 16-sample
 * frames with no length in its header made ffprobe list every packet: 43 s of CPU (holding a tool
 * slot) and 60 MB of text for a 46 MB file; with the read limit, 1.6 s.
 */
async function durationFromPackets(ffprobe: string, src: string, timeoutMs: number, limitSec: number): Promise<number> {
  const { stdout } = await runTool('ffprobe', ffprobe, ['-v', 'error', '-select_streams', 'a:0', '-read_intervals', `%+${limitSec + 1}`,
    '-show_entries', 'packet=pts_time,duration_time', '-of', 'csv=p=0', src], { timeoutMs, maxStdoutBytes: MAX_PACKET_LIST_BYTES });
  let end = 0;
  for (const line of stdout.toString('utf8').split('\n')) {
    const [pts, dur] = line.split(',').map((v) => finite(v) ?? 0);
    end = Math.max(end, (pts ?? 0) + (dur ?? 0));
  }
  return end;
}

function finite(v: string | undefined): number | null {
  if (v === undefined || v === 'N/A') return null;
  const n = Number(v);
  return Number.isFinite(n) ? n : null;
}
