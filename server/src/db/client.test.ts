import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openDb } from './client.ts';

describe('openDb', () => {
  it('applies the committed migrations and runs in WAL mode with foreign keys on', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'studio-db-'));
    try {
      const opened = openDb(path.join(dir, 'nested', 'studio.db'));
      const { sqlite } = opened;
      expect(sqlite.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(sqlite.pragma('foreign_keys', { simple: true })).toBe(1);
      const tables = sqlite
        .prepare("select name from sqlite_master where type = 'table' order by name")
        .all()
        .map((r) => (r as { name: string }).name);
      for (const t of ['users', 'sessions', 'videos', 'frames', 'objects', 'masks', 'expressions', 'validations', 'recordings', 'releases', 'audit_log']) {
        expect(tables).toContain(t);
      }
      await opened.close();
      // Re-opening an up-to-date database applies nothing twice.
      const again = openDb(path.join(dir, 'nested', 'studio.db'));
      const applied = again.sqlite.prepare('select count(*) as n from __drizzle_migrations').get() as { n: number };
      expect(applied.n).toBeGreaterThan(0);
      await again.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
