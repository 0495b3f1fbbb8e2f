import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { makeUser, testApp, type TestApp } from '../testing/app.ts';
import { addExpression, importVideo } from '../testing/factories.ts';
import { backup, restore } from './backup.ts';
import { FileStore } from '../store/file-store.ts';

/** Every table's rows, in a stable order: two databases with equal dumps hold the same data. */
function dump(file: string): Record<string, unknown[]> {
  const db = new Database(file, { readonly: true });
  const tables = db.prepare<[], { name: string }>(`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`).all();
  const out = Object.fromEntries(tables.map((t) => [t.name, db.prepare(`select * from "${t.name}" order by 1, 2`).all()]));
  db.close();
  return out;
}

describe('backup and restore', () => {
  let app: TestApp;
  let work: string;

  beforeAll(async () => {
    app = testApp();
    work = mkdtempSync(path.join(os.tmpdir(), 'studio-backup-'));
    const u = await makeUser(app, 'ann', ['annotator']);
    const v = await importVideo(app, 'clip', 'accepted', 3);
    addExpression(app, { videoId: v, authorId: u.id, status: 'accepted', targets: [1], text: 'the object moving away' });
  });
  afterAll(() => {
    app.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('copies the live database consistently, restores it into a fresh data dir, equal row for row', async () => {
    const res = await backup(app, path.join(work, 'b1'), { withStore: true });
    expect(res.files).toBeGreaterThan(0);
    expect(res.copied).toBe(res.files);
    // The server keeps writing after the backup; the backup must not change.
    addExpression(app, { videoId: 1, authorId: null, status: 'accepted', targets: [2], text: 'written after the backup' });
    const fresh = path.join(work, 'restored');
    const r = restore(path.join(work, 'b1'), fresh);
    expect(r).toEqual({ files: res.files, added: res.files });
    const restored = dump(path.join(fresh, 'studio.db'));
    const saved = dump(path.join(work, 'b1', 'studio.db'));
    expect(restored).toEqual(saved);
    expect((restored.expressions as { text: string }[]).map((e) => e.text)).toEqual(['the object moving away']);
    const store = new FileStore(path.join(fresh, 'store'));
    const frames = new Database(path.join(fresh, 'studio.db'), { readonly: true }).prepare<[], { sha256: string }>('select sha256 from frames').all();
    for (const f of frames) expect(FileStore.hash(store.read(f.sha256))).toBe(f.sha256);
  });

  it('refuses to overwrite, to restore without the store files, and damaged files', async () => {
    expect(() => restore(path.join(work, 'b1'), path.join(work, 'restored'))).toThrow(/exists; restore into a fresh DATA_DIR/);
    const bare = path.join(work, 'b2');
    await backup(app, bare);
    expect(() => restore(bare, path.join(work, 'empty'))).toThrow(/neither in the backup nor in the store .*; nothing was restored/);
    expect(existsSync(path.join(work, 'empty', 'studio.db'))).toBe(false);
    await expect(backup(app, bare)).rejects.toThrow(/not empty/);
    // A flipped store file in a self-contained backup is caught by its hash.
    const b3 = path.join(work, 'b3');
    await backup(app, b3, { withStore: true });
    const manifest = JSON.parse(readFileSync(path.join(b3, 'store-manifest.json'), 'utf8')) as { files: { sha256: string }[] };
    const h = manifest.files[0]!.sha256;
    writeFileSync(path.join(b3, 'store', h.slice(0, 2), h.slice(2, 4), h), 'not the original bytes');
    expect(() => restore(b3, path.join(work, 'damaged'))).toThrow(/is damaged/);
    expect(() => restore(path.join(work, 'nowhere'), path.join(work, 'x'))).toThrow(/is not a backup/);
  });
});
