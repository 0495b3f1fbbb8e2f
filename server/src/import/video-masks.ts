import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import streamObject from 'stream-json/streamers/stream-object.js';
import { encodeMask, rleArea, rleBbox } from '#shared/rle/index.ts';
import { paletteObjects } from './davis.ts';
import { ImportError, type ImportProblems } from './errors.ts';
import { trackMasks } from './mevis.ts';
import type { PlannedObject } from './plan.ts';
import { readBinaryMask } from './png-mask.ts';
import { strayObjectWarnings, type ImportWarning } from './report.ts';
import type { MaskSource } from './video-layout.ts';

/** A video's `<name>.mask_dict.json` is streamed; beyond this it is refused (a MeViS train split's whole file is ~400 MB). */
export const MAX_MASK_DICT_BYTES = 512 * 1024 * 1024;
/** Tracks one video's mask_dict.json may hold. */
const MAX_TRACKS = 1000;
const ANNO_ID = /^[0-9A-Za-z_-]{1,64}$/;

export interface VideoMasksContext {
  video: string;
  /** How many frames ffmpeg extracted; every mask sequence has exactly this many. */
  frames: number;
  size: { width: number; height: number };
  /** "cars.mp4 gives 48 frames at 24 fps": how a count mismatch states the frames. */
  framesSaid: string;
  problems: ImportProblems;
  maxDictBytes?: number;
  /** One mask file (or one track) read. */
  tick?: () => void;
}

/**
 * The objects of a video from its masks (video-layout.ts), the i-th mask on the i-th frame: every
 * frame is annotated (a mask, or an empty one: absent). Each unreadable or mis-sized file, each bad
 * track is a problem of its own; undefined when there was one. Palette PNGs give the same warnings
 * as in the DAVIS layout (a stray palette index, report.ts).
 */
export async function videoObjects(masks: MaskSource, ctx: VideoMasksContext): Promise<{ objects: PlannedObject[]; warnings: ImportWarning[] } | undefined> {
  const before = ctx.problems.count;
  let objects: PlannedObject[];
  const warnings: ImportWarning[] = [];
  if (masks.kind === 'palette') {
    const list = masks.files.map((f, frameIdx) => ({ frameIdx, path: f.path, file: f.rel }));
    const found = await paletteObjects(list, ctx.size, ctx.problems, undefined, ctx.tick);
    objects = [...found.values()].sort((a, b) => a.localId - b.localId);
    const dir = masks.rel.replace(/\/$/, '');
    const tracks = objects.map((o) => ({ localId: o.localId, pngs: o.masks.map((m) => path.basename(masks.files[m.frameIdx]!.path)) }));
    warnings.push(...strayObjectWarnings(ctx.video, dir, ctx.frames, tracks));
  } else if (masks.kind === 'objects') {
    objects = [];
    for (const o of masks.objects) {
      const obj: PlannedObject = { localId: o.id, category: null, sourceAnnoId: null, masks: [] };
      for (const [frameIdx, f] of o.files.entries()) {
        await ctx.problems.check(async () => {
          const mask = readBinaryMask(await readMaskFile(f.path, f.rel), f.rel);
          if (mask.width !== ctx.size.width || mask.height !== ctx.size.height) {
            throw new ImportError(f.rel, `mask is ${mask.width}×${mask.height} but the video's frames are ${ctx.size.width}×${ctx.size.height}`);
          }
          const rle = encodeMask(mask.bits, mask.height, mask.width);
          const area = rleArea(rle);
          if (area > 0) obj.masks.push({ frameIdx, counts: rle.counts, area, bbox: rleBbox(rle) });
        });
        ctx.tick?.();
      }
      // A folder of empty masks is an object never seen: nothing to annotate.
      if (obj.masks.length) objects.push(obj);
    }
  } else {
    objects = await dictObjects(masks.path, masks.rel, ctx);
  }
  if (ctx.problems.count > before) return undefined;
  if (objects.length === 0) throw new ImportError(masks.rel, 'no object masks found (every pixel is background or void)');
  return { objects, warnings };
}

async function readMaskFile(p: string, rel: string): Promise<Buffer> {
  try {
    return await readFile(p);
  } catch (e) {
    throw new ImportError(rel, `cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/**
 * `<video>.mask_dict.json`, streamed one track at a time: objects numbered 1, 2, … in the file's
 * order, each keeping its anno_id (objects.source_anno_id, as MeViS imports do).
 */
async function dictObjects(file: string, rel: string, ctx: VideoMasksContext): Promise<PlannedObject[]> {
  const max = ctx.maxDictBytes ?? MAX_MASK_DICT_BYTES;
  const bytes = (await stat(file)).size;
  if (bytes > max) throw new ImportError(rel, `is larger than ${Math.round(max / 2 ** 20)} MB, the limit`);
  const input = createReadStream(file);
  const pipeline = input.pipe(streamObject.withParserAsStream());
  const objects: PlannedObject[] = [];
  const seen = new Set<string>();
  try {
    for await (const item of pipeline as AsyncIterable<{ key: string; value: unknown }>) {
      const trel = `${rel} → ${item.key}`;
      if (seen.size >= MAX_TRACKS) throw new ImportError(rel, `holds more than ${MAX_TRACKS} tracks`);
      ctx.problems.checkSync(() => {
        if (!ANNO_ID.test(item.key)) throw new ImportError(trel, 'an anno_id must be a short plain name (letters, digits, "_", "-")');
        if (seen.has(item.key)) throw new ImportError(trel, 'appears twice');
        seen.add(item.key);
        const masks = trackMasks(item.value, ctx.frames, ctx.size, trel, ctx.framesSaid);
        objects.push({ localId: seen.size, category: null, sourceAnnoId: item.key, masks });
      });
      ctx.tick?.();
    }
  } catch (e) {
    if (e instanceof ImportError) throw e;
    throw new ImportError(rel, `malformed JSON (${(e as Error).message})`);
  } finally {
    input.destroy();
  }
  if (seen.size === 0) throw new ImportError(rel, 'holds no tracks (expected { "<anno_id>": [RLE or null per frame], … })');
  // An object with a track of nulls only is never seen: nothing to annotate.
  return objects.filter((o) => o.masks.length > 0);
}
