import { createReadStream, existsSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import streamObject from 'stream-json/streamers/stream-object.js';
import { checkRle, RleError } from '#shared/rle/index.ts';
import { ImportError, ImportProblems, structureErrors } from './errors.ts';
import { checkFrameSequence, checkName } from './names.ts';
import { mevisFolderSplit } from './source-splits.ts';
import { finishVideo, storeFrames, type ImportPlan, type StagedFiles, type ImportProgress, type PlannedExpression, type PlannedMask, type PlannedObject, type PlannedVideo } from './plan.ts';

export const MEVIS_DEFAULT_FPS = 6;
const META_FILES = ['meta_expressions.json', 'meta_expressions_v2.json'];
const MAX_META_BYTES = 512 * 1024 * 1024;

// Real files store anno_id as strings and sometimes as integers; loaders coerce with str()/int().
const IdString = z.union([z.string().regex(/^[0-9A-Za-z_-]{1,64}$/), z.number().int().nonnegative()]).transform(String);
const IdInt = z.union([z.number().int().nonnegative(), z.string().regex(/^[0-9]{1,9}$/)]).transform(Number);

const MetaExpressions = z.object({
  videos: z.record(
    z.string(),
    z
      .object({
        frames: z.array(z.string()),
        /** MeViS Studio releases: {written: source} for a video whose frames were renumbered (shared/src/export/frame-names.ts). */
        frame_map: z.record(z.string(), z.string()).optional(),
        /** MeViS Studio releases list every object of a video (obj_id → anno_id), named or not. */
        objects: z.record(z.string().regex(/^[0-9]{1,9}$/, 'object ids must be integers'), IdString).optional(),
        expressions: z.record(
          z.string().regex(/^[0-9A-Za-z_-]{1,64}$/, 'expression ids must be short plain strings'),
          z.object({ exp: z.string().max(2000), obj_id: z.array(IdInt), anno_id: z.array(IdString) }).loose(),
        ),
      })
      .loose(),
  ),
});
type MetaExpressions = z.infer<typeof MetaExpressions>;

export interface MevisOptions {
  fps?: number;
}

/**
 * Plans the import of one MeViS split folder: JPEGImages/<video>/<frame>.jpg, meta_expressions.json
 * (or meta_expressions_v2.json) and mask_dict.json (per anno_id, one COCO RLE or null per frame).
 * The split's expressions come in as accepted, imported expressions.
 */
export async function planMevis(dir: string, staged: StagedFiles, opts: MevisOptions = {}, progress: ImportProgress = () => {}): Promise<ImportPlan> {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new ImportError('', `import folder ${dir} does not exist`);
  const metaName = META_FILES.find((f) => existsSync(path.join(dir, f)));
  if (!metaName) throw new ImportError('meta_expressions.json', 'missing: a MeViS split needs meta_expressions.json');
  if (!existsSync(path.join(dir, 'mask_dict.json'))) {
    throw new ImportError('mask_dict.json', 'missing: only splits with masks (train, valid_u) can be imported');
  }
  if (!existsSync(path.join(dir, 'JPEGImages'))) throw new ImportError('JPEGImages', 'missing');
  const meta = await readMeta(path.join(dir, metaName), metaName);

  // Per video: its objects (obj_id ↔ anno_id, one-to-one) and the expressions that name them.
  // Every video, expression and track is checked, each problem recorded (errors.ts); a video with
  // a problem is left out of the later steps (its frames and tracks are not read).
  const problems = new ImportProblems();
  const annoOwner = new Map<string, { video: string; localId: number }>();
  const videoNames = Object.keys(meta.videos).sort();
  if (videoNames.length === 0) throw new ImportError(metaName, 'lists no videos');
  const pending = new Map<string, { objects: Map<number, PlannedObject>; expressions: PlannedExpression[]; frames: string[]; sourceNames?: string[] }>();
  for (const video of videoNames) {
    const rel = `${metaName} → videos.${video}`;
    const before = problems.count;
    const v = meta.videos[video]!;
    const named = problems.checkSync(() => {
      checkName('video', video, rel);
      v.frames.forEach((f) => checkName('frame', f, rel));
      // mask_dict.json indexes tracks by position in this list, so it is taken as given and must
      // already be in natural order (`frame_2` before `frame_10`): anything else is ambiguous.
      checkFrameSequence(v.frames, rel);
      return true;
    });
    if (!named) continue;
    // A release's renumbered video names its source frames: they come back under those names, so
    // the video is the one it was exported from (same content hash) and stays traceable.
    const sourceNames = problems.checkSync(() => {
      if (!v.frame_map) return undefined;
      const map = v.frame_map;
      if (Object.keys(map).join('/') !== v.frames.join('/')) throw new ImportError(`${rel}.frame_map`, 'must list every frame of "frames", in the same order');
      const names = v.frames.map((f) => checkName('frame', map[f]!, `${rel}.frame_map`));
      checkFrameSequence(names, `${rel}.frame_map`);
      return names;
    });
    const objects = new Map<number, PlannedObject>();
    const expressions: PlannedExpression[] = [];
    const claim = (localId: number, annoId: string, erel: string) => {
      const owner = annoOwner.get(annoId);
      if (owner && (owner.video !== video || owner.localId !== localId)) {
        throw new ImportError(erel, `anno_id ${annoId} is object ${owner.localId} of ${owner.video} elsewhere but object ${localId} of ${video} here`);
      }
      const existing = objects.get(localId);
      if (existing && existing.sourceAnnoId !== annoId) {
        throw new ImportError(erel, `obj_id ${localId} maps to anno_id ${existing.sourceAnnoId} elsewhere but to ${annoId} here`);
      }
      annoOwner.set(annoId, { video, localId });
      if (!existing) objects.set(localId, { localId, category: null, sourceAnnoId: annoId, masks: [] });
    };
    for (const [localId, annoId] of Object.entries(v.objects ?? {})) problems.checkSync(() => claim(Number(localId), annoId, `${rel}.objects.${localId}`));
    for (const [expId, e] of Object.entries(v.expressions)) {
      problems.checkSync(() => {
        const erel = `${rel}.expressions.${expId}`;
        if (e.obj_id.length !== e.anno_id.length) throw new ImportError(erel, `obj_id has ${e.obj_id.length} entries but anno_id has ${e.anno_id.length}`);
        const text = e.exp.trim().replace(/\s+/g, ' ');
        if (!text) throw new ImportError(erel, 'empty expression text');
        e.obj_id.forEach((localId, i) => claim(localId, e.anno_id[i]!, erel));
        expressions.push({ sourceExpId: expId, text, objIds: [...new Set(e.obj_id)].sort((a, b) => a - b) });
      });
    }
    if (problems.count === before) pending.set(video, { objects, expressions, frames: v.frames, sourceNames });
  }

  // Frames first: the mask sizes are checked against the real JPEG sizes.
  const totalFrames = [...pending.values()].reduce((s, v) => s + v.frames.length, 0);
  let done = 0;
  const sizes = new Map<string, { width: number; height: number; frames: Awaited<ReturnType<typeof storeFrames>>['frames'] }>();
  for (const [video, p] of pending) {
    const jdir = path.join(dir, 'JPEGImages', video);
    if (!existsSync(jdir)) {
      problems.add(new ImportError(`JPEGImages/${video}`, 'missing: meta_expressions.json lists this video'));
      continue;
    }
    const before = problems.count;
    const stored = await storeFrames(staged, jdir, `JPEGImages/${video}`, p.frames, '.jpg', () => progress({ phase: 'frames', done: ++done, total: totalFrames, detail: video }), problems);
    if (problems.count === before) sizes.set(video, { ...stored, frames: stored.frames.map((f, i) => ({ ...f, name: p.sourceNames?.[i] ?? f.name })) });
  }

  await readMaskDict(path.join(dir, 'mask_dict.json'), annoOwner, pending, sizes, progress, problems);
  problems.throwIfAny();

  const videos: PlannedVideo[] = videoNames.map((video) => {
    const p = pending.get(video)!;
    const s = sizes.get(video)!;
    // Every frame is annotated: a track has an entry per frame, and null means "absent".
    const planned = { name: video, width: s.width, height: s.height, frames: s.frames, annotatedFrames: s.frames.length, objects: [...p.objects.values()].sort((a, b) => a.localId - b.localId) };
    return finishVideo(planned, opts.fps ?? MEVIS_DEFAULT_FPS, p.expressions);
  });
  // A MeViS split folder says the split (train, valid_u, …): a release keeps it (source-splits.ts).
  const sourceSplit = mevisFolderSplit(dir);
  return { format: 'mevis', source: path.basename(path.resolve(dir)), videos: videos.map((v) => ({ ...v, sourceSplit })), warnings: [] };
}

async function readMeta(file: string, rel: string): Promise<MetaExpressions> {
  if (statSync(file).size > MAX_META_BYTES) throw new ImportError(rel, `is larger than ${MAX_META_BYTES >> 20} MB`);
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new ImportError(rel, `malformed JSON (${(e as Error).message})`);
  }
  const parsed = MetaExpressions.safeParse(json);
  if (!parsed.success) {
    throw structureErrors(rel, parsed.error.issues);
  }
  return parsed.data;
}

