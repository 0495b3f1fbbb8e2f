import { describe, expect, it } from 'vitest';
import { statSync } from 'node:fs';
import { sqliteOf, testApp, type TestApp } from '../testing/app.ts';
import { DIALECT } from './dialect.ts';
import { startCheckpointer, type CheckpointResult } from './checkpointer.ts';

const write = (app: TestApp, n: number) => {
  const ins = sqliteOf(app).prepare(`insert into audit_log (at, action, entity, data) values (1, 'test', 'test', ?)`);
  for (let i = 0; i < n; i++) ins.run('x'.repeat(500));
};

// SQLite's WAL checkpoints; PostgreSQL checkpoints by itself.
describe.skipIf(DIALECT === 'postgres')('checkpoints on a worker thread', () => {
  it('the server connection stops checkpointing; the worker moves the WAL into the database file', async () => {
    const app = await testApp();
    const seen: CheckpointResult[] = [];
    const errors: unknown[] = [];
    const cp = startCheckpointer(sqliteOf(app), { intervalMs: 20, onCheckpoint: (r) => seen.push(r), onError: (e) => errors.push(e) });
    try {
      expect(sqliteOf(app).pragma('wal_autocheckpoint', { simple: true })).toBe(0);
      const dbBefore = statSync(app.config.dbFile).size;
      write(app, 3000); // ~1.5 MB: automatic checkpoints would have run on this thread
      for (let i = 0; i < 200 && !seen.some((r) => r.checkpointed > 0 && r.checkpointed === r.log); i++) await new Promise((r) => setTimeout(r, 20));
      const done = seen.find((r) => r.checkpointed > 0 && r.checkpointed === r.log);
      expect(done).toBeDefined();
      // The pages reached the database file (it grew), written by the worker's connection.
      expect(statSync(app.config.dbFile).size).toBeGreaterThan(dbBefore + 1_000_000);
      // No changes since: no more checkpoints asked for.
      const count = seen.length;
      await new Promise((r) => setTimeout(r, 100));
      expect(seen.length).toBe(count);
      expect(errors).toEqual([]);
    } finally {
      await cp.stop();
      expect(sqliteOf(app).pragma('wal_autocheckpoint', { simple: true })).toBe(1000);
      await app.cleanup();
    }
  });

  it('refuses an in-memory database', async () => {
    const { default: Database } = await import('better-sqlite3');
    const mem = new Database(':memory:');
    expect(() => startCheckpointer(mem, { onError: () => {} })).toThrow(/database file/);
    mem.close();
  });
});
