/**
 * Reads an exported MeViS release the way the official loaders and evaluator do (MEVIS_FORMAT.md
 * §2-6) and lists everything that would make them crash, silently misread, or disagree with each
 * other. Test tooling: it JSON.parses whole files, fine for fixtures and small releases.
 * scripts/check-release.py runs the same checks with Python's json module, as the loaders do.
 *
 * The public release and the ground-truth package of its withheld splits are separate folders
 * (services/export/write.ts): the public one must hold no ground truth of valid/test at all, and
 * the withheld splits' targets and masks are checked only when the ground-truth package is given.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { decodeRle, paintRle, type Rle } from '#shared/rle/index.ts';

export const RELEASE_SPLITS = ['train', 'valid_u', 'valid', 'test'] as const;
// Only these ship mask_dict.json beside the frames; valid/test's is in the ground-truth package.
const DEFAULT_SPLITS_WITH_MASKS = ['train', 'valid_u'];
// A release with one systematic fault would otherwise produce a line per mask.
const MAX_PROBLEMS = 500;

export interface SplitCounts {
  videos: number;
  expressions: number;
  noTarget: number;
  masksDecoded: number;
}

interface Expression {
  exp: string;
  objIds?: number[];
  annoIds?: string[];
}
interface Video {
  frames: string[];
  expressions: Map<string, Expression>;
  /** Additive `objects` (obj_id → anno_id): every track of the video, also ones no expression names. */
  objects: Map<number, string>;
  /** Additive `frame_map` ({written: source}) of a video whose frames were renumbered. */
  frameMap?: unknown;
}
type Meta = Map<string, Video>;
type Say = (msg: string) => void;
interface Size {
  h: number;
  w: number;
}

export function checkReleaseLikeLoader(
  releaseDir: string,
  opts: { splitsWithMasks?: string[]; groundTruthDir?: string } = {},
): { splits: Record<string, SplitCounts>; problems: string[] } {
  const withMasks = new Set(opts.splitsWithMasks ?? DEFAULT_SPLITS_WITH_MASKS);
  const problems: string[] = [];
  let dropped = 0;
  const splits: Record<string, SplitCounts> = {};
  const annoSplit = new Map<string, string>();
  // The earlier one-folder layout: publishing it as it is leaks the withheld masks.
  if (existsSync(path.join(releaseDir, 'ground_truth'))) problems.push('release: ground_truth/ must not be in the public release (the ground truth of withheld splits is a package of its own)');
  for (const split of RELEASE_SPLITS) {
    if (!isDir(path.join(releaseDir, split))) continue;
    const say: Say = (msg) => {
      if (problems.length < MAX_PROBLEMS) problems.push(`${split}: ${msg}`);
      else dropped++;
    };
    splits[split] = checkSplit(releaseDir, split, withMasks.has(split), opts.groundTruthDir, annoSplit, say);
  }
  if (Object.keys(splits).length === 0) problems.push(`no split folder (${RELEASE_SPLITS.join(', ')}) in ${releaseDir}`);
  if (dropped > 0) problems.push(`... and ${dropped} more problems`);
  return { splits, problems };
}

function checkSplit(releaseDir: string, split: string, masksInSplit: boolean, groundTruthDir: string | undefined, annoSplit: Map<string, string>, say: Say): SplitCounts {
  const counts: SplitCounts = { videos: 0, expressions: 0, noTarget: 0, masksDecoded: 0 };
  const dir = path.join(releaseDir, split);
  const pub = readMeta(path.join(dir, 'meta_expressions.json'), 'meta_expressions.json', masksInSplit, say);
  checkV2Copy(dir, say);
  if (!pub) return counts;

  counts.videos = pub.size;
  const sizes = new Map<string, (Size | undefined)[]>();
  for (const [name, video] of pub) {
    counts.expressions += video.expressions.size;
    checkFrames(name, video.frames, say, video.frameMap);
    checkExpIds(name, video, say);
    sizes.set(name, readFrameSizes(dir, name, video.frames, say));
  }
  checkNoExtraVideos(dir, pub, say);

  let gt = pub;
  let gtDir = dir;
  if (!masksInSplit) {
    if (existsSync(path.join(dir, 'mask_dict.json'))) say(`mask_dict.json must not be in the public ${split} folder (it is the hidden ground truth)`);
    if (existsSync(path.join(releaseDir, 'tracking', split))) say(`tracking/${split} must not be in the public release (the boxes give the targets away)`);
    if (groundTruthDir === undefined) return counts;
    gtDir = path.join(groundTruthDir, split);
    const g = readMeta(path.join(gtDir, 'meta_expressions.json'), `ground truth ${split}/meta_expressions.json`, true, say);
    checkV2Copy(gtDir, say, `ground truth ${split}/`);
    if (!g) return counts;
    compareGroundTruth(pub, g, say);
    gt = g;
  }
  const label = masksInSplit ? 'mask_dict.json' : `ground truth ${split}/mask_dict.json`;
  const maskDict = readMaskDict(path.join(gtDir, 'mask_dict.json'), label, say);
  if (!maskDict) return counts;
  const annoVideo = checkExpressionIds(gt, maskDict, counts, say);
  checkTracks(split, gt, maskDict, annoVideo, sizes, annoSplit, counts, say);
  return counts;
}

