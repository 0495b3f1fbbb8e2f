import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import path from 'node:path';

/**
 * Cross-process locks on a data dir. Each lock is an exclusive lock on a small SQLite file, held
 * by an open connection: the operating system drops it when the process ends, kill -9 included,
 * so a crash never leaves a stale lock behind (a pid file would need liveness guesses). SQLite
 * also refuses a second holder inside the same process, so tests see the same behaviour.
 *
 * Names in use: `server` (held by a running server for its whole life; `restore` needs it),
 * `import` (one import at a time), `export-<version>` (one writer per release version).
 */
export class FileLock {
  private constructor(
    private db: Database.Database | null,
    readonly name: string,
  ) {}

  /** The lock, or null when another holder has it. Never waits. */
  static tryAcquire(dataDir: string, name: string): FileLock | null {
    if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,80}$/.test(name)) throw new Error(`bad lock name ${JSON.stringify(name)}`);
    const dir = path.join(dataDir, 'locks');
    mkdirSync(dir, { recursive: true });
    const db = new Database(path.join(dir, `${name}.lock`), { timeout: 0 });
    try {
      db.pragma('locking_mode = EXCLUSIVE');
      db.exec('BEGIN EXCLUSIVE');
      return new FileLock(db, name);
    } catch (err) {
      db.close();
      if ((err as { code?: string }).code === 'SQLITE_BUSY') return null;
      throw err;
    }
  }

  /** The lock, or an error naming what holds it (`what` describes the usual holder). */
  static acquire(dataDir: string, name: string, busyMessage: string): FileLock {
    const lock = FileLock.tryAcquire(dataDir, name);
    if (!lock) throw new LockBusyError(busyMessage);
    return lock;
  }

  release(): void {
    this.db?.close();
    this.db = null;
  }
}

export class LockBusyError extends Error {
  override name = 'LockBusyError';
}
