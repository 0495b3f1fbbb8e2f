import { execFile } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { syncPath } from '../../fsync.ts';

/** How a tree was made durable: one syncfs of its filesystem, or an fsync per file and folder. */
export interface FlushReport {
  method: 'syncfs' | 'fsync';
  files: number;
  dirs: number;
}

export interface FlushOptions {
  /** The `sync` program (tests point it at one that rejects `-f`, as non-GNU ones do). */
  syncBin?: string;
  /** fsyncs in flight at once in the fallback (libuv's pool has 4 threads; a few more keep it fed). */
  concurrency?: number;
}

/** Every folder and file under `root`, folders first (depth-first). */
function* treeEntries(root: string): Generator<{ path: string; dir: boolean }> {
  yield { path: root, dir: true };
  for (const e of readdirSync(root, { withFileTypes: true })) {
    const p = path.join(root, e.name);
    if (e.isDirectory()) yield* treeEntries(p);
    else yield { path: p, dir: false };
  }
}

/**
 * Makes everything under `root` durable, off the event loop: one `sync -f` (syncfs: the whole
 * filesystem in one call, instead of 170k fsyncs at full scale) as a child process; where `sync`
 * has no `-f` (non-GNU), an fsync of every file and folder on libuv's thread pool, a bounded number
 * at a time.
 */
export async function flushTree(root: string, opts: FlushOptions = {}): Promise<FlushReport> {
  try {
    await promisify(execFile)(opts.syncBin ?? 'sync', ['-f', root]);
    return { method: 'syncfs', files: 0, dirs: 0 };
  } catch {
    // Also taken on a real I/O error: the fallback then meets the same error and reports it.
  }
  const report: FlushReport = { method: 'fsync', files: 0, dirs: 0 };
  const entries = treeEntries(root);
  let failed: unknown = null;
  const worker = async () => {
    // The generator is shared: each worker takes the next entry; readdir runs in small steps between fsyncs.
    for (let e = entries.next(); !e.done && failed === null; e = entries.next()) {
      try {
        await syncPath(e.value.path, e.value.dir ? 'dir' : 'data');
        report[e.value.dir ? 'dirs' : 'files']++;
      } catch (err) {
        failed ??= err;
      }
    }
  };
  await Promise.all(Array.from({ length: opts.concurrency ?? 8 }, worker));
  if (failed !== null) throw failed;
  return report;
}

/** Makes a folder's entries durable (a rename into it, a new name). */
export async function fsyncDir(dir: string): Promise<void> {
  await syncPath(dir, 'dir');
}
