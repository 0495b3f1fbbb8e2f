import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { encode as encodePng } from 'fast-png';
import { encodeLabels, encodeMask } from '#shared/rle/index.ts';
import { writeDavisVideo, type BuiltVideo } from './davis-builder.ts';

/**
 * Test videos made at test time with ffmpeg (no binary fixture is ever committed): from generated
 * frames (davis-builder.ts) or from a real fixture sequence, in the layout the importer of video
 * files reads (import/video-layout.ts).
 */

const FFMPEG = process.env.FFMPEG_PATH ?? '/usr/bin/ffmpeg';

/** Why video tests cannot run here, or null when ffmpeg and ffprobe are installed. */
export function videoToolsMissing(): string | null {
  for (const tool of [FFMPEG, process.env.FFPROBE_PATH ?? '/usr/bin/ffprobe']) {
    if (!existsSync(tool)) return ` (skipped: ${tool} not found; apt-get install ffmpeg)`;
  }
  return null;
}

export type VideoCodec = 'h264' | 'mjpeg' | 'vp9';
const CONTAINER: Record<VideoCodec, string> = { h264: 'mp4', mjpeg: 'mov', vp9: 'webm' };
const CODEC_ARGS: Record<VideoCodec, string[]> = {
  h264: ['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-preset', 'ultrafast'],
  mjpeg: ['-c:v', 'mjpeg', '-q:v', '2'],
  vp9: ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-b:v', '0', '-crf', '40'],
};

/**
 * Encodes `framesDir/%05d.jpg` (from 00000) at `fps` into `out` (its extension says the
 * container). `streamed`: Matroska written to a pipe, as a live recorder does, so its header
 * states no duration (the importer cannot estimate the frames before extracting).
 */
export function encodeVideo(framesDir: string, out: string, opts: { fps?: number; codec?: VideoCodec; streamed?: boolean } = {}): string {
  const codec = opts.codec ?? 'h264';
  const input = ['-v', 'error', '-y', '-framerate', String(opts.fps ?? 24), '-i', path.join(framesDir, '%05d.jpg'), ...CODEC_ARGS[codec]];
  if (opts.streamed) writeFileSync(out, execFileSync(FFMPEG, [...input, '-f', 'matroska', 'pipe:1'], { maxBuffer: 256 << 20 }));
  else execFileSync(FFMPEG, [...input, out]);
  return out;
}

/**
 * A synthetic clip from ffmpeg's own test sources (a plain colour, a moving test pattern, or a
 * tone with no picture at all): small files that claim long durations or big frames, for the
 * importer's limits.
 */
export function syntheticVideo(out: string, opts: { width?: number; height?: number; fps?: number; seconds: number; codec?: VideoCodec; audioOnly?: boolean; pattern?: boolean }): string {
  const picture = `${opts.pattern ? 'testsrc2=' : 'color=c=blue:'}s=${opts.width ?? 64}x${opts.height ?? 48}:r=${opts.fps ?? 1}:d=${opts.seconds}`;
  const source = opts.audioOnly ? ['-f', 'lavfi', '-i', `sine=duration=${opts.seconds}`, '-c:a', 'aac'] : ['-f', 'lavfi', '-i', picture, ...CODEC_ARGS[opts.codec ?? 'h264']];
  execFileSync(FFMPEG, ['-v', 'error', '-y', ...source, out]);
  return out;
}

export interface VideoFileOptions {
  frames?: number;
  objects?: number;
  fps?: number;
  codec?: VideoCodec;
  width?: number;
  height?: number;
  /** How the masks are laid out beside the video. */
  masks?: 'palette' | 'objects' | 'dict';
  /** A header without a duration (encodeVideo); the file is then a `.webm` (Matroska). */
  streamed?: boolean;
}

/**
 * Writes `<root>/<name>.<mp4|mov|webm>` from generated frames with moving rectangles, and its
 * masks: `<name>/00000.png …` (palette), `<name>/<id>/00000.png …` (per object, 0/255 gray) or
 * `<name>.mask_dict.json`. Returns the label images, so tests can check masks pixel for pixel.
 */
export async function writeVideoFile(root: string, name: string, opts: VideoFileOptions = {}): Promise<BuiltVideo & { file: string }> {
  mkdirSync(root, { recursive: true });
  const scratch = mkdtempSync(path.join(root, '.build-'));
  try {
    const v = await writeDavisVideo(scratch, name, { frames: opts.frames ?? 12, objects: opts.objects ?? 2, width: opts.width ?? 64, height: opts.height ?? 48 });
    const codec = opts.codec ?? 'h264';
    const file = path.join(root, `${name}.${opts.streamed ? 'webm' : CONTAINER[codec]}`);
    encodeVideo(path.join(scratch, 'JPEGImages', name), file, { fps: opts.fps, codec, streamed: opts.streamed });
    writeMasks(root, name, v, opts.masks ?? 'palette', path.join(scratch, 'Annotations', name));
    return { ...v, file };
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function writeMasks(root: string, name: string, v: BuiltVideo, kind: 'palette' | 'objects' | 'dict', pngDir: string): void {
  const frameName = (f: number) => String(f).padStart(5, '0');
  if (kind === 'palette') {
    cpSync(pngDir, path.join(root, name), { recursive: true });
    return;
  }
  const ids = [...new Set(v.labels.flatMap((l) => [...l]))].filter((id) => id !== 0).sort((a, b) => a - b);
  if (kind === 'objects') {
    for (const id of ids) {
      const dir = path.join(root, name, String(id));
      mkdirSync(dir, { recursive: true });
      v.labels.forEach((label, f) => writeFileSync(path.join(dir, `${frameName(f)}.png`), grayMask(v.width, v.height, label, id)));
    }
    return;
  }
  const dict: Record<string, unknown[]> = {};
  for (const id of ids) {
    dict[`anno-${id}`] = v.labels.map((label) => {
      const rle = encodeLabels(label, v.height, v.width).get(id);
      return rle ?? null;
    });
  }
  writeFileSync(path.join(root, `${name}.mask_dict.json`), JSON.stringify(dict));
}

/** A 0/255 grayscale PNG of one object of a label image, as per-object mask tools write them. */
function grayMask(width: number, height: number, label: Uint8Array, id: number): Uint8Array {
  const data = new Uint8Array(width * height);
  for (let p = 0; p < data.length; p++) data[p] = label[p] === id ? 255 : 0;
  return encodePngGray(width, height, data);
}

function encodePngGray(width: number, height: number, data: Uint8Array): Uint8Array {
  return encodePng({ width, height, data, depth: 8, channels: 1 });
}

/** A binary mask of one object as the RLE the importer should store (tests compare against it). */
export function objectRle(v: BuiltVideo, frame: number, id: number) {
  const bits = v.labels[frame]!.map((l) => (l === id ? 1 : 0));
  return encodeMask(bits, v.height, v.width);
}
