import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { flushTree } from './flush.ts';

describe('flushing a release folder', () => {
  let work: string;
  let tree: string;
  /** A `sync` that rejects -f, as BSD's and busybox's older ones do. */
  let noDashF: string;
  /** A `sync -f` that takes 400 ms, to see whether the event loop waits for it. */
  let slowSync: string;

  beforeAll(() => {
    work = mkdtempSync(path.join(os.tmpdir(), 'studio-flush-'));
    tree = path.join(work, 'release');
    for (const d of ['train/JPEGImages/bear', 'train/JPEGImages/cows', 'audio']) mkdirSync(path.join(tree, d), { recursive: true });
    for (const f of ['train/JPEGImages/bear/00000.jpg', 'train/JPEGImages/cows/00000.jpg', 'train/meta_expressions.json', 'audio/audio_meta.json', 'manifest.json']) writeFileSync(path.join(tree, f), f);
    noDashF = path.join(work, 'sync-no-f');
    writeFileSync(noDashF, `#!/bin/sh\necho "sync: illegal option -- f" >&2\nexit 1\n`);
    slowSync = path.join(work, 'sync-slow');
    writeFileSync(slowSync, '#!/bin/sh\nsleep 0.4\n');
    for (const f of [noDashF, slowSync]) chmodSync(f, 0o755);
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it('uses one syncfs where sync has -f (GNU coreutils, as here)', async () => {
    expect(await flushTree(tree)).toEqual({ method: 'syncfs', files: 0, dirs: 0 });
  });

  it('falls back to an fsync of every file and folder where sync rejects -f, or is missing', async () => {
    // 6 folders (release, train, JPEGImages, bear, cows, audio) and 5 files.
    const all = { method: 'fsync', files: 5, dirs: 6 };
    expect(await flushTree(tree, { syncBin: noDashF, concurrency: 2 })).toEqual(all);
    expect(await flushTree(tree, { syncBin: path.join(work, 'no-such-sync') })).toEqual(all);
  });

  it('reports an error of the fallback instead of calling the release flushed', async () => {
    await expect(flushTree(path.join(work, 'missing'), { syncBin: noDashF })).rejects.toThrow(/ENOENT/);
  });

  it('leaves the event loop free while it waits (the server keeps answering)', async () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    try {
      const t0 = performance.now();
      await flushTree(tree, { syncBin: slowSync });
      expect(performance.now() - t0).toBeGreaterThanOrEqual(350);
      // ~40 ticks of 10 ms in 400 ms; a blocking flush (execFileSync, as before) lets none through.
      expect(ticks).toBeGreaterThanOrEqual(15);
    } finally {
      clearInterval(timer);
    }
  });
});