function readJson(file: string, label: string, say: Say): unknown {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    say(`${label} is missing`);
    return undefined;
  }
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    say(`${label} does not parse: ${(e as Error).message}`);
    return undefined;
  }
}

function readMeta(file: string, label: string, needIds: boolean, say: Say): Meta | undefined {
  const root = readJson(file, label, say);
  if (root === undefined) return undefined;
  const videos = isRecord(root) ? root.videos : undefined;
  if (!isRecord(videos)) {
    say(`${label} has no "videos" object`);
    return undefined;
  }
  const meta: Meta = new Map();
  for (const [name, v] of Object.entries(videos)) {
    const where = `${label} video ${name}`;
    if (!isRecord(v) || !isStringArray(v.frames) || !isRecord(v.expressions)) {
      say(`${where}: expected {frames: string[], expressions: {...}}`);
      continue;
    }
    const expressions = new Map<string, Expression>();
    for (const [id, e] of Object.entries(v.expressions)) {
      if (!isRecord(e) || typeof e.exp !== 'string') {
        say(`${where} exp ${id}: expected {exp: string, obj_id, anno_id}`);
        continue;
      }
      const expr: Expression = { exp: e.exp };
      // The public valid/test copy may leave the ids out; the ground-truth copy may not.
      if (needIds || e.obj_id !== undefined) {
        if (Array.isArray(e.obj_id) && e.obj_id.every((x) => Number.isInteger(x))) expr.objIds = e.obj_id as number[];
        else say(`${where} exp ${id}: obj_id must be an array of integers, got ${JSON.stringify(e.obj_id)}`);
      }
      if (needIds || e.anno_id !== undefined) {
        if (isStringArray(e.anno_id)) expr.annoIds = e.anno_id;
        else say(`${where} exp ${id}: anno_id must be an array of strings, got ${JSON.stringify(e.anno_id)}`);
      }
      expressions.set(id, expr);
    }
    const objects = new Map<number, string>();
    if (v.objects !== undefined) {
      if (isRecord(v.objects) && Object.entries(v.objects).every(([k, a]) => /^[0-9]+$/.test(k) && typeof a === 'string')) {
        for (const [k, a] of Object.entries(v.objects)) objects.set(Number(k), a as string);
      } else say(`${where}: objects must map obj_id to anno_id strings`);
    }
    meta.set(name, { frames: v.frames, expressions, objects, ...(v.frame_map !== undefined ? { frameMap: v.frame_map } : {}) });
  }
  return meta;
}

function checkV2Copy(dir: string, say: Say, where = ''): void {
  const v1 = readBytes(path.join(dir, 'meta_expressions.json'));
  const v2 = readBytes(path.join(dir, 'meta_expressions_v2.json'));
  if (!v2) say(`${where}meta_expressions_v2.json is missing`);
  else if (v1 && !v1.equals(v2)) say(`${where}meta_expressions_v2.json differs from meta_expressions.json (must be a byte-identical copy)`);
}

