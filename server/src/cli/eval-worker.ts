import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { createBoundaryWorkspace, SampleAccumulator, scoreFrame, type SampleInfo, type SampleResult } from '#shared/eval/index.ts';
import { paintRle } from '#shared/rle/index.ts';
import { decodeMaskPng, PngError } from './eval-png.ts';
import { ZipReader } from './eval-zip.ts';

/** Where predictions are read from; a zip prefix is '' or a single wrapping folder ending in '/'. */
export type PredSource = { kind: 'dir'; root: string } | { kind: 'zip'; file: string; prefix: string };

/** One (video, expression) to score: its ground-truth tracks travel with it as RLE strings. */
export interface SampleTask {
  id: number;
  info: SampleInfo;
  frames: string[];
  /** [height, width] from the ground-truth RLEs; null when the video has no visible object. */
  size: [number, number] | null;
  /** Per anno_id, per frame: the COCO RLE counts string, or null (object not visible). */
  tracks: (string | null)[][];
}

export type WorkerReply = { id: number; result: SampleResult } | { id: number; error: string };

/**
 * Scores one sample frame by frame: only the current frame's prediction and ground truth are
 * decoded, into buffers reused across frames, so memory does not grow with video length.
 */
export function scoreSample(task: SampleTask, readPred: (rel: string) => Uint8Array | null, state = createWorkerState()): SampleResult {
  const { info, frames } = task;
  const acc = new SampleAccumulator(info);
  for (let i = 0; i < frames.length; i++) {
    const rel = `${info.video}/${info.expId}/${frames[i]}.png`;
    let bytes: Uint8Array | null;
    try {
      bytes = readPred(rel);
    } catch (e) {
      // e.g. a zip member that inflates beyond its declared size, or an unreadable file
      throw new Error(`${rel}: cannot be read (${e instanceof Error ? e.message : String(e)})`);
    }
    if (!bytes) throw new Error(`missing prediction frame ${rel}`);
    let pred;
    try {
      pred = decodeMaskPng(bytes, state.pred);
    } catch (e) {
      if (e instanceof PngError) throw new Error(`${rel}: not a readable PNG (${e.message})`);
      throw e;
    }
    state.pred = pred.data;
    const [h, w] = task.size ?? [pred.height, pred.width];
    if (pred.width !== w || pred.height !== h) throw new Error(`${rel}: ${pred.width}×${pred.height}, but the video's frames are ${w}×${h}`);
    if (!state.gt || state.gt.length !== w * h) state.gt = new Uint8Array(w * h);
    else state.gt.fill(0);
    for (const track of task.tracks) {
      const counts = track[i];
      if (counts) paintRle({ size: [h, w], counts }, state.gt, 1);
    }
    acc.add(scoreFrame({ data: state.gt, width: w, height: h }, pred, state.ws));
  }
  return acc.finish();
}

export function createWorkerState() {
  return { ws: createBoundaryWorkspace(), gt: null as Uint8Array | null, pred: undefined as Uint8Array | undefined };
}

export function predReader(source: PredSource): { read: (rel: string) => Uint8Array | null; close: () => void } {
  if (source.kind === 'zip') {
    const zip = ZipReader.open(source.file);
    return { read: (rel) => zip.read(source.prefix + rel), close: () => zip.close() };
  }
  return {
    read: (rel) => {
      try {
        return readFileSync(path.join(source.root, rel));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
        throw e;
      }
    },
    close: () => {},
  };
}

if (parentPort && (workerData as { evalWorker?: boolean } | null)?.evalWorker) {
  const port = parentPort;
  const reader = predReader((workerData as { source: PredSource }).source);
  const state = createWorkerState();
  port.on('message', (task: SampleTask) => {
    let reply: WorkerReply;
    try {
      reply = { id: task.id, result: scoreSample(task, reader.read, state) };
    } catch (e) {
      reply = { id: task.id, error: e instanceof Error ? e.message : String(e) };
    }
    port.postMessage(reply);
  });
}
