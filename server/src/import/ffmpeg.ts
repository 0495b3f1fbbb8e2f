import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { detectAudioTools } from '../audio/tools.ts';
import { ImportError } from './errors.ts';

/**
 * ffprobe and ffmpeg for the importer of video files (video-file.ts): what a file really holds,
 * and its frames as JPEGs. Every run is a child process started with an argument array (no shell
 * ever sees a file name), given the file as an absolute `file:` path (a name cannot be read as an
 * option or a protocol such as `concat:` or `http:`), with a hard time limit after which it is
 * killed, at a lower CPU priority than the server, and within a slot of `extractionSlots`.
 */

export interface VideoTools {
  ffmpeg: string;
  ffprobe: string;
}

/** ffmpeg and ffprobe as the audio features find them (FFMPEG_PATH, FFPROBE_PATH, PATH, /usr/bin). */
export async function videoTools(): Promise<VideoTools> {
  const { ffmpeg, ffprobe } = await detectAudioTools();
  if (!ffmpeg || !ffprobe) throw new ImportError('', `${ffmpeg ? 'ffprobe' : 'ffmpeg'} is not installed: frames cannot be extracted from video files (apt-get install ffmpeg)`);
  return { ffmpeg, ffprobe };
}

/** Containers accepted, by the demuxer ffprobe names (content, not the file name): MP4/MOV and Matroska/WebM. */
const CONTAINERS = new Set(['mov', 'mp4', 'matroska', 'webm']);

export interface VideoProbe {
  codec: string;
  width: number;
  height: number;
  /** The video's own frame rate as ffprobe gives it ("30000/1001"), or null when it does not know one. */
  rate: string | null;
  /** `rate` as a number. */
  fps: number | null;
  /** Seconds, or null when neither the stream nor the container says. */
  durationSec: number | null;
  /** Frames the container declares, or null. */
  declaredFrames: number | null;
}

export const PROBE_TIMEOUT_MS = 30_000;

/**
 * What a video file holds, as ffprobe reads it from its content: refused (ImportError naming
 * `rel`) unless it is an MP4/MOV or WebM/Matroska container with a real video stream (a still
 * picture, such as a PNG renamed to .mp4 or an album cover, is not one).
 */
export async function probeVideo(tools: VideoTools, file: string, rel: string, opts: { timeoutMs?: number } = {}): Promise<VideoProbe> {
  const args = ['-v', 'error', '-protocol_whitelist', 'file', '-select_streams', 'v:0',
    '-show_entries', 'stream=codec_type,codec_name,width,height,avg_frame_rate,r_frame_rate,nb_frames,duration:stream_disposition=attached_pic:format=format_name,duration',
    '-of', 'json', fileUrl(file)];
  let out: string;
  try {
    out = (await runChild('ffprobe', tools.ffprobe, args, { timeoutMs: opts.timeoutMs ?? PROBE_TIMEOUT_MS, maxStdoutBytes: 1 << 20 })).stdout;
  } catch (e) {
    if (e instanceof ChildFailed) throw new ImportError(rel, `is not a video file ffprobe can read (${e.detail})`);
    if (e instanceof ChildTimedOut) throw new ImportError(rel, `ffprobe took longer than ${seconds(e.ms)} to read it and was stopped`);
    throw e;
  }
  let meta: FfprobeJson;
  try {
    meta = JSON.parse(out) as FfprobeJson;
  } catch {
    throw new ImportError(rel, 'ffprobe gave no readable description of it');
  }
  const container = meta.format?.format_name ?? '';
  if (!container.split(',').some((c) => CONTAINERS.has(c))) {
    throw new ImportError(rel, `is not an MP4, MOV or WebM video (ffprobe reads it as ${container || 'an unknown format'})`);
  }
  const s = meta.streams?.[0];
  if (!s || s.codec_type !== 'video' || !s.codec_name) throw new ImportError(rel, 'holds no video stream');
  if (s.disposition?.attached_pic) throw new ImportError(rel, 'holds only a still picture (cover art), no video stream');
  const width = s.width ?? 0;
  const height = s.height ?? 0;
  if (!(width > 0 && height > 0)) throw new ImportError(rel, 'its video stream has no frame size');
  const rate = [s.avg_frame_rate, s.r_frame_rate].find((r) => rational(r) !== null) ?? null;
  return {
    codec: s.codec_name,
    width,
    height,
    rate,
    fps: rate === null ? null : rational(rate),
    durationSec: positive(s.duration) ?? positive(meta.format?.duration),
    declaredFrames: positive(s.nb_frames),
  };
}

interface FfprobeJson {
  streams?: {
    codec_type?: string;
    codec_name?: string;
    width?: number;
    height?: number;
    avg_frame_rate?: string;
    r_frame_rate?: string;
    nb_frames?: string;
    duration?: string;
    disposition?: { attached_pic?: number };
  }[];
  format?: { format_name?: string; duration?: string };
}

/** "30000/1001" → 29.97…; null for "0/0", garbage, or an absurd rate. */
export function rational(r: string | undefined): number | null {
  const m = /^([0-9]{1,9})\/([0-9]{1,9})$/.exec(r ?? '');
  if (!m) return null;
  const v = Number(m[1]) / Number(m[2]);
  return Number.isFinite(v) && v > 0 && v < 100_000 ? v : null;
}

function positive(v: string | undefined): number | null {
  if (v === undefined || v === 'N/A') return null;
  const n = Number(v);
  return Number.isFinite(n) && n > 0 ? n : null;
}