function checkFrames(video: string, frames: string[], say: Say, frameMap?: unknown): void {
  // The train loader silently drops such videos, so their expressions would never be seen.
  if (frames.length < 2) say(`${video}: has ${frames.length} frame(s); the official train loader skips videos with fewer than 2`);
  // Source names are kept when the tools read them as they are (YouTube-VOS strides: 00000, 00005, …).
  const bad = frames.find((f) => !/^[A-Za-z0-9_-]{1,64}$/.test(f));
  if (bad !== undefined) say(`${video}: frame name "${bad}" is not a plain file name (letters, digits, "_", "-")`);
  // Loaders index mask_dict by the sorted position, the evaluator by the stored one.
  else if (frames.some((f, i) => i > 0 && frames[i - 1] >= f)) say(`${video}: frames are not sorted strictly ascending`);
  else if (frames.length > 0 && frames[0] !== '00000') say(`${video}: frames start at "${frames[0]}" but must start at "00000" (the evaluator reads 00000.png)`);
  else if (frameMap !== undefined) {
    // Renumbered frames: 00000, 00001, …, each traced to its source name.
    const gap = frames.findIndex((f, i) => f !== frameName(i));
    if (gap >= 0) say(`${video}: renumbered frames are not consecutive: "${frames[gap]}" at position ${gap}`);
    const ok = isRecord(frameMap) && Object.keys(frameMap).join('/') === frames.join('/') && Object.values(frameMap).every((s) => typeof s === 'string' && s.length > 0);
    if (!ok) say(`${video}: frame_map must map every listed frame, in order, to its source frame name`);
  }
}

function checkExpIds(video: string, v: Video, say: Say): void {
  // Integer-like keys come first and ascending in a JS object, so this is a set comparison.
  const ids = [...v.expressions.keys()];
  if (ids.some((id, i) => id !== String(i))) say(`${video}: expression ids must be "0", "1", … consecutive, got ${JSON.stringify(ids)}`);
}

function readFrameSizes(dir: string, video: string, frames: string[], say: Say): (Size | undefined)[] {
  if (!isDir(path.join(dir, 'JPEGImages', video))) {
    say(`JPEGImages/${video}/ is missing`);
    return [];
  }
  return frames.map((f) => {
    const rel = `JPEGImages/${video}/${f}.jpg`;
    const buf = readBytes(path.join(dir, rel));
    if (!buf) {
      say(`${rel} is missing`);
      return undefined;
    }
    const size = jpegSize(buf);
    if (typeof size === 'string') {
      say(`${rel} ${size}`);
      return undefined;
    }
    return size;
  });
}

function checkNoExtraVideos(dir: string, meta: Meta, say: Say): void {
  const jpegDir = path.join(dir, 'JPEGImages');
  if (!isDir(jpegDir)) return;
  const extra = readdirSync(jpegDir).filter((name) => !meta.has(name));
  if (extra.length > 0) say(`JPEGImages has ${extra.length} folder(s) not listed in meta_expressions.json: ${extra.slice(0, 5).join(', ')}`);
}

function compareGroundTruth(pub: Meta, gt: Meta, say: Say): void {
  const where = 'ground truth meta_expressions.json';
  const pubNames = [...pub.keys()].sort().join(',');
  if (pubNames !== [...gt.keys()].sort().join(',')) say(`${where} lists other videos than the public one`);
  for (const [name, p] of pub) {
    const g = gt.get(name);
    if (!g) continue;
    if (p.frames.join(',') !== g.frames.join(',')) say(`${where} video ${name}: frames differ from the public copy`);
    for (const [id, pe] of p.expressions) {
      const ge = g.expressions.get(id);
      if (!ge || ge.exp !== pe.exp) say(`${where} video ${name} exp ${id}: missing or its text differs from the public copy`);
      else if ((pe.objIds && !sameList(pe.objIds, ge.objIds)) || (pe.annoIds && !sameList(pe.annoIds, ge.annoIds))) {
        say(`${where} video ${name} exp ${id}: obj_id/anno_id differ from the public copy`);
      }
    }
    if (g.expressions.size !== p.expressions.size) say(`${where} video ${name}: has ${g.expressions.size} expressions, the public copy ${p.expressions.size}`);
  }
}

function readMaskDict(file: string, label: string, say: Say): Map<string, unknown> | undefined {
  const root = readJson(file, label, say);
  if (root === undefined) return undefined;
  if (!isRecord(root)) {
    say(`${label} must be an object {anno_id: [rle | null, …]}`);
    return undefined;
  }
  return new Map(Object.entries(root));
}

