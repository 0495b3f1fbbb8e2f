import type Database from 'better-sqlite3';
import { open, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { databaseFile } from './database-file.ts';

/**
 * Group commit for the server's connection. With `synchronous = FULL` every commit fsyncs the WAL
 * on the event loop (1–12 ms on these disks, more under load: bench:scale), and every other
 * request waits behind it. Here SQLite commits without syncing (`synchronous = NORMAL`) and a
 * request that made a durable commit is answered only after one fdatasync of the WAL that started
 * after that commit; the sync runs on libuv's thread pool, so the event loop never waits for the
 * disk, and submissions that arrive together share one sync. An acknowledged submission is on
 * disk exactly as under FULL; what is lost on a power cut is only what nobody was told is saved.
 *
 * Writes whose loss is harmless (leases, session touches: `lazyTransaction`) are counted apart, so a
 * request that made only those is answered at once. Background writes (speech recognition, TTS,
 * exports) are synced by a timer within `intervalMs`; they are redone at start-up if lost.
 *
 * Why the WAL is enough: SQLite writes each commit's pages into the WAL and, in NORMAL mode, syncs
 * the WAL before a checkpoint copies pages into the database file and syncs that file after; so a
 * commit is either in the WAL (synced by us) or already checkpointed into a synced database file.
 * fsync covers the file's data whichever descriptor wrote it, so a descriptor of our own serves.
 */
export class GroupCommit {
  private lazy = 0;
  private synced = 0;
  private dirSynced = false;
  private wal: Promise<FileHandle> | null = null;
  private inflight: { upTo: number; done: Promise<void> } | null = null;
  private queued: Promise<void> | null = null;
  private readonly totalChanges: Database.Statement;
  private readonly timer: NodeJS.Timeout;
  private readonly syncFiles: () => Promise<void>;

  constructor(
    private readonly sqlite: Database.Database,
    private readonly walFile: string,
    opts: GroupCommitOptions & { intervalMs: number },
  ) {
    this.syncFiles = opts.sync ?? (() => this.syncWal());
    this.totalChanges = sqlite.prepare('select total_changes()').pluck();
    sqlite.pragma('synchronous = NORMAL');
    // Everything before this point was committed with synchronous = FULL.
    this.synced = this.mark();
    this.timer = setInterval(() => void this.syncUpTo(this.mark()).catch(opts.onError), opts.intervalMs);
    this.timer.unref();
  }

  /** A mark of this connection's durable changes so far (rows changed, minus lazy ones). */
  mark(): number {
    return this.changes() - this.lazy;
  }

  /** Rows a lazy transaction just committed: they need no sync before anyone is answered. */
  countLazy(rows: number): void {
    this.lazy += rows;
  }

  /** Resolves once every durable change up to `mark` (from mark()) is on disk. */
  syncUpTo(mark: number): Promise<void> {
    if (mark <= this.synced) return Promise.resolve();
    // A sync covers what was committed before it started: join one that started at or after mark.
    if (this.inflight && this.inflight.upTo >= mark) return this.inflight.done;
    if (!this.inflight) return this.start();
    this.queued ??= this.inflight.done
      .catch(() => {})
      .then(() => {
        this.queued = null;
        return this.start();
      });
    return this.queued;
  }

  /** Stops the timer and leaves group commit: commits fsync one by one again. */
  stop(): void {
    clearInterval(this.timer);
    void this.wal?.then((fh) => fh.close()).catch(() => {});
    this.wal = null;
    active.delete(this.sqlite);
    this.sqlite.pragma('synchronous = FULL');
  }

  private changes(): number {
    return this.totalChanges.get() as number;
  }

  private start(): Promise<void> {
    const upTo = this.mark();
    const done: Promise<void> = this.syncFiles()
      .then(() => {
        this.synced = Math.max(this.synced, upTo);
      })
      .finally(() => {
        if (this.inflight?.done === done) this.inflight = null;
      });
    this.inflight = { upTo, done };
    return done;
  }

  private async syncWal(): Promise<void> {
    // One descriptor kept open: a sync is then a single trip to the thread pool, not three.
    this.wal ??= open(this.walFile, 'r');
    const fh = await this.wal.catch((err: unknown) => {
      this.wal = null;
      throw err;
    });
    try {
      await fh.datasync();
    } catch (err) {
      this.wal = null;
      await fh.close().catch(() => {});
      throw err;
    }
    // As SQLite does on a new journal's first sync: the WAL's directory entry must survive too.
    if (!this.dirSynced) {
      const dir = await open(path.dirname(this.walFile), 'r');
      try {
        await dir.sync();
      } finally {
        await dir.close();
      }
      this.dirSynced = true;
    }
  }
}

const active = new WeakMap<Database.Database, GroupCommit>();

export interface GroupCommitOptions {
  /** Background writes are synced at least this often (ms). */
  intervalMs?: number;
  onError: (err: unknown) => void;
  /** Replaces the WAL sync (tests observe and hold syncs with it). */
  sync?: () => Promise<void>;
}

/** Switches a file database's connection to group commit (the server does, after start-up). */
export function enableGroupCommit(sqlite: Database.Database, opts: GroupCommitOptions): GroupCommit {
  const file = databaseFile(sqlite, 'group commit');
  const existing = active.get(sqlite);
  if (existing) return existing;
  const g = new GroupCommit(sqlite, `${file}-wal`, { ...opts, intervalMs: opts.intervalMs ?? 1000 });
  active.set(sqlite, g);
  return g;
}

export function groupCommitOf(sqlite: Database.Database): GroupCommit | undefined {
  return active.get(sqlite);
}