/**
 * mask_dict.json of a full MeViS train split is ~400 MB, so it is streamed one track at a time
 * instead of parsed whole; only tracks the expressions reference are kept. Each bad track is a
 * problem of its own; tracks of videos that already have one (no `sizes` entry) are skipped.
 */
async function readMaskDict(
  file: string,
  annoOwner: Map<string, { video: string; localId: number }>,
  pending: Map<string, { objects: Map<number, PlannedObject> }>,
  sizes: Map<string, { width: number; height: number; frames: unknown[] }>,
  progress: ImportProgress,
  problems: ImportProblems,
): Promise<void> {
  const total = statSync(file).size;
  const input = createReadStream(file);
  const pipeline = input.pipe(streamObject.withParserAsStream());
  const seen = new Set<string>();
  let lastReport = 0;
  try {
    for await (const item of pipeline as AsyncIterable<{ key: string; value: unknown }>) {
      const annoId = item.key;
      if (input.bytesRead - lastReport > 1 << 20) {
        lastReport = input.bytesRead;
        progress({ phase: 'masks', done: input.bytesRead, total });
      }
      const owner = annoOwner.get(annoId);
      if (!owner) continue;
      if (seen.has(annoId)) {
        problems.add(new ImportError('mask_dict.json', `anno_id ${annoId} appears twice`));
        continue;
      }
      seen.add(annoId);
      const size = sizes.get(owner.video);
      if (!size) continue;
      const obj = pending.get(owner.video)!.objects.get(owner.localId)!;
      problems.checkSync(() => obj.masks.push(...trackMasks(item.value, size.frames.length, size, `mask_dict.json → ${annoId}`, `${owner.video} has ${size.frames.length} frames`)));
    }
  } catch (e) {
    if (e instanceof ImportError) throw e;
    throw new ImportError('mask_dict.json', `malformed JSON (${(e as Error).message})`);
  } finally {
    input.destroy();
  }
  progress({ phase: 'masks', done: total, total });
  for (const [annoId, owner] of annoOwner) {
    if (!seen.has(annoId)) problems.add(new ImportError('mask_dict.json', `has no track for anno_id ${annoId} (used by ${owner.video})`));
  }
}

/**
 * One object's masks from its track: a COCO RLE or null ("absent") per frame, exactly one entry
 * per frame of the video (`frames`; `framesSaid` says so in the error: "kite-surf has 50 frames").
 * Also the importer of video files (video-masks.ts) reads `<video>.mask_dict.json` tracks with it.
 */
export function trackMasks(track: unknown, frames: number, size: { width: number; height: number }, rel: string, framesSaid: string): PlannedMask[] {
  if (!Array.isArray(track)) throw new ImportError(rel, 'is not a list of per-frame masks');
  if (track.length !== frames) throw new ImportError(rel, `has ${track.length} entries but ${framesSaid}`);
  const out: PlannedMask[] = [];
  track.forEach((entry, frameIdx) => {
    if (entry === null) return;
    try {
      const { area, bbox } = checkRle(entry, { h: size.height, w: size.width });
      // An all-zero RLE is the same as "not visible"; storing it would only cost rows.
      if (area > 0) out.push({ frameIdx, counts: (entry as { counts: string }).counts, area, bbox });
    } catch (e) {
      if (e instanceof RleError) throw new ImportError(`${rel}[${frameIdx}]`, e.message);
      throw e;
    }
  });
  return out;
}