/** Checks obj_id/anno_id of every expression; returns which video each referenced anno_id belongs to. */
function checkExpressionIds(gt: Meta, maskDict: Map<string, unknown>, counts: SplitCounts, say: Say): Map<string, string> {
  const annoVideo = new Map<string, string>();
  for (const [name, video] of gt) {
    const objAnno = new Map(video.objects);
    for (const anno of video.objects.values()) {
      if (!maskDict.has(anno)) say(`${name} objects: anno_id "${anno}" is not a key of mask_dict.json`);
      const owner = annoVideo.get(anno);
      if (owner !== undefined && owner !== name) say(`anno_id "${anno}" is used by both ${owner} and ${name}`);
      else annoVideo.set(anno, name);
    }
    for (const [id, e] of video.expressions) {
      const { objIds, annoIds } = e;
      if (!objIds || !annoIds) continue;
      const where = `${name} exp ${id}`;
      if (objIds.length === 0) {
        counts.noTarget++;
        if (annoIds.length > 0) say(`${where}: no-target expression (empty obj_id) has anno_id ${JSON.stringify(annoIds)}`);
        continue;
      }
      // DsHmp keys referents by the concatenated obj_ids, so order must be canonical.
      if (objIds.some((o, i) => i > 0 && objIds[i - 1] >= o)) say(`${where}: obj_id ${JSON.stringify(objIds)} is not sorted ascending without duplicates`);
      if (annoIds.length !== objIds.length) say(`${where}: anno_id has ${annoIds.length} entries but obj_id has ${objIds.length}`);
      annoIds.forEach((anno, i) => {
        if (!maskDict.has(anno)) say(`${where}: anno_id "${anno}" is not a key of mask_dict.json`);
        const owner = annoVideo.get(anno);
        if (owner !== undefined && owner !== name) say(`anno_id "${anno}" is used by both ${owner} and ${name}`);
        else annoVideo.set(anno, name);
        const obj = objIds[i];
        const prev = obj === undefined ? undefined : objAnno.get(obj);
        if (prev !== undefined && prev !== anno) say(`${name}: obj_id ${obj} is paired with anno_id "${prev}" and "${anno}"`);
        else if (obj !== undefined) objAnno.set(obj, anno);
      });
    }
  }
  return annoVideo;
}

function checkTracks(
  split: string,
  gt: Meta,
  maskDict: Map<string, unknown>,
  annoVideo: Map<string, string>,
  sizes: Map<string, (Size | undefined)[]>,
  annoSplit: Map<string, string>,
  counts: SplitCounts,
  say: Say,
): void {
  for (const [anno, track] of maskDict) {
    const other = annoSplit.get(anno);
    if (other !== undefined) say(`mask_dict key "${anno}" is also in ${other}'s mask_dict (anno ids must be unique across the release)`);
    else annoSplit.set(anno, split);
    const where = `mask_dict["${anno}"]`;
    if (!Array.isArray(track)) {
      say(`${where} must be an array of per-frame RLEs, got ${describe(track)}`);
      continue;
    }
    const video = annoVideo.get(anno);
    // Without a referencing video the track length and frame sizes cannot be checked.
    if (video === undefined) say(`${where} is not referenced by any expression or video objects list`);
    const frames = video === undefined ? undefined : gt.get(video)?.frames;
    if (frames && track.length !== frames.length) say(`${where} has ${track.length} entries but ${video} has ${frames.length} frames`);
    const frameSizes = video === undefined ? undefined : sizes.get(video);
    track.forEach((entry: unknown, i) => {
      if (entry !== null && checkEntry(entry, `${where}[${i}]`, frameSizes?.[i], say)) counts.masksDecoded++;
    });
  }
}

function checkEntry(entry: unknown, where: string, frame: Size | undefined, say: Say): boolean {
  if (!isRecord(entry)) {
    say(`${where} must be null or {size: [h, w], counts: string}, got ${describe(entry)}`);
    return false;
  }
  try {
    decodeRle(entry as unknown as Rle);
  } catch (e) {
    say(`${where} does not decode: ${(e as Error).message}`);
    return false;
  }
  const [h, w] = (entry as unknown as Rle).size;
  if (frame && (frame.h !== h || frame.w !== w)) say(`${where} has size [${h}, ${w}] but its JPEG is ${frame.w}×${frame.h} (w×h)`);
  return true;
}

