import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { ImportError, type ImportProblems } from './errors.ts';
import { VIDEO_FILE } from './layout.ts';
import { checkFrameSequence, checkName, naturalOrder } from './names.ts';

/**
 * The layout of an import of video files, found by layout.ts when a folder holds `*.mp4`,
 * `*.webm` or `*.mov` at its top level:
 *
 *   <root>/cars.mp4                  a video (MP4, MOV or WebM; checked by content with ffprobe)
 *   <root>/cars/00000.png …          its masks, one PNG per frame in natural order: DAVIS-style
 *                                    palette PNGs (pixel value = object id, 0 background, 255 void)
 *   <root>/cars/1/00000.png …        … or one folder per object (folder name = object id), holding a
 *                                    binary PNG per frame (not zero = the object)
 *   <root>/dogs.webm
 *   <root>/dogs.mask_dict.json       … or MeViS-style tracks: { "<anno_id>": [COCO RLE or null per frame] }
 *
 * The i-th mask (in natural order of the names) belongs to the i-th extracted frame, so there must
 * be exactly as many as ffmpeg extracts (video-file.ts checks it). Every problem of the layout is
 * collected: two videos with one name, a video without masks or with two kinds, masks without a
 * video, badly named or gapped mask sequences.
 */

export type MaskSource =
  | { kind: 'palette'; rel: string; files: MaskFile[] }
  | { kind: 'objects'; rel: string; objects: { id: number; rel: string; files: MaskFile[] }[] }
  | { kind: 'dict'; rel: string; path: string };

export interface MaskFile {
  /** Absolute path. */
  path: string;
  /** Relative to the import root, as errors name it. */
  rel: string;
}

export interface VideoFileEntry {
  /** The video's name: the file name without its extension. */
  name: string;
  path: string;
  rel: string;
  masks: MaskSource;
}

export const MASK_DICT_SUFFIX = '.mask_dict.json';
/** Object folders are named by their id, as palette indices are: 1 to 9999. */
const OBJECT_DIR = /^[1-9][0-9]{0,3}$/;

async function kindOf(p: string): Promise<'file' | 'dir' | null> {
  try {
    const s = await stat(p);
    return s.isFile() ? 'file' : s.isDirectory() ? 'dir' : null;
  } catch {
    return null;
  }
}

