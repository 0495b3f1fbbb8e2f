import { copyFileSync, constants, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { App } from '../app.ts';
import { FileStore } from '../store/file-store.ts';

export interface StoreManifestEntry {
  sha256: string;
  bytes: number;
}

/** Every content hash the database points at: frames, clips and the uploads they came from. */
function referencedHashes(sqlite: Database.Database): string[] {
  const rows = sqlite
    .prepare<[], { h: string }>(
      `select sha256 as h from frames union select sha256 from recordings union select original_sha256 from recordings where original_sha256 is not null order by 1`,
    )
    .all();
  return rows.map((r) => r.h);
}

/**
 * A consistent online copy: SQLite's backup API copies the database page by page while the server
 * keeps writing (each step sees one committed state), and the manifest lists every store file the
 * copy refers to. With `withStore` the store files are copied too (hard links when possible: they
 * are immutable, named by their hash). Written to `<dir>.partial` first, renamed when complete.
 */
export async function backup(app: App, dir: string, opts: { withStore?: boolean; onProgress?: (done: number, total: number) => void } = {}): Promise<{ dbBytes: number; files: number; copied: number }> {
  const target = path.resolve(dir);
  if (existsSync(target) && readdirSync(target).length > 0) throw new Error(`${target} is not empty: a backup goes into a new or empty folder`);
  const tmp = `${target}.partial`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    const dbCopy = path.join(tmp, 'studio.db');
    await app.sqlite.backup(dbCopy, { progress: ({ totalPages, remainingPages }) => (opts.onProgress?.(totalPages - remainingPages, totalPages), 200) });
    // The manifest comes from the copy, not the live database: it must match what was saved.
    const copy = new Database(dbCopy, { readonly: true });
    const hashes = referencedHashes(copy);
    copy.close();
    const manifest: StoreManifestEntry[] = [];
    let copied = 0;
    for (const sha256 of hashes) {
      const src = app.store.pathOf(sha256);
      if (!existsSync(src)) throw new Error(`the store lacks ${sha256}, which the database refers to; run a store check before backing up`);
      manifest.push({ sha256, bytes: statSync(src).size });
      if (opts.withStore) {
        const dst = path.join(tmp, 'store', sha256.slice(0, 2), sha256.slice(2, 4), sha256);
        mkdirSync(path.dirname(dst), { recursive: true });
        copyFileSync(src, dst, constants.COPYFILE_FICLONE);
        copied++;
      }
    }
    writeFileSync(path.join(tmp, 'store-manifest.json'), JSON.stringify({ files: manifest }) + '\n');
    if (existsSync(target)) rmSync(target, { recursive: true });
    renameSync(tmp, target);
    return { dbBytes: statSync(path.join(target, 'studio.db')).size, files: manifest.length, copied };
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

/**
 * Brings a backup back into a data dir whose database does not exist yet (or `force`): the store
 * files the backup carries are added to the store, then every file of the manifest must be there
 * with its hash, or nothing is restored.
 */
export function restore(backupDir: string, dataDir: string, opts: { force?: boolean } = {}): { files: number; added: number } {
  const src = path.resolve(backupDir);
  const dbFile = path.join(src, 'studio.db');
  const manifestFile = path.join(src, 'store-manifest.json');
  if (!existsSync(dbFile) || !existsSync(manifestFile)) throw new Error(`${src} is not a backup (studio.db and store-manifest.json expected)`);
  const check = new Database(dbFile, { readonly: true });
  const ok = check.pragma('integrity_check', { simple: true });
  check.close();
  if (ok !== 'ok') throw new Error(`the backed-up database is damaged: ${String(ok)}`);
  const target = path.join(path.resolve(dataDir), 'studio.db');
  if (existsSync(target) && !opts.force) throw new Error(`${target} exists; restore into a fresh DATA_DIR, or pass --force to replace it`);
  const store = new FileStore(path.join(path.resolve(dataDir), 'store'));
  const { files } = JSON.parse(readFileSync(manifestFile, 'utf8')) as { files: StoreManifestEntry[] };
  let added = 0;
  const missing: string[] = [];
  for (const f of files) {
    if (store.has(f.sha256)) continue;
    const carried = path.join(src, 'store', f.sha256.slice(0, 2), f.sha256.slice(2, 4), f.sha256);
    if (!existsSync(carried)) {
      missing.push(f.sha256);
      continue;
    }
    const bytes = readFileSync(carried);
    // put() re-hashes: a damaged file in the backup cannot enter the store under a wrong name.
    if (store.put(bytes).sha256 !== f.sha256) throw new Error(`backup file ${f.sha256} is damaged (its content has another hash)`);
    added++;
  }
  if (missing.length) throw new Error(`${missing.length} store file(s) of the backup are neither in the backup nor in the store (first: ${missing[0]}); nothing was restored`);
  // Database last, through a temp name and a rename: a crash leaves the old state or the new one.
  for (const suffix of ['-wal', '-shm']) rmSync(target + suffix, { force: true });
  const tmp = `${target}.restore`;
  copyFileSync(dbFile, tmp);
  renameSync(tmp, target);
  return { files: files.length, added };
}
