import { randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, linkSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DIALECT } from '../db/dialect.ts';
import { syncPathSync } from '../fsync.ts';
import { FileLock } from '../locks.ts';
import { FileStore } from '../store/file-store.ts';
import type { StoreManifestEntry } from './backup.ts';

/** Points between the steps of a restore, in order (tests stop the process at each). */
export const RESTORE_STEPS = ['store', 'copied', 'kept', 'logs-cleared', 'renamed', 'synced'] as const;
export type RestoreStep = (typeof RESTORE_STEPS)[number];

export interface RestoreOptions {
  /** Replace an existing database (it is kept in pre-restore-<time>/, never deleted). */
  force?: boolean;
  onStep?: (step: RestoreStep) => void;
}

export interface RestoreResult {
  files: number;
  added: number;
  /** Where the replaced database (and any log files set aside) now lives, if there was one. */
  keptIn: string | null;
}

const SIDE_FILES = ['-wal', '-shm', '-journal'] as const;

/** What `studio restore` says on PostgreSQL: there is no file to swap; PostgreSQL's own tool restores. */
export const PG_RESTORE =
  'studio restore swaps the SQLite file; on PostgreSQL restore a pg_dump archive with pg_restore (e.g. pg_restore --clean --if-exists -d "$DATABASE_URL" studio.dump) and put STORE_DIR back';

/**
 * Brings a backup back into a data dir. Refused while a server or an import holds the data dir
 * (their locks), and while any other process has the database open. The store files the backup
 * carries are added first, then every file of the manifest must be there with its hash, or
 * nothing is restored. The database is replaced so that a crash at any point leaves the complete
 * old database or the complete new one:
 *
 * 1. the backup's database is copied to a temp file in the data dir and fsynced;
 * 2. the old database is opened alone (exclusive locking mode: refused if anyone else has it
 *    open), checkpointed completely and switched out of WAL mode, so no log with committed frames
 *    remains beside it (a new database next to an old WAL would get the old pages applied), and
 *    hard-linked into pre-restore-<time>/: kept, not destroyed. One that cannot be opened (--force)
 *    is kept with its logs, which are then set aside;
 * 3. the temp file is renamed over studio.db and the folder fsynced.
 *
 * The old connection stays open (holding its exclusive lock) until after the rename, so nobody
 * can open the old database and write a new log in between.
 */
export function restore(backupDir: string, dataDir: string, opts: RestoreOptions = {}): RestoreResult {
  // About the SQLite file only, and the engine is the process's (db/dialect.ts).
  if (DIALECT !== 'sqlite') throw new Error(PG_RESTORE);
  const src = path.resolve(backupDir);
  const data = path.resolve(dataDir);
  const dbFile = path.join(src, 'studio.db');
  const manifestFile = path.join(src, 'store-manifest.json');
  if (!existsSync(dbFile) || !existsSync(manifestFile)) throw new Error(`${src} is not a backup (studio.db and store-manifest.json expected)`);
  // Only studio.db is copied: frames in a log beside it would be lost.
  if (existsSync(`${dbFile}-wal`) && statSync(`${dbFile}-wal`).size > 0) {
    throw new Error(`the backup's database has a write-ahead log (studio.db-wal) beside it; make the backup again with studio backup`);
  }
  const server = FileLock.acquire(data, 'server', `a server (or another restore) is using ${data}; stop it before restoring`);
  try {
    const importing = FileLock.acquire(data, 'import', `an import into ${data} is running; wait for it to finish before restoring`);
    try {
      return restoreLocked(src, data, opts);
    } finally {
      importing.release();
    }
  } finally {
    server.release();
  }
}

