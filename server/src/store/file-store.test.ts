import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { FileStore, STORE_FILE_MODE } from './file-store.ts';

describe('FileStore.putAsync', () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(path.join(os.tmpdir(), 'store-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('stores by content like put, read-only, and says whether it created the file', async () => {
    const store = new FileStore(root);
    const data = new TextEncoder().encode('a frame');
    const first = await store.putAsync(data);
    expect(first).toEqual({ sha256: FileStore.hash(data), created: true });
    expect(readFileSync(store.pathOf(first.sha256), 'utf8')).toBe('a frame');
    expect(statSync(store.pathOf(first.sha256)).mode & 0o777).toBe(STORE_FILE_MODE);
    expect(await store.putAsync(data)).toEqual({ sha256: first.sha256, created: false });
    expect(store.putSync(data).created).toBe(false);
  });

  it('keeps one intact file when many calls store the same and different bytes at once', async () => {
    const store = new FileStore(root);
    const blobs = Array.from({ length: 40 }, (_, i) => new TextEncoder().encode(`frame ${i % 10}`.repeat(1000)));
    const results = await Promise.all(blobs.map((b) => store.putAsync(b)));
    expect(new Set(results.map((r) => r.sha256)).size).toBe(10);
    for (const [i, r] of results.entries()) expect(readFileSync(store.pathOf(r.sha256))).toEqual(Buffer.from(blobs[i]!));
    // No temporary file is left behind.
    expect(readdirSync(path.join(root, 'tmp'))).toEqual([]);
  });
});
