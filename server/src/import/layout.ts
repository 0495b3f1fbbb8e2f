import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { ImportError } from './errors.ts';

export type LayoutFormat = 'davis' | 'mevis';

const MEVIS_MARKERS = ['meta_expressions.json', 'meta_expressions_v2.json'];
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

/** Which importer reads this folder as it is: a MeViS split (meta_expressions.json) or a DAVIS-layout root. */
export async function layoutOf(dir: string): Promise<LayoutFormat | null> {
  for (const m of MEVIS_MARKERS) if (await exists(path.join(dir, m), false)) return 'mevis';
  if ((await exists(path.join(dir, 'JPEGImages'), true)) && (await exists(path.join(dir, 'Annotations'), true))) return 'davis';
  return null;
}

/**
 * The folder the importer should read, and its format: `dir` itself, or the one folder inside it
 * (archives usually wrap the dataset in a top folder: `davis2017/JPEGImages/…`), up to three
 * levels down. With a format given, only its layout counts.
 */
export async function findImportRoot(dir: string, format: 'auto' | LayoutFormat): Promise<{ dir: string; format: LayoutFormat }> {
  let at = dir;
  for (let depth = 0; depth <= MAX_DEPTH; depth++) {
    const found = await layoutOf(at);
    if (found && (format === 'auto' || format === found)) return { dir: at, format: found };
    // A DAVIS root also passes as MeViS when it holds a meta_expressions.json; the chosen format wins.
    if (found && format === 'davis' && (await exists(path.join(at, 'JPEGImages'), true)) && (await exists(path.join(at, 'Annotations'), true))) return { dir: at, format };
    const subdirs = (await readdir(at, { withFileTypes: true })).filter((e) => e.isDirectory() && !e.name.startsWith('.') && e.name !== '__MACOSX');
    if (subdirs.length !== 1) break;
    at = path.join(at, subdirs[0]!.name);
  }
  const want =
    format === 'mevis'
      ? 'a MeViS split (meta_expressions.json, mask_dict.json and JPEGImages/)'
      : format === 'davis'
        ? 'a DAVIS / YouTube-VOS / MOSE layout (JPEGImages/ and Annotations/)'
        : 'a DAVIS / YouTube-VOS / MOSE layout (JPEGImages/ and Annotations/) or a MeViS split (meta_expressions.json)';
  throw new ImportError('', `nothing to import: expected ${want} at the top or inside a single top folder`);
}