function restoreLocked(src: string, data: string, opts: RestoreOptions): RestoreResult {
  const step = opts.onStep ?? (() => {});
  const dbFile = path.join(src, 'studio.db');
  const check = new Database(dbFile, { readonly: true });
  const ok = check.pragma('integrity_check', { simple: true });
  check.close();
  if (ok !== 'ok') throw new Error(`the backed-up database is damaged: ${String(ok)}`);
  const target = path.join(data, 'studio.db');
  if (existsSync(target) && !opts.force) throw new Error(`${target} exists; restore into a fresh DATA_DIR, or pass --force to replace it (it is kept in pre-restore-<time>/)`);

  const { files, added } = addStoreFiles(src, data);
  step('store');

  // Leftovers of a restore that crashed before its swap: a temp copy never renamed into place, and
  // unfinished keep folders (hard links to files still in place, or to what a failed open left).
  for (const name of readdirSync(data)) {
    if (name.startsWith('studio.db.restore-') || (name.startsWith('pre-restore-') && name.endsWith('.partial'))) rmSync(path.join(data, name), { recursive: true, force: true });
  }
  const tmp = path.join(data, `studio.db.restore-${randomBytes(4).toString('hex')}`);
  let old: Database.Database | null = null;
  let keeping: string | null = null;
  try {
    copyFileSync(dbFile, tmp);
    syncPathSync(tmp, 'file');
    step('copied');

    // Links to the database and its logs as found, made before SQLite opens anything: SQLite
    // removes a log by name when a connection closes, even one that failed to read the database.
    const logs = SIDE_FILES.filter((s) => s !== '-shm' && existsSync(target + s));
    const hasOld = existsSync(target);
    if (hasOld || logs.length) {
      keeping = `${unusedPath(data, `pre-restore-${new Date().toISOString().replace(/[:.]/g, '-')}`)}.partial`;
      mkdirSync(keeping);
      for (const s of hasOld ? ['', ...logs] : logs) linkSync(target + s, path.join(keeping, `studio.db${s}`));
    }
    let healthy = false;
    if (hasOld) {
      try {
        old = quiesce(target);
        healthy = true;
      } catch (e) {
        if ((e as { code?: string }).code === 'SQLITE_BUSY') {
          throw new Error(`${target} is open in another process (a CLI command, a backup?); let it finish, then restore again`);
        }
        // Cannot be opened or checkpointed (damaged); replacing it needed --force, which got us here.
      }
    }
    // Its logs were emptied into the database (kept by its link): nothing to keep of them.
    if (healthy) for (const s of logs) rmSync(path.join(keeping!, `studio.db${s}`));
    let keptIn: string | null = null;
    if (keeping) {
      syncPathSync(keeping, 'dir');
      keptIn = keeping.slice(0, -'.partial'.length);
      renameSync(keeping, keptIn);
      keeping = null;
    }
    syncPathSync(data, 'dir');
    step('kept');

    if (!healthy && keptIn) {
      // A damaged database's logs, or logs without a database: next to the new database they would
      // be read as its own. Set aside (their content is linked in keptIn), never deleted.
      for (const s of SIDE_FILES) {
        if (!existsSync(target + s)) continue;
        const kept = path.join(keptIn, `studio.db${s}`);
        if (existsSync(kept) && statSync(kept).ino === statSync(target + s).ino) rmSync(target + s);
        else renameSync(target + s, existsSync(kept) ? `${kept}.later` : kept);
      }
      syncPathSync(keptIn, 'dir');
    }
    // The log's removal must be on disk before the rename is.
    syncPathSync(data, 'dir');
    step('logs-cleared');

    renameSync(tmp, target);
    step('renamed');
    syncPathSync(data, 'dir');
    step('synced');
    return { files, added, keptIn };
  } catch (e) {
    rmSync(tmp, { force: true });
    // Only links to files still in place.
    if (keeping) rmSync(keeping, { recursive: true, force: true });
    throw e;
  } finally {
    // After the rename: closing now touches only the old file (and an empty rollback journal's name).
    old?.close();
  }
}

/**
 * Opens the database as its only user and leaves it self-contained: every committed frame of its
 * WAL copied into the file (synced), the WAL removed, the file switched to rollback mode (which
 * the next openDb switches back). Exclusive locking mode takes an exclusive lock on the file at
 * the first read, so this fails with SQLITE_BUSY while any other connection has it open, and
 * nobody else can open it until this connection closes.
 */
function quiesce(file: string): Database.Database {
  const db = new Database(file, { fileMustExist: true, timeout: 2000 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('synchronous = FULL');
    db.prepare('select count(*) from sqlite_master').get();
    const [ck] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
    if (ck?.busy) throw Object.assign(new Error('checkpoint blocked'), { code: 'SQLITE_BUSY' });
    const mode = db.pragma('journal_mode = DELETE', { simple: true });
    if (mode !== 'delete') throw new Error(`could not leave WAL mode (journal_mode is ${String(mode)})`);
    if (existsSync(`${file}-wal`)) throw new Error('the write-ahead log is still there after leaving WAL mode');
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

/** Adds the backup's store files (re-hashed) and checks that every listed file is in the store. */
function addStoreFiles(src: string, data: string): { files: number; added: number } {
  const store = new FileStore(path.join(data, 'store'));
  const { files } = JSON.parse(readFileSync(path.join(src, 'store-manifest.json'), 'utf8')) as { files: StoreManifestEntry[] };
  let added = 0;
  const missing: string[] = [];
  for (const f of files) {
    if (store.has(f.sha256)) continue;
    const carried = path.join(src, 'store', f.sha256.slice(0, 2), f.sha256.slice(2, 4), f.sha256);
    if (!existsSync(carried)) {
      missing.push(f.sha256);
      continue;
    }
    // putSync() re-hashes: a damaged file in the backup cannot enter the store under a wrong name.
    if (store.putSync(readFileSync(carried)).sha256 !== f.sha256) throw new Error(`backup file ${f.sha256} is damaged (its content has another hash)`);
    added++;
  }
  if (missing.length) throw new Error(`${missing.length} store file(s) of the backup are neither in the backup nor in the store (first: ${missing[0]}); nothing was restored`);
  return { files: files.length, added };
}

/** `parent/name`, or `name-2`, `name-3`… when taken. */
function unusedPath(parent: string, name: string): string {
  for (let i = 1; ; i++) {
    const p = path.join(parent, i === 1 ? name : `${name}-${i}`);
    if (!existsSync(p)) return p;
  }
}
