import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { VideoSource } from '#shared/domain.ts';
import type { Split } from '#shared/export/splits.ts';
import type { FileStore } from '../store/file-store.ts';
import { ImportError, type ImportProblems } from './errors.ts';
import { checkJpeg } from './jpeg.ts';
import type { ImportWarning } from './report.ts';
import type { ObjectMotion } from '#shared/motion/index.ts';
import { motionOfTrack } from '../services/motion-stats.ts';

/**
 * What an import will write, fully validated before a single row is inserted; the commit step
 * turns it into rows in one transaction (all or nothing).
 */
export interface PlannedMask {
  frameIdx: number;
  counts: string;
  area: number;
  bbox: [number, number, number, number];
}

export interface PlannedObject {
  localId: number;
  category: string | null;
  sourceAnnoId: string | null;
  masks: PlannedMask[];
  /** Filled by finishVideo, outside the write transaction (it is CPU work). */
  motion?: ObjectMotion;
}

export interface PlannedExpression {
  sourceExpId: string;
  text: string;
  /** Sorted local object ids; empty = no-target. */
  objIds: number[];
}

export interface PlannedFrame {
  name: string;
  sha256: string;
  bytes: number;
}

export interface PlannedVideo {
  name: string;
  width: number;
  height: number;
  fps: number;
  frames: PlannedFrame[];
  /**
   * Frames that carry an annotation (DAVIS layout: have a PNG; MeViS: all, null is "absent").
   * Fewer than `frames` means key-frame masks: the rest are "not annotated", which the masks table
   * cannot tell from "absent" (no row either way), so it is reported as coverage (report.ts).
   */
  annotatedFrames: number;
  objects: PlannedObject[];
  expressions: PlannedExpression[];
  contentHash: string;
  /**
   * The split the source put the video in (source-splits.ts), recorded on new videos only: a
   * re-import never moves a video. Not part of the content hash.
   */
  sourceSplit?: Split | null;
}

export interface ImportPlan {
  format: VideoSource;
  source: string;
  videos: PlannedVideo[];
  /** Accepted but suspicious inputs, each naming its file; a strict import refuses them. */
  warnings: ImportWarning[];
}

/**
 * Store writes of one import run. Files are content-addressed, so writing them before the commit
 * is harmless; the ones this run created are removed again if the import fails.
 */
export class StagedFiles {
  readonly created: string[] = [];
  constructor(private readonly store: FileStore) {}

  /** Stores a file off the event loop (FileStore.putAsync), remembering it if this run created it. */
  async putAsync(data: Uint8Array): Promise<string> {
    const { sha256, created } = await this.store.putAsync(data);
    if (created) this.created.push(sha256);
    return sha256;
  }

  discard(): void {
    this.store.remove(this.created);
    this.created.length = 0;
  }
}

export interface ImportProgressEvent {
  phase: 'video' | 'frames' | 'masks' | 'commit';
  done: number;
  total: number;
  detail?: string;
}
export type ImportProgress = (e: ImportProgressEvent) => void;

/**
 * Identity of a video's content (frames and masks, not its expressions or categories): a re-import
 * of the same video is recognised and skipped, a different video under the same name is refused.
 */
export function contentHash(v: Omit<PlannedVideo, 'contentHash' | 'expressions' | 'fps'>): string {
  const h = createHash('sha256');
  h.update(`${v.width}x${v.height}\n`);
  for (const f of v.frames) h.update(`f ${f.name} ${f.sha256}\n`);
  for (const o of [...v.objects].sort((a, b) => a.localId - b.localId)) {
    h.update(`o ${o.localId}\n`);
    for (const m of o.masks) h.update(`m ${m.frameIdx} ${m.counts}\n`);
  }
  return h.digest('hex');
}

/** Completes a planned video: content hash and per-object motion statistics. */
export function finishVideo(
  v: Omit<PlannedVideo, 'contentHash' | 'expressions' | 'fps'>,
  fps: number,
  expressions: PlannedExpression[] = [],
): PlannedVideo {
  for (const o of v.objects) {
    o.masks.sort((a, b) => a.frameIdx - b.frameIdx);
    o.motion = motionOfTrack([v.height, v.width], v.frames.length, o.masks);
  }
  return { ...v, fps, expressions, contentHash: contentHash(v) };
}

/**
 * Reads, checks and stores a video's JPEG frames (by content: header, size, end marker).
 * `rel` names files relative to the import root so errors point at them. With `problems`, a bad
 * frame is recorded there and the next one checked (every bad frame of the video is named); the
 * size is the first readable frame's. Once the import has a problem it will not be committed, so
 * frames are then only checked, not stored.
 */
/** Frame writes in flight per video: enough to share journal commits, few buffers held. */
const STORE_IN_FLIGHT = 16;

export async function storeFrames(
  staged: StagedFiles,
  dir: string,
  rel: string,
  names: string[],
  ext: string,
  tick: () => void,
  problems?: ImportProblems,
): Promise<{ frames: PlannedFrame[]; width: number; height: number }> {
  const frames: PlannedFrame[] = [];
  let width = 0;
  let height = 0;
  // Frames are read and checked in order; their writes to the store run up to STORE_IN_FLIGHT at
  // once off the event loop, and all have landed before the video is planned (rows pointing at a
  // hash are written only after its file is on disk).
  const writes = new Set<Promise<void>>();
  let failed: unknown = null;
  for (const name of names) {
    const file = `${rel}/${name}${ext}`;
    const one = async () => {
      let buf: Buffer;
      try {
        buf = await readFile(path.join(dir, name + ext));
      } catch (e) {
        throw new ImportError(file, `cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      }
      const size = checkJpeg(buf, file);
      if (width === 0) ({ width, height } = size);
      else if (size.width !== width || size.height !== height) {
        throw new ImportError(file, `frame is ${size.width}×${size.height} but the video's first frame is ${width}×${height}`);
      }
      const frame: PlannedFrame = { name, sha256: '', bytes: buf.length };
      frames.push(frame);
      if (problems && problems.count > 0) return;
      const write: Promise<void> = staged.putAsync(buf).then(
        (sha256) => void (frame.sha256 = sha256),
        (e: unknown) => void (failed ??= e),
      );
      writes.add(write);
      void write.finally(() => writes.delete(write));
      while (writes.size >= STORE_IN_FLIGHT) await Promise.race(writes);
    };
    if (problems) await problems.check(one);
    else await one();
    if (failed) break;
    tick();
  }
  await Promise.all(writes);
  if (failed) throw failed;
  return { frames, width, height };
}