/**
 * The ground truth of one expression on one frame, built as the official evaluator builds it: the
 * union of its anno_id tracks at the frame's position in the sorted `frames`, all zeros for a
 * no-target expression. Row-major (index y*w+x), not COCO's column-major order: the repo's codec
 * converts while decoding, so the result compares directly with a decoded source PNG.
 * null when the video, expression or frame does not exist; throws where the official code crashes.
 * A withheld split's ground truth is read from `groundTruthDir` (the release's ground-truth package).
 */
export function loadMaskLikeLoader(releaseDir: string, split: string, video: string, expId: string, frameIdx: number, groundTruthDir?: string): Uint8Array | null {
  const splitDir = path.join(releaseDir, split);
  const inSplit = existsSync(path.join(splitDir, 'mask_dict.json'));
  if (!inSplit && groundTruthDir === undefined) throw new Error(`${split} has no mask_dict.json in the release: pass its ground-truth package`);
  const gtDir = inSplit ? splitDir : path.join(groundTruthDir!, split);
  type LoaderMeta = { videos: Record<string, { frames: string[]; expressions: Record<string, { anno_id?: unknown[] }> } | undefined> };
  const meta = JSON.parse(readFileSync(path.join(gtDir, 'meta_expressions.json'), 'utf8')) as LoaderMeta;
  const vid = meta.videos[video];
  const exp = vid?.expressions[expId];
  if (!vid || !exp) return null;
  const frame = [...vid.frames].sort()[frameIdx];
  if (frame === undefined) return null;
  const size = jpegSize(readFileSync(path.join(splitDir, 'JPEGImages', video, `${frame}.jpg`)));
  if (typeof size === 'string') throw new Error(`${video}/${frame}.jpg ${size}`);
  const out = new Uint8Array(size.h * size.w);
  const annoIds = (exp.anno_id ?? []).map(String);
  if (annoIds.length === 0) return out;
  const maskDict = JSON.parse(readFileSync(path.join(gtDir, 'mask_dict.json'), 'utf8')) as Record<string, (Rle | null)[] | undefined>;
  for (const anno of annoIds) {
    const track = maskDict[anno];
    if (!track) throw new Error(`anno_id "${anno}" is not in mask_dict.json (the evaluator raises KeyError)`);
    const rle = track[frameIdx];
    if (rle) paintRle(rle, out, 1);
  }
  return out;
}

/** {h, w} from the JPEG frame header, or why it could not be read. */
export function jpegSize(buf: Buffer): Size | string {
  if (buf.length < 4 || buf[0] !== 0xff || buf[1] !== 0xd8) return 'does not start with the JPEG SOI bytes FF D8';
  let p = 2;
  while (p + 4 <= buf.length) {
    if (buf[p] !== 0xff) return `has no JPEG marker at byte ${p}`;
    const marker = buf[p + 1];
    if (marker === 0xff) {
      p++; // fill byte
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd8)) {
      p += 2; // markers without a length field
      continue;
    }
    if (marker === 0xd9 || marker === 0xda) break;
    // Baseline, extended and progressive are what PIL/libjpeg-based loaders decode everywhere.
    if (marker === 0xc0 || marker === 0xc1 || marker === 0xc2) {
      if (p + 9 > buf.length) break;
      return { h: buf.readUInt16BE(p + 5), w: buf.readUInt16BE(p + 7) };
    }
    if (marker >= 0xc3 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return `uses an unsupported JPEG coding (SOF marker 0x${marker.toString(16)})`;
    }
    p += 2 + buf.readUInt16BE(p + 2);
  }
  return 'has no SOF0/SOF2 frame header before the image data';
}

function frameName(i: number): string {
  return String(i).padStart(5, '0');
}

function readBytes(file: string): Buffer | undefined {
  try {
    return readFileSync(file);
  } catch {
    return undefined;
  }
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'string');
}

function sameList(a: readonly unknown[], b: readonly unknown[] | undefined): boolean {
  return b !== undefined && a.length === b.length && a.every((x, i) => x === b[i]);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  return Array.isArray(v) ? 'an array' : typeof v;
}
