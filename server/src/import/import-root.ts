import { readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import { ImportError } from './errors.ts';
import { layoutOf, type LayoutFormat } from './layout.ts';

/**
 * IMPORT_ROOT: the one folder on the server whose subfolders admins may import from the browser.
 * Nothing outside it is ever read or listed: paths are relative names only (no `..`, nothing
 * absolute), and every path is resolved to its real path (symbolic links followed) and must
 * still lie inside the real IMPORT_ROOT. Links inside a chosen folder that lead out of it refuse
 * the import (checkLinksStayInside).
 */

/** `rel` as plain names (refused: absolute, `..`, NUL); '' and '.' are IMPORT_ROOT itself. */
export function relativeSegments(rel: string): string[] {
  if (rel.includes('\0')) throw new ImportError('', 'a folder name cannot hold a NUL character');
  const norm = rel.replaceAll('\\', '/');
  if (norm.startsWith('/') || /^[A-Za-z]:/.test(norm)) throw new ImportError(rel.slice(0, 200), 'must be a folder under IMPORT_ROOT, given relative to it (not an absolute path)');
  const segments = norm.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) throw new ImportError(rel.slice(0, 200), 'must be a folder under IMPORT_ROOT (".." is not accepted)');
  return segments;
}

const inside = (realRoot: string, real: string) => {
  const r = path.relative(realRoot, real);
  return r === '' || (!r.startsWith('..') && !path.isAbsolute(r));
};

/** The real path of a folder under IMPORT_ROOT, refused when it is missing, not a folder, or (through links) outside. */
export async function resolveImportFolder(root: string, rel: string): Promise<{ real: string; rel: string; realRoot: string }> {
  const segments = relativeSegments(rel);
  const shown = segments.join('/');
  let realRoot: string;
  try {
    realRoot = await realpath(root);
  } catch {
    throw new ImportError('', 'IMPORT_ROOT does not exist on the server');
  }
  let real: string;
  try {
    real = await realpath(path.join(realRoot, ...segments));
  } catch {
    throw new ImportError(shown, 'no such folder under IMPORT_ROOT');
  }
  if (!inside(realRoot, real)) throw new ImportError(shown, 'is a link to outside IMPORT_ROOT');
  if (!(await stat(real)).isDirectory()) throw new ImportError(shown, 'is not a folder');
  return { real, rel: shown, realRoot };
}

export interface FolderEntry {
  name: string;
  layout: LayoutFormat | null;
}

const LISTED = 500;

/**
 * The folders directly under a folder of IMPORT_ROOT, by name (never a path), each with the
 * layout the importer would find in it; hidden folders and links leading outside are left out.
 */
export async function listImportFolders(root: string, under: string): Promise<{ under: string; folders: FolderEntry[]; more: boolean }> {
  const { real, rel, realRoot } = await resolveImportFolder(root, under);
  const names: string[] = [];
  for (const e of await readdir(real, { withFileTypes: true })) {
    if (e.name.startsWith('.')) continue;
    if (e.isDirectory()) names.push(e.name);
    else if (e.isSymbolicLink()) {
      const target = await realpath(path.join(real, e.name)).catch(() => null);
      if (target && inside(realRoot, target) && (await stat(target)).isDirectory()) names.push(e.name);
    }
  }
  names.sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
  const folders: FolderEntry[] = [];
  for (const name of names.slice(0, LISTED)) folders.push({ name, layout: await layoutOf(path.join(real, name)) });
  return { under: rel, folders, more: names.length > LISTED };
}

/**
 * Walks a chosen folder (asynchronously, following links that stay inside, each real folder
 * once) and refuses the import at the first link that leads outside IMPORT_ROOT: the importer
 * follows links, so one `JPEGImages/v -> /etc` would read files the admin may not see.
 */
export async function checkLinksStayInside(realRoot: string, dir: string, opts: { signal?: AbortSignal; onEntries?: (n: number) => void } = {}): Promise<number> {
  const seen = new Set<string>();
  const stack = [dir];
  let entries = 0;
  while (stack.length) {
    const at = stack.pop()!;
    if (seen.has(at)) continue;
    seen.add(at);
    if (opts.signal?.aborted) throw opts.signal.reason;
    for (const e of await readdir(at, { withFileTypes: true })) {
      entries++;
      const p = path.join(at, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (e.isSymbolicLink()) {
        const target = await realpath(p).catch(() => null);
        const rel = path.relative(realRoot, p);
        if (!target) throw new ImportError(rel, 'is a broken link');
        if (!inside(realRoot, target)) throw new ImportError(rel, 'is a link to outside IMPORT_ROOT');
        if ((await stat(target)).isDirectory()) stack.push(target);
      }
    }
    opts.onEntries?.(entries);
  }
  return entries;
}
