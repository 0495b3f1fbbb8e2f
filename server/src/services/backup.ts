import { copyFileSync, constants, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { App } from '../app.ts';

/** What `studio backup` says on PostgreSQL, whose own tools (pg_dump, pg_restore) do this better. */
export const PG_BACKUP =
  'studio backup copies the SQLite file; on PostgreSQL back up with pg_dump (e.g. pg_dump -Fc -f studio.dump "$DATABASE_URL") and copy STORE_DIR, and restore with pg_restore';

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
 * A consistent online copy of the SQLite file: SQLite's backup API copies the database page by
 * page while the server keeps writing (each step sees one committed state), and the manifest lists
 * every store file the copy refers to. With `withStore` the store files are copied too (hard links
 * when possible: they are immutable, named by their hash). Written to `<dir>.partial` first,
 * renamed when complete. Refused on PostgreSQL (PG_BACKUP): pg_dump makes that engine's backups.
 */
export async function backup(app: Pick<App, 'database' | 'store'>, dir: string, opts: { withStore?: boolean; onProgress?: (done: number, total: number) => void } = {}): Promise<{ dbBytes: number; files: number; copied: number }> {
  if (app.database.dialect !== 'sqlite') throw new Error(PG_BACKUP);
  const { sqlite } = app.database;
  const target = path.resolve(dir);
  if (existsSync(target) && readdirSync(target).length > 0) throw new Error(`${target} is not empty: a backup goes into a new or empty folder`);
  const tmp = `${target}.partial`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    const dbCopy = path.join(tmp, 'studio.db');
    await sqlite.backup(dbCopy, { progress: ({ totalPages, remainingPages }) => (opts.onProgress?.(totalPages - remainingPages, totalPages), 200) });
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
