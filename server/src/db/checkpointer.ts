import type Database from 'better-sqlite3';
import { createRequire } from 'node:module';
import { databaseFile } from './database-file.ts';
import { Worker } from 'node:worker_threads';

/*
 * Runs in the worker thread: its own connection, which only checkpoints when asked. A string
 * rather than a .ts file because worker threads do not get tsx's loader (tsx issue #354); it is
 * small enough to read at a glance.
 */
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file);
db.pragma('busy_timeout = 5000');
parentPort.on('message', () => {
  try {
    const [r] = db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ ok: true, busy: r.busy, log: r.log, checkpointed: r.checkpointed });
  } catch (err) {
    parentPort.postMessage({ ok: false, error: String(err) });
  }
});
`;

export interface CheckpointResult {
  busy: number;
  /** Frames in the WAL and how many of them are now in the database file. */
  log: number;
  checkpointed: number;
}

/**
 * Moves SQLite's WAL checkpoints off the event loop. With automatic checkpoints, every ~1,000 WAL
 * pages the committing request copies pages into the database file and fsyncs it: stalls of 16 ms
 * on average, up to 78 ms, every ~150 answers at full scale, and every request queued behind one
 * waits too. Here the server's connection never checkpoints (wal_autocheckpoint = 0); a worker
 * thread with its own connection runs a PASSIVE checkpoint (it never blocks readers or the writer)
 * every `intervalMs` in which the server changed anything, so the WAL stays small and SQLite
 * restarts it from the top. If the worker dies, automatic checkpoints come back.
 */
export class Checkpointer {
  private readonly worker: Worker;
  private readonly timer: NodeJS.Timeout;
  private running = false;
  private stopped = false;
  private readonly totalChanges: Database.Statement;
  private lastChanges = -1;

  constructor(
    private readonly sqlite: Database.Database,
    private readonly opts: CheckpointerOptions & { intervalMs: number },
  ) {
    const file = databaseFile(sqlite, 'checkpointing');
    this.totalChanges = sqlite.prepare('select total_changes()').pluck();
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { file, driver } });
    this.worker.unref();
    this.worker.on('message', (m: ({ ok: true } & CheckpointResult) | { ok: false; error: string }) => {
      this.running = false;
      if (m.ok) opts.onCheckpoint?.({ busy: m.busy, log: m.log, checkpointed: m.checkpointed });
      else opts.onError(new Error(`checkpoint failed: ${m.error}`));
    });
    this.worker.on('error', (err) => this.fallBack(err));
    this.worker.on('exit', (code) => {
      if (!this.stopped) this.fallBack(new Error(`checkpoint worker exited with code ${code}`));
    });
    sqlite.pragma('wal_autocheckpoint = 0');
    this.timer = setInterval(() => this.tick(), opts.intervalMs);
    this.timer.unref();
  }

  /** Asks for a checkpoint now (unless one is running); the server's timer does this by WAL size. */
  checkpoint(): void {
    if (this.running || this.stopped) return;
    this.running = true;
    this.worker.postMessage('checkpoint');
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    await this.worker.terminate();
    this.sqlite.pragma('wal_autocheckpoint = 1000');
  }

  private tick(): void {
    const changes = this.totalChanges.get() as number;
    if (changes === this.lastChanges || this.running) return;
    this.lastChanges = changes;
    this.checkpoint();
  }

  private fallBack(err: unknown): void {
    if (this.stopped) return;
    this.stopped = true;
    clearInterval(this.timer);
    if (this.sqlite.open) this.sqlite.pragma('wal_autocheckpoint = 1000');
    this.opts.onError(err);
  }
}

export interface CheckpointerOptions {
  /** How often to look for changes to checkpoint (ms; default 1,000). */
  intervalMs?: number;
  onCheckpoint?: (r: CheckpointResult) => void;
  onError: (err: unknown) => void;
}

export function startCheckpointer(sqlite: Database.Database, opts: CheckpointerOptions): Checkpointer {
  return new Checkpointer(sqlite, { ...opts, intervalMs: opts.intervalMs ?? 1000 });
}