async function list(dir: string, rel: string): Promise<{ name: string; kind: 'file' | 'dir' | null }[]> {
  let names: string[];
  try {
    names = (await readdir(dir)).filter((n) => !n.startsWith('.') && n !== '__MACOSX');
  } catch (e) {
    throw new ImportError(rel, `cannot read folder (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  names.sort();
  return Promise.all(names.map(async (name) => ({ name, kind: await kindOf(path.join(dir, name)) })));
}

/** The videos of `root` and their masks; every layout problem goes to `problems` (the video is then left out). */
export async function scanVideoFolder(root: string, problems: ImportProblems): Promise<VideoFileEntry[]> {
  const entries = await list(root, '');
  const videos = new Map<string, string[]>();
  const dirs = new Set<string>();
  const dicts = new Set<string>();
  for (const e of entries) {
    if (e.kind === 'file' && VIDEO_FILE.test(e.name)) {
      const stem = e.name.replace(VIDEO_FILE, '');
      videos.set(stem, [...(videos.get(stem) ?? []), e.name]);
    } else if (e.kind === 'file' && e.name.endsWith(MASK_DICT_SUFFIX)) dicts.add(e.name.slice(0, -MASK_DICT_SUFFIX.length));
    else if (e.kind === 'dir') dirs.add(e.name);
  }
  const found: VideoFileEntry[] = [];
  for (const [name, files] of videos) {
    const rel = files[0]!;
    const entry = await problems.check(async () => {
      if (files.length > 1) throw new ImportError(files.join(', '), `two videos named ${name}; keep one`);
      checkName('video', name, rel);
      const hasDir = dirs.has(name);
      const hasDict = dicts.has(name);
      if (hasDir && hasDict) throw new ImportError(rel, `has both masks ${name}/ and ${name}${MASK_DICT_SUFFIX}; keep one`);
      if (!hasDir && !hasDict) throw new ImportError(rel, `has no masks: expected a folder ${name}/ with a mask PNG per frame, or ${name}${MASK_DICT_SUFFIX} beside it`);
      const masks: MaskSource | undefined = hasDict
        ? { kind: 'dict', rel: `${name}${MASK_DICT_SUFFIX}`, path: path.join(root, `${name}${MASK_DICT_SUFFIX}`) }
        : await scanMaskFolder(path.join(root, name), name, problems);
      return masks && { name, path: path.join(root, rel), rel, masks };
    });
    if (entry) found.push(entry);
  }
  const expected = (n: string) => `expected ${n}.mp4, ${n}.webm or ${n}.mov beside it`;
  for (const d of dirs) if (!videos.has(d)) problems.add(new ImportError(`${d}/`, `a mask folder with no video (${expected(d)})`));
  for (const d of dicts) if (!videos.has(d)) problems.add(new ImportError(`${d}${MASK_DICT_SUFFIX}`, `masks with no video (${expected(d)})`));
  return found;
}

/**
 * `<video>/`: palette PNGs, or one folder per object of binary PNGs, each sequence in natural
 * order and evenly numbered (a gap means a lost mask, which would shift every later one against
 * its frame). Undefined when it has a problem (recorded).
 */
async function scanMaskFolder(dir: string, rel: string, problems: ImportProblems): Promise<MaskSource | undefined> {
  const entries = await list(dir, `${rel}/`);
  const pngs = entries.filter((e) => e.kind === 'file' && /\.png$/i.test(e.name));
  const subdirs = entries.filter((e) => e.kind === 'dir');
  if (pngs.length && subdirs.length) throw new ImportError(`${rel}/`, 'mixes mask PNGs and object folders; use one or the other');
  if (pngs.length) {
    const files = sequence(dir, rel, pngs.map((e) => e.name), problems);
    return files && { kind: 'palette', rel: `${rel}/`, files };
  }
  if (subdirs.length === 0) throw new ImportError(`${rel}/`, 'holds no mask PNGs (expected one per frame, or a folder per object)');
  const before = problems.count;
  const objects: { id: number; rel: string; files: MaskFile[] }[] = [];
  for (const sub of subdirs) {
    const orel = `${rel}/${sub.name}`;
    if (!OBJECT_DIR.test(sub.name)) {
      problems.add(new ImportError(`${orel}/`, 'an object folder must be named by the object id (1 to 9999)'));
      continue;
    }
    const names = (await list(path.join(dir, sub.name), `${orel}/`)).filter((e) => e.kind === 'file' && /\.png$/i.test(e.name)).map((e) => e.name);
    if (names.length === 0) {
      problems.add(new ImportError(`${orel}/`, 'holds no mask PNGs'));
      continue;
    }
    const files = sequence(path.join(dir, sub.name), orel, names, problems);
    if (files) objects.push({ id: Number(sub.name), rel: `${orel}/`, files });
  }
  if (problems.count > before) return undefined;
  objects.sort((a, b) => a.id - b.id);
  return { kind: 'objects', rel: `${rel}/`, objects };
}

/** Mask files in natural order, checked to be a sequence like frames are (names.ts). */
function sequence(dir: string, rel: string, names: string[], problems: ImportProblems): MaskFile[] | undefined {
  return problems.checkSync(() => {
    const listed = names.map((file) => ({ file, name: file.slice(0, -4) }));
    const ordered = naturalOrder(listed, (f) => `${rel}/${f.file}`);
    checkFrameSequence(
      ordered.map((f) => f.name),
      `${rel}/`,
    );
    return ordered.map((f) => ({ path: path.join(dir, f.file), rel: `${rel}/${f.file}` }));
  });
}
