import { encode as encodePng } from 'fast-png';
import { existsSync, linkSync, mkdirSync, copyFileSync, readdirSync, rmSync, mkdtempSync } from 'node:fs';
import { appendFile, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { imageSize } from 'image-size';
import { davisPalette } from '#shared/export/davis-palette.ts';
import { checkRle, paintRle, rleIntersectionArea, RleError, type Rle } from '#shared/rle/index.ts';
import { maskDictTracks, readSplitMeta, SplitError, type SplitVideo } from './mevis-split.ts';

/** Palette indices 1..254 hold objects (0 is background, 255 void), so obj_id 0..253. */
const MAX_OBJ_ID = 253;

export interface ToPngSummary {
  videos: number;
  frames: number;
  objects: number;
  /** Pixels two objects both covered on one frame: a palette PNG holds one id per pixel (the higher obj_id is kept). */
  overlaps: { video: string; frames: number; pixels: number }[];
}

export type ToPngProgress = (p: { phase: 'tracks' | 'videos'; done: number; total: number }) => void;

/**
 * Writes a MeViS split's mask_dict.json as DAVIS / YouTube-VOS palette PNGs, one per frame and
 * video (`Annotations/<video>/<frame>.png`, value = obj_id + 1, since DAVIS keeps 0 for
 * background), with the frames beside them (`JPEGImages/`, hard links where possible) and a
 * YouTube-VOS `meta.json` that records each index's obj_id and anno_id. The output reads back with
 * `studio import --format davis`. mask_dict.json is streamed; tracks are spooled per video to a
 * temporary folder, so memory holds one video at a time whatever the split's size.
 */
export async function masksToPng(splitDir: string, outDir: string, progress: ToPngProgress = () => {}): Promise<ToPngSummary> {
  const videos = await readSplitMeta(splitDir);
  for (const v of videos) {
    const over = [...v.objects.keys()].find((o) => o > MAX_OBJ_ID);
    if (over !== undefined) throw new SplitError(`${v.name}: obj_id ${over} does not fit a palette PNG (obj_id 0–${MAX_OBJ_ID})`);
    const sorted = [...v.frames].sort();
    if (sorted.some((f, i) => f !== v.frames[i]) || new Set(v.frames).size !== v.frames.length) {
      throw new SplitError(`${v.name}: frames must be listed sorted and without repeats (mask_dict.json is indexed by their position)`);
    }
  }
  if (existsSync(outDir) && readdirSync(outDir).length) throw new SplitError(`${outDir} exists and is not empty; give a new folder`);
  const spool = mkdtempSync(path.join(os.tmpdir(), 'masks-to-png-'));
  try {
    const owner = new Map<string, { video: SplitVideo; objId: number; index: number }>();
    videos.forEach((video, index) => {
      for (const [objId, annoId] of video.objects) owner.set(annoId, { video, objId, index });
    });
    const total = owner.size;
    const seen = new Set<string>();
    for await (const { annoId, track } of maskDictTracks(splitDir)) {
      const o = owner.get(annoId);
      if (!o) continue; // a track no expression or object list names: nothing to draw it as
      if (seen.has(annoId)) throw new SplitError(`mask_dict.json: anno_id ${annoId} appears twice`);
      seen.add(annoId);
      if (!Array.isArray(track) || track.length !== o.video.frames.length) {
        throw new SplitError(`mask_dict.json → ${annoId}: expected a list of ${o.video.frames.length} masks (one per frame of ${o.video.name})`);
      }
      await appendFile(path.join(spool, `${o.index}.jsonl`), `${JSON.stringify({ objId: o.objId, track })}\n`);
      if (seen.size % 200 === 0) progress({ phase: 'tracks', done: seen.size, total });
    }
    const missing = [...owner.keys()].find((a) => !seen.has(a));
    if (missing) throw new SplitError(`mask_dict.json has no track for anno_id ${missing} (${owner.get(missing)!.video.name})`);
    progress({ phase: 'tracks', done: total, total });

    const summary: ToPngSummary = { videos: videos.length, frames: 0, objects: owner.size, overlaps: [] };
    const palette = davisPalette();
    const meta: Record<string, { objects: Record<string, { obj_id: number; anno_id: string }> }> = {};
    for (const [index, video] of videos.entries()) {
      const spooled = path.join(spool, `${index}.jsonl`);
      const tracks = existsSync(spooled)
        ? (await readFile(spooled, 'utf8'))
            .split('\n')
            .filter(Boolean)
            .map((line) => JSON.parse(line) as { objId: number; track: unknown[] })
            .sort((a, b) => a.objId - b.objId)
        : [];
      const overlap = await writeVideo(splitDir, outDir, video, tracks, palette);
      if (overlap.pixels) summary.overlaps.push({ video: video.name, ...overlap });
      summary.frames += video.frames.length;
      meta[video.name] = { objects: Object.fromEntries([...video.objects].map(([objId, annoId]) => [String(objId + 1), { obj_id: objId, anno_id: annoId }])) };
      progress({ phase: 'videos', done: index + 1, total: videos.length });
    }
    await writeFile(path.join(outDir, 'meta.json'), `${JSON.stringify({ videos: meta }, null, 1)}\n`);
    return summary;
  } finally {
    rmSync(spool, { recursive: true, force: true });
  }
}

async function writeVideo(
  splitDir: string,
  outDir: string,
  video: SplitVideo,
  tracks: { objId: number; track: unknown[] }[],
  palette: [number, number, number][],
): Promise<{ frames: number; pixels: number }> {
  const jpegIn = path.join(splitDir, 'JPEGImages', video.name);
  const jpegOut = path.join(outDir, 'JPEGImages', video.name);
  const annOut = path.join(outDir, 'Annotations', video.name);
  mkdirSync(jpegOut, { recursive: true });
  mkdirSync(annOut, { recursive: true });
  // The frame size: from the masks (all must agree), else from the first frame.
  let size: [number, number] | undefined;
  for (const t of tracks) {
    for (const entry of t.track) {
      if (entry === null) continue;
      const s = (entry as Rle).size;
      if (!size) size = s;
      else if (!Array.isArray(s) || s[0] !== size[0] || s[1] !== size[1]) throw new SplitError(`${video.name}: masks of different sizes ([${size}] and [${s}])`);
    }
  }
  for (const frame of video.frames) {
    const from = path.join(jpegIn, `${frame}.jpg`);
    if (!existsSync(from)) throw new SplitError(`${video.name}: frame JPEGImages/${video.name}/${frame}.jpg is missing`);
    if (!size) {
      const d = imageSize(await readFile(from));
      size = [d.height, d.width];
    }
    try {
      linkSync(from, path.join(jpegOut, `${frame}.jpg`));
    } catch {
      copyFileSync(from, path.join(jpegOut, `${frame}.jpg`));
    }
  }
  const [h, w] = size ?? [0, 0];
  const overlap = { frames: 0, pixels: 0 };
  for (const [i, frame] of video.frames.entries()) {
    const labels = new Uint8Array(h * w);
    const painted: Rle[] = [];
    let pixels = 0;
    for (const t of tracks) {
      const entry = t.track[i];
      if (entry === null || entry === undefined) continue;
      try {
        checkRle(entry, { h, w });
      } catch (e) {
        if (e instanceof RleError) throw new SplitError(`${video.name} obj_id ${t.objId} frame ${frame}: ${e.message}`);
        throw e;
      }
      const rle = entry as Rle;
      for (const p of painted) pixels += rleIntersectionArea(p, rle);
      // Ascending obj_id: where two overlap, the higher obj_id is painted last and kept.
      paintRle(rle, labels, t.objId + 1);
      painted.push(rle);
    }
    if (pixels) {
      overlap.frames++;
      overlap.pixels += pixels;
    }
    await writeFile(path.join(annOut, `${frame}.png`), encodePng({ width: w, height: h, data: labels, depth: 8, channels: 1, palette }));
  }
  return overlap;
}
