import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { DIALECT } from '../db/dialect.ts';
import { repoRoot } from '../paths.ts';
import { makeUser, sqliteOf, testApp } from '../testing/app.ts';
import { addExpression, importVideo } from '../testing/factories.ts';
import { backup } from './backup.ts';
import { restore, RESTORE_STEPS } from './restore.ts';

const child = path.join(repoRoot, 'server/src/testing/restore-crash-child.ts');

/** Opens the database as the server would after a crash (read-write, WAL recovery) and dumps every table. */
function openAndDump(file: string): Record<string, unknown[]> {
  const db = new Database(file);
  try {
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const tables = db.prepare<[], { name: string }>(`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name`).all();
    return Object.fromEntries(tables.map((t) => [t.name, db.prepare(`select * from "${t.name}" order by 1, 2`).all()]));
  } finally {
    db.close();
  }
}

// About swapping the SQLite file and its WAL; on PostgreSQL restore refuses (backup.test.ts).
describe.skipIf(DIALECT === 'postgres')('restore survives a crash at every step', () => {
  let work: string;
  let snapshot: string;
  let backupDir: string;
  let oldDump: Record<string, unknown[]>;
  let newDump: Record<string, unknown[]>;

  beforeAll(async () => {
    work = mkdtempSync(path.join(os.tmpdir(), 'studio-restore-crash-'));
    // The new data: a backup of another data dir.
    const other = await testApp();
    const u = await makeUser(other, 'new-user', ['annotator']);
    const v = await importVideo(other, 'new-video', 'accepted', 2);
    await addExpression(other, { videoId: v, authorId: u.id, status: 'accepted', targets: [1], text: 'only in the backup' });
    backupDir = path.join(work, 'backup');
    await backup(other, backupDir, { withStore: true });
    await other.cleanup();
    newDump = openAndDump(path.join(backupDir, 'studio.db'));

    // The old data, as a server leaves it when it dies: committed transactions still in the WAL.
    const old = await testApp();
    await makeUser(old, 'old-user', ['validator']);
    await importVideo(old, 'old-video', 'accepted', 3);
    sqliteOf(old).pragma('wal_checkpoint(TRUNCATE)');
    sqliteOf(old).pragma('wal_autocheckpoint = 0');
    await makeUser(old, 'late-user', ['speaker']);
    snapshot = path.join(work, 'snapshot');
    cpSync(old.config.dataDir, snapshot, { recursive: true });
    // No write is under way, so the database file and its WAL copied now are a committed state.
    for (const s of ['', '-wal']) copyFileSync(old.config.dbFile + s, path.join(snapshot, `studio.db${s}`));
    rmSync(path.join(snapshot, 'studio.db-shm'), { force: true });
    await old.cleanup();
    expect(statSync(path.join(snapshot, 'studio.db-wal')).size).toBeGreaterThan(0);
    const probe = path.join(work, 'probe');
    cpSync(snapshot, probe, { recursive: true });
    oldDump = openAndDump(path.join(probe, 'studio.db'));
    expect((oldDump.users as { username: string }[]).map((r) => r.username)).toEqual(['old-user', 'late-user']);
    // The WAL matters: without it the database lacks the late user (what deleting it would lose).
    const bare = path.join(work, 'bare.db');
    copyFileSync(path.join(snapshot, 'studio.db'), bare);
    expect((openAndDump(bare).users as { username: string }[]).map((r) => r.username)).toEqual(['old-user']);
    expect(oldDump).not.toEqual(newDump);
  }, 60_000);
  afterAll(async () => rmSync(work, { recursive: true, force: true }));

  it.each(RESTORE_STEPS.map((s, i) => [s, i] as const))('killed with SIGKILL at "%s": the old database or the new one, complete; a second restore finishes', (step, i) => {
    const dataDir = path.join(work, `data-${step}`);
    cpSync(snapshot, dataDir, { recursive: true });
    // node itself, not the tsx wrapper (which would report the kill as an exit code).
    const r = spawnSync(process.execPath, ['--import', 'tsx', child, backupDir, dataDir, step], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });
    expect(r.signal, r.stderr).toBe('SIGKILL');

    const swapped = i >= RESTORE_STEPS.indexOf('renamed');
    expect(openAndDump(path.join(dataDir, 'studio.db'))).toEqual(swapped ? newDump : oldDump);
    // Once kept, the old database is complete in pre-restore-<time>/ too.
    const kept = readdirSync(dataDir).filter((n) => /^pre-restore-[^.]+$/.test(n));
    if (i >= RESTORE_STEPS.indexOf('kept')) {
      expect(kept).toHaveLength(1);
      expect(openAndDump(path.join(dataDir, kept[0]!, 'studio.db'))).toEqual(oldDump);
    }

    // Running it again (what an admin does after the crash) ends with the new database, and the
    // old one kept whatever step the first attempt died at.
    const again = restore(backupDir, dataDir, { force: true });
    expect(openAndDump(path.join(dataDir, 'studio.db'))).toEqual(newDump);
    const keptOld = swapped ? path.join(dataDir, kept[0]!, 'studio.db') : path.join(again.keptIn!, 'studio.db');
    expect(openAndDump(keptOld)).toEqual(oldDump);
    expect(readdirSync(dataDir).filter((n) => n.startsWith('studio.db.restore-') || n.endsWith('.partial'))).toEqual([]);
    expect(existsSync(path.join(dataDir, 'studio.db-wal'))).toBe(false);
  }, 90_000);
});
