import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { encodeLabels, rleArea, rleBbox } from '#shared/rle/index.ts';
import type { VideoSource } from '#shared/domain.ts';
import { ImportError, ImportProblems, structureErrors } from './errors.ts';
import { checkFrameSequence, checkName, frameNumber, naturalOrder } from './names.ts';
import { finishVideo, storeFrames, type ImportPlan, type StagedFiles, type ImportProgress, type PlannedObject, type PlannedVideo } from './plan.ts';
import { readPaletteMask } from './png-mask.ts';
import { davisSourceSplits } from './source-splits.ts';
import { missingMaskWarnings, strayObjectWarnings, type ImportWarning } from './report.ts';

/** YouTube-VOS meta.json: object categories (and frames, which we derive from the masks instead). */
const MetaJson = z.object({
  videos: z.record(
    z.string(),
    z.object({
      objects: z.record(z.string().regex(/^[0-9]+$/), z.object({ category: z.string().max(100).optional() }).loose()),
    }).loose(),
  ),
});

const VOID_ID = 255;
export const DAVIS_DEFAULT_FPS = 24;

export interface DavisOptions {
  fps?: number;
  /** Import only these videos (by folder name). */
  only?: string[];
  format?: VideoSource;
}

function listDir(dir: string, rel: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch (e) {
    throw new ImportError(rel, `cannot read folder (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
}

/** DAVIS ships JPEGImages/480p/<video>; YouTube-VOS and MOSE put videos directly under JPEGImages. */
function resolutionLevel(root: string): string {
  for (const level of ['480p', 'Full-Resolution']) {
    if (existsSync(path.join(root, 'JPEGImages', level)) && existsSync(path.join(root, 'Annotations', level))) return level;
  }
  return '';
}

/**
 * Plans the import of a DAVIS / YouTube-VOS / MOSE root: JPEGImages/<video>/<frame>.jpg and
 * Annotations/<video>/<frame>.png palette masks (value = object id, 0 background, 255 void; a
 * frame without a PNG is not annotated: key-frame masks import as sparse tracks), plus optional
 * meta.json with categories. Frame names are any names with a number, in natural order; a mask
 * belongs to the frame with its name. A PNG missing among dense ones, and ids that look like stray
 * palette indices, are warnings (report.ts).
 */
export async function planDavis(root: string, staged: StagedFiles, opts: DavisOptions = {}, progress: ImportProgress = () => {}): Promise<ImportPlan> {
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new ImportError('', `import folder ${root} does not exist`);
  const level = resolutionLevel(root);
  const jpegRoot = path.join(root, 'JPEGImages', level);
  const annRoot = path.join(root, 'Annotations', level);
  const relJ = path.posix.join('JPEGImages', level);
  const relA = path.posix.join('Annotations', level);
  if (!existsSync(jpegRoot)) throw new ImportError('JPEGImages', 'missing: expected JPEGImages/<video>/<frame>.jpg');
  if (!existsSync(annRoot)) throw new ImportError('Annotations', 'missing: expected Annotations/<video>/<frame>.png');

  const meta = await readMeta(root);
  // ImageSets lists (DAVIS) or the train/valid folder (YouTube-VOS, MOSE): a release keeps them (source-splits.ts).
  const splits = await davisSourceSplits(root);
  let names = listDir(jpegRoot, relJ).filter((n) => statSync(path.join(jpegRoot, n)).isDirectory());
  if (opts.only) {
    const missing = opts.only.filter((n) => !names.includes(n));
    if (missing.length) throw new ImportError(relJ, `no video folder named ${missing.join(', ')}`);
    names = names.filter((n) => opts.only!.includes(n));
  }
  if (names.length === 0) throw new ImportError(relJ, 'contains no video folders');

  // Scan first so the progress bar knows the total and name problems surface before any work.
  // Every video is checked, each problem recorded (errors.ts): one run names all of them.
  const problems = new ImportProblems();
  const scans: VideoScan[] = [];
  for (const video of names) {
    const scan = problems.checkSync(() => scanVideo(jpegRoot, relJ, video, problems));
    if (scan) scans.push(scan);
  }
  const total = scans.reduce((s, v) => s + v.frames.length, 0);
  let done = 0;
  const tick = (detail: string) => progress({ phase: 'frames', done: ++done, total, detail });

  const plan: ImportPlan = { format: opts.format ?? 'davis', source: path.basename(path.resolve(root)), videos: [], warnings: [] };
  for (const scan of scans) {
    const planned = await problems.check(() => planVideo(scan, { jpegRoot, annRoot, relJ, relA }, staged, meta, opts, tick, plan.warnings, problems));
    if (planned) plan.videos.push({ ...planned, sourceSplit: splits.of(planned.name) });
  }
  problems.throwIfAny();
  return plan;
}

interface VideoScan {
  video: string;
  frames: { file: string; name: string }[];
  ext: string;
}

/** A video's frame files in natural order; every badly named one is a problem of its own. */
function scanVideo(jpegRoot: string, relJ: string, video: string, problems: ImportProblems): VideoScan | undefined {
  checkName('video', video, `${relJ}/${video}`);
  const listed = listDir(path.join(jpegRoot, video), `${relJ}/${video}`)
    .filter((f) => /\.jpe?g$/i.test(f))
    .map((f) => ({ file: f, name: f.replace(/\.jpe?g$/i, '') }));
  const exts = new Set(listed.map((f) => f.file.slice(f.name.length)));
  if (exts.size > 1) throw new ImportError(`${relJ}/${video}`, `mixes frame extensions ${[...exts].join(', ')}`);
  const before = problems.count;
  for (const f of listed) {
    problems.checkSync(() => {
      checkName('frame', f.name, `${relJ}/${video}/${f.file}`);
      frameNumber(f.name, `${relJ}/${video}/${f.file}`);
    });
  }
  if (problems.count > before) return undefined;
  // The listing is in string order; tools name frames `frame_2 … frame_10` as often as `00002`.
  const frames = naturalOrder(listed, (f) => `${relJ}/${video}/${f.file}`);
  checkFrameSequence(
    frames.map((f) => f.name),
    `${relJ}/${video}`,
  );
  return { video, frames, ext: [...exts][0] ?? '.jpg' };
}

async function readMeta(root: string): Promise<z.infer<typeof MetaJson> | null> {
  const file = path.join(root, 'meta.json');
  if (!existsSync(file)) return null;
  let json: unknown;
  try {
    const text = await readFile(file, 'utf8');
    if (text.length > 64 * 1024 * 1024) throw new ImportError('meta.json', 'is larger than 64 MB');
    json = JSON.parse(text);
  } catch (e) {
    if (e instanceof ImportError) throw e;
    throw new ImportError('meta.json', `malformed JSON (${(e as Error).message})`);
  }
  const parsed = MetaJson.safeParse(json);
  if (!parsed.success) {
    throw structureErrors('meta.json', parsed.error.issues);
  }
  return parsed.data;
}

async function planVideo(
  scan: VideoScan,
  dirs: { jpegRoot: string; annRoot: string; relJ: string; relA: string },
  staged: StagedFiles,
  meta: z.infer<typeof MetaJson> | null,
  opts: DavisOptions,
  tick: (detail: string) => void,
  warnings: ImportWarning[],
  problems: ImportProblems,
): Promise<PlannedVideo | undefined> {
  const { video } = scan;
  const annDir = path.join(dirs.annRoot, video);
  const relAnn = `${dirs.relA}/${video}`;
  if (!existsSync(annDir)) throw new ImportError(relAnn, 'missing: every video needs its mask folder');
  const before = problems.count;
  const frameIndex = new Map(scan.frames.map((f, i) => [f.name, i]));
  // A mask belongs to the frame with the same name stem (frame_000003.png ↔ frame_000003.jpg).
  const stems = new Set<string>();
  const pngs: string[] = [];
  for (const p of listDir(annDir, relAnn).filter((f) => /\.png$/i.test(f))) {
    const stem = p.slice(0, -4);
    if (stems.has(stem)) problems.add(new ImportError(`${relAnn}/${p}`, `a second mask for frame ${stem}`));
    else if (!frameIndex.has(stem)) problems.add(new ImportError(`${relAnn}/${p}`, `mask has no frame ${stem}${scan.ext} in ${dirs.relJ}/${video}`));
    else pngs.push(p);
    stems.add(stem);
  }
  pngs.sort((a, b) => frameIndex.get(a.slice(0, -4))! - frameIndex.get(b.slice(0, -4))!);

  const { frames, width, height } = await storeFrames(
    staged,
    path.join(dirs.jpegRoot, video),
    `${dirs.relJ}/${video}`,
    scan.frames.map((f) => f.name),
    scan.ext,
    () => tick(video),
    problems,
  );

  const metaObjects = meta?.videos[video]?.objects;
  const masks = pngs.map((p) => ({ frameIdx: frameIndex.get(p.slice(0, -4))!, path: path.join(annDir, p), file: `${relAnn}/${p}` }));
  const objects = await paletteObjects(masks, width ? { width, height } : null, problems, metaObjects && { ids: metaObjects, video });
  if (problems.count > before) return undefined;
  if (objects.size === 0) throw new ImportError(relAnn, 'no object masks found (every pixel is background or void)');
  const sorted = [...objects.values()].sort((a, b) => a.localId - b.localId);
  const pngOfFrame = new Map(masks.map((m) => [m.frameIdx, path.basename(m.path)]));
  const annotated = [...pngOfFrame.keys()].sort((a, b) => a - b);
  warnings.push(...missingMaskWarnings(video, relAnn, scan.frames.map((f) => f.name), annotated));
  if (!metaObjects) {
    const tracks = sorted.map((o) => ({ localId: o.localId, pngs: o.masks.map((m) => pngOfFrame.get(m.frameIdx)!) }));
    warnings.push(...strayObjectWarnings(video, relAnn, annotated.length, tracks));
  }
  const planned = { name: video, width, height, frames, annotatedFrames: annotated.length, objects: sorted };
  return finishVideo(planned, opts.fps ?? DAVIS_DEFAULT_FPS);
}

/**
 * Objects of a video from its palette PNGs (pixel value = object id, 0 background, 255 void), one
 * PNG per annotated frame; every unreadable, mis-sized or (with meta.json) unknown-id file is a
 * problem of its own. `size` is the video's frame size (null: no frame was readable, so not checked).
 * Also the importer of video files (video-file.ts) reads its DAVIS-style mask folders with it.
 */
export async function paletteObjects(
  masks: readonly { frameIdx: number; path: string; file: string }[],
  size: { width: number; height: number } | null,
  problems: ImportProblems,
  known?: { ids: Record<string, { category?: string }>; video: string },
  tick: () => void = () => {},
): Promise<Map<number, PlannedObject>> {
  const objects = new Map<number, PlannedObject>();
  for (const m of masks) {
    await problems.check(async () => {
      let buf: Buffer;
      try {
        buf = await readFile(m.path);
      } catch (e) {
        throw new ImportError(m.file, `cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
      }
      const mask = readPaletteMask(buf, m.file);
      if (size && (mask.width !== size.width || mask.height !== size.height)) {
        throw new ImportError(m.file, `mask is ${mask.width}×${mask.height} but its frame is ${size.width}×${size.height}`);
      }
      const found = encodeLabels(mask.labels, mask.height, mask.width, { ignore: [VOID_ID] });
      if (known) {
        const unknown = [...found.keys()].filter((id) => !(String(id) in known.ids));
        if (unknown.length) throw new ImportError(m.file, `unknown object id ${unknown.join(', ')} (meta.json lists ${Object.keys(known.ids).join(', ') || 'none'} for ${known.video})`);
      }
      for (const [id, rle] of found) {
        let obj = objects.get(id);
        if (!obj) {
          obj = { localId: id, category: known?.ids[String(id)]?.category ?? null, sourceAnnoId: null, masks: [] };
          objects.set(id, obj);
        }
        obj.masks.push({ frameIdx: m.frameIdx, counts: rle.counts, area: rleArea(rle), bbox: rleBbox(rle) });
      }
    });
    tick();
  }
  return objects;
}
