import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { ImportError } from './errors.ts';

export type LayoutFormat = 'davis' | 'mevis' | 'video';

const MEVIS_MARKERS = ['meta_expressions.json', 'meta_expressions_v2.json'];
/** Video files the video-file importer reads (video-file.ts), by name; their content is checked by ffprobe. */
export const VIDEO_FILE = /\.(mp4|webm|mov)$/i;
/** Folders an archive's top level is allowed to hold around the dataset (a top folder, and how deep). */
const MAX_DEPTH = 3;

const exists = async (p: string, dir: boolean) => {
  try {
    const s = await stat(p);
    return dir ? s.isDirectory() : s.isFile();
  } catch {
    return false;
  }
};

/**
 * Every layout an importer could read this folder as, in the order auto-detection prefers them:
 * a MeViS split (meta_expressions.json), a DAVIS-layout root (JPEGImages/ and Annotations/), a
 * folder of video files (`<name>.mp4|.webm|.mov` at its top level, video-file.ts).
 */
export async function layoutsOf(dir: string): Promise<LayoutFormat[]> {
  const found: LayoutFormat[] = [];
  for (const m of MEVIS_MARKERS) {
    if (await exists(path.join(dir, m), false)) {
      found.push('mevis');
      break;
    }
  }
  if ((await exists(path.join(dir, 'JPEGImages'), true)) && (await exists(path.join(dir, 'Annotations'), true))) found.push('davis');
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  if (entries.some((e) => !e.name.startsWith('.') && VIDEO_FILE.test(e.name) && (e.isFile() || e.isSymbolicLink()))) found.push('video');
  return found;
}

/** Which importer reads this folder as it is (the first of layoutsOf), or null. */
export async function layoutOf(dir: string): Promise<LayoutFormat | null> {
  return (await layoutsOf(dir))[0] ?? null;
}

/**
 * The folder the importer should read, and its format: `dir` itself, or the one folder inside it
 * (archives usually wrap the dataset in a top folder: `davis2017/JPEGImages/…`), up to three
 * levels down. With a format given, only its layout counts (a DAVIS root holding a
 * meta_expressions.json is still read as DAVIS when DAVIS is chosen).
 */
export async function findImportRoot(dir: string, format: 'auto' | LayoutFormat): Promise<{ dir: string; format: LayoutFormat }> {
  let at = dir;
  for (let depth = 0; depth <= MAX_DEPTH; depth++) {
    const found = await layoutsOf(at);
    const pick = format === 'auto' ? found[0] : found.find((f) => f === format);
    if (pick) return { dir: at, format: pick };
    const subdirs = (await readdir(at, { withFileTypes: true })).filter((e) => e.isDirectory() && !e.name.startsWith('.') && e.name !== '__MACOSX');
    if (subdirs.length !== 1) break;
    at = path.join(at, subdirs[0]!.name);
  }
  const layouts: Record<LayoutFormat, string> = {
    mevis: 'a MeViS split (meta_expressions.json, mask_dict.json and JPEGImages/)',
    davis: 'a DAVIS / YouTube-VOS / MOSE layout (JPEGImages/ and Annotations/)',
    video: 'video files (<name>.mp4, .webm or .mov, each with a <name>/ folder of mask PNGs or a <name>.mask_dict.json)',
  };
  const want = format === 'auto' ? `${layouts.davis}, ${layouts.video} or ${layouts.mevis}` : layouts[format];
  throw new ImportError('', `nothing to import: expected ${want} at the top or inside a single top folder`);
}
