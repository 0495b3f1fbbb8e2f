import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DIALECT } from '../db/dialect.ts';
import { makeUser, testApp, type TestApp } from '../testing/app.ts';
import { addExpression, importVideo } from '../testing/factories.ts';
import { backup, PG_BACKUP } from './backup.ts';
import { PG_RESTORE, restore } from './restore.ts';
import { FileLock } from '../locks.ts';
import { FileStore } from '../store/file-store.ts';

/** Every table's rows, in a stable order: two databases with equal dumps hold the same data. */
function dump(file: string): Record<string, unknown[]> {
  const db = new Database(file, { readonly: true });
  const tables = db.prepare<[], { name: string }>(`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`).all();
  const out = Object.fromEntries(tables.map((t) => [t.name, db.prepare(`select * from "${t.name}" order by 1, 2`).all()]));
  db.close();
  return out;
}

// About the SQLite file itself (the backup API, the file swap, its WAL and locks); on PostgreSQL
// backups are pg_dump's and restores pg_restore's, and these commands refuse (tested below).
describe.skipIf(DIALECT === 'postgres')('backup and restore', () => {
  let app: TestApp;
  let work: string;

  beforeAll(async () => {
    app = await testApp();
    work = mkdtempSync(path.join(os.tmpdir(), 'studio-backup-'));
    const u = await makeUser(app, 'ann', ['annotator']);
    const v = await importVideo(app, 'clip', 'accepted', 3);
    await addExpression(app, { videoId: v, authorId: u.id, status: 'accepted', targets: [1], text: 'the object moving away' });
  });
  afterAll(async () => {
    await app.cleanup();
    rmSync(work, { recursive: true, force: true });
  });

  it('copies the live database consistently, restores it into a fresh data dir, equal row for row', async () => {
    const res = await backup(app, path.join(work, 'b1'), { withStore: true });
    expect(res.files).toBeGreaterThan(0);
    expect(res.copied).toBe(res.files);
    // The server keeps writing after the backup; the backup must not change.
    await addExpression(app, { videoId: 1, authorId: null, status: 'accepted', targets: [2], text: 'written after the backup' });
    const fresh = path.join(work, 'restored');
    const r = restore(path.join(work, 'b1'), fresh);
    expect(r).toEqual({ files: res.files, added: res.files, keptIn: null });
    const restored = dump(path.join(fresh, 'studio.db'));
    const saved = dump(path.join(work, 'b1', 'studio.db'));
    expect(restored).toEqual(saved);
    expect((restored.expressions as { text: string }[]).map((e) => e.text)).toEqual(['the object moving away']);
    const store = new FileStore(path.join(fresh, 'store'));
    const reader = new Database(path.join(fresh, 'studio.db'), { readonly: true });
    const frames = reader.prepare<[], { sha256: string }>('select sha256 from frames').all();
    reader.close();
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
    const flipped = path.join(b3, 'store', h.slice(0, 2), h.slice(2, 4), h);
    // Copied read-only like the store's own files (0444): damage needs a chmod first, except as root.
    chmodSync(flipped, 0o644);
    writeFileSync(flipped, 'not the original bytes');
    expect(() => restore(b3, path.join(work, 'damaged'))).toThrow(/is damaged/);
    expect(() => restore(path.join(work, 'nowhere'), path.join(work, 'x'))).toThrow(/is not a backup/);
  });

  it('is refused at once while a server or an import holds the data dir, or another process has the database open', async () => {
    const dir = path.join(work, 'restored');
    const before = dump(path.join(dir, 'studio.db'));
    for (const [name, message] of [
      ['server', /^a server \(or another restore\) is using .*; stop it before restoring$/],
      ['import', /^an import into .* is running; wait for it to finish before restoring$/],
    ] as const) {
      // A real holder of the lock, as the running server (or runImport) holds it.
      const held = FileLock.tryAcquire(dir, name)!;
      expect(held).not.toBeNull();
      try {
        expect(() => restore(path.join(work, 'b1'), dir, { force: true })).toThrow(message);
      } finally {
        held.release();
      }
    }
    // A connection that has read the database holds it open: swapping the file under it would
    // leave it writing a log that the new database would read as its own.
    const other = new Database(path.join(dir, 'studio.db'));
    other.prepare('select count(*) from users').get();
    try {
      expect(() => restore(path.join(work, 'b1'), dir, { force: true })).toThrow(/studio\.db is open in another process .*; let it finish, then restore again$/);
    } finally {
      other.close();
    }
    expect(dump(path.join(dir, 'studio.db'))).toEqual(before);
    expect(readdirSync(dir).filter((n) => n.startsWith('pre-restore-') || n.startsWith('studio.db.restore-'))).toEqual([]);
  });

  it('keeps the database it replaces, and sets a damaged one aside with its log instead of deleting it', async () => {
    const dir = path.join(work, 'restored');
    const old = dump(path.join(dir, 'studio.db'));
    const b4 = path.join(work, 'b4');
    await addExpression(app, { videoId: 1, authorId: null, status: 'accepted', targets: [1], text: 'only in the second backup' });
    await backup(app, b4, { withStore: true });
    const r = restore(b4, dir, { force: true });
    // No log beside the new database: the old one's was emptied into it and removed before the swap
    // (a stale -shm is harmless: the first connection resets it).
    expect(readdirSync(dir).filter((n) => n.startsWith('studio.db') && n !== 'studio.db-shm')).toEqual(['studio.db']);
    expect(r.keptIn).toMatch(/pre-restore-[0-9T-]+Z$/);
    expect(dump(path.join(r.keptIn!, 'studio.db'))).toEqual(old);
    expect(dump(path.join(dir, 'studio.db'))).toEqual(dump(path.join(b4, 'studio.db')));

    const broken = path.join(work, 'broken');
    mkdirSync(broken);
    writeFileSync(path.join(broken, 'studio.db'), 'this is not a database, but someone may want it back');
    writeFileSync(path.join(broken, 'studio.db-wal'), 'the log that went with it');
    expect(() => restore(b4, broken)).toThrow(/exists; restore into a fresh DATA_DIR, or pass --force/);
    const r2 = restore(b4, broken, { force: true });
    expect(readFileSync(path.join(r2.keptIn!, 'studio.db'), 'utf8')).toBe('this is not a database, but someone may want it back');
    expect(readFileSync(path.join(r2.keptIn!, 'studio.db-wal'), 'utf8')).toBe('the log that went with it');
    expect(existsSync(path.join(broken, 'studio.db-wal'))).toBe(false);
    expect(dump(path.join(broken, 'studio.db'))).toEqual(dump(path.join(b4, 'studio.db')));
  });
});

describe.skipIf(DIALECT !== 'postgres')('backup and restore on PostgreSQL', () => {
  it('refuse, and point to pg_dump and pg_restore', async () => {
    const app = await testApp();
    const work = mkdtempSync(path.join(os.tmpdir(), 'studio-backup-'));
    try {
      await expect(backup(app, path.join(work, 'b'))).rejects.toThrow(PG_BACKUP);
      expect(PG_BACKUP).toMatch(/pg_dump/);
      expect(() => restore(path.join(work, 'b'), path.join(work, 'data'))).toThrow(PG_RESTORE);
      expect(PG_RESTORE).toMatch(/pg_restore/);
      expect(readdirSync(work)).toEqual([]);
    } finally {
      await app.cleanup();
      rmSync(work, { recursive: true, force: true });
    }
  });
});