/** `file:` plus the absolute path: ffmpeg reads it as a plain file whatever the name looks like. */
function fileUrl(file: string): string {
  return `file:${path.resolve(file)}`;
}

export interface ExtractOptions {
  /** The rate to extract at: a number or a rational ("30000/1001"), validated by the caller. */
  rate: string;
  /** Refuse beyond this many frames (ffmpeg stops one frame after it). */
  maxFrames: number;
  timeoutMs: number;
  /** Frames written so far (from ffmpeg's progress report, about twice a second). May throw to stop the run. */
  onFrames?: (n: number) => void;
}

/**
 * Every frame of the first video stream at `rate` (ffmpeg's fps filter: frames are dropped or
 * repeated to that rate; at the video's own rate a constant-rate video keeps each one), as
 * JPEGs `00000.jpg`, `00001.jpg`, … in `outDir` (new and empty). Returns how many were written,
 * at most maxFrames + 1 (one more tells "over the limit"). Bit-exact output: the same video gives
 * the same bytes, so a re-import is recognised (content hash).
 */
export async function extractFrames(tools: VideoTools, file: string, rel: string, outDir: string, opts: ExtractOptions): Promise<number> {
  if (!/^([0-9]{1,9}\/[0-9]{1,9}|[0-9]{1,4}(\.[0-9]{1,6})?)$/.test(opts.rate)) throw new Error(`bad frame rate ${opts.rate}`);
  const args = ['-nostdin', '-hide_banner', '-v', 'error', '-nostats', '-progress', 'pipe:1',
    '-protocol_whitelist', 'file', '-i', fileUrl(file),
    '-map', '0:v:0', '-an', '-sn', '-dn', '-map_metadata', '-1',
    '-vf', `fps=${opts.rate},format=yuvj420p`, '-frames:v', String(opts.maxFrames + 1),
    '-q:v', '3', '-fflags', '+bitexact', '-flags:v', '+bitexact',
    '-f', 'image2', '-start_number', '0', fileUrl(path.join(outDir, '%05d.jpg'))];
  try {
    await runChild('ffmpeg', tools.ffmpeg, args, {
      timeoutMs: opts.timeoutMs,
      maxStdoutBytes: 64 << 20,
      onLine: (line) => {
        const m = /^frame=([0-9]+)$/.exec(line.trim());
        if (m) opts.onFrames?.(Number(m[1]));
      },
    });
  } catch (e) {
    if (e instanceof ChildFailed) throw new ImportError(rel, `ffmpeg could not extract its frames (${e.detail})`);
    if (e instanceof ChildTimedOut) throw new ImportError(rel, `extracting its frames took longer than ${seconds(e.ms)} (the limit); ffmpeg was stopped`);
    throw e;
  }
  return (await readdir(outDir)).filter((f) => /^[0-9]{5}\.jpg$/.test(f)).length;
}

const seconds = (ms: number) => (ms >= 10_000 ? `${Math.round(ms / 1000)} s` : `${ms / 1000} s`);

class ChildFailed extends Error {
  constructor(readonly detail: string) {
    super(detail);
  }
}

class ChildTimedOut extends Error {
  constructor(readonly ms: number) {
    super(`timed out after ${ms} ms`);
  }
}

/** Below the server's priority: an extraction must not starve the requests a server answers meanwhile. */
const CHILD_NICE = 10;

/**
 * One child process: argument array, no shell, a hard time limit (SIGKILL), stdout bounded and
 * given line by line to `onLine` (which may throw to stop the run: the child is killed and the
 * error passed on), stderr's tail kept for the message.
 */
function runChild(label: string, command: string, args: readonly string[], opts: { timeoutMs: number; maxStdoutBytes: number; onLine?: (line: string) => void }): Promise<{ stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, LC_ALL: 'C' } });
    if (child.pid !== undefined) {
      try {
        os.setPriority(child.pid, CHILD_NICE);
      } catch {
        // Not allowed here (a container without the capability): it runs at the server's priority.
      }
    }
    let settled = false;
    let out = '';
    let outBytes = 0;
    let pending = '';
    let err = '';
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const stop = (e: unknown) => {
      child.kill('SIGKILL');
      finish(() => reject(e));
    };
    const timer = setTimeout(() => stop(new ChildTimedOut(opts.timeoutMs)), opts.timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      if (settled) return;
      outBytes += chunk.length;
      if (outBytes > opts.maxStdoutBytes) return stop(new ChildFailed(`${label} wrote more than ${opts.maxStdoutBytes} bytes of output`));
      const text = chunk.toString('utf8');
      if (!opts.onLine) {
        out += text;
        return;
      }
      const lines = (pending + text).split('\n');
      pending = lines.pop()!;
      try {
        for (const line of lines) opts.onLine(line);
      } catch (e) {
        stop(e);
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err = (err + chunk.toString('utf8')).slice(-4096);
    });
    child.on('error', (e: NodeJS.ErrnoException) => finish(() => reject(new ImportError('', `${label} could not be started (${e.code ?? e.message})`))));
    child.on('close', (code, signal) => {
      finish(() => {
        if (code === 0) resolve({ stdout: out });
        else reject(new ChildFailed(lastLine(err) ?? (code === null ? `stopped by ${signal}` : `exit ${code}`)));
      });
    });
  });
}

/** ffmpeg's last complaint, without the absolute path of our work folder (the admin names files by their own names). */
function lastLine(text: string): string | null {
  const line = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean)
    .at(-1);
  return line ? line.replace(/file:\/\S*/g, 'the file').replace(/\/\S+\/([^/\s]+)/g, '$1').slice(0, 300) : null;
}
