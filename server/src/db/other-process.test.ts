import { describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { sql } from 'drizzle-orm';
import { repoRoot } from '../paths.ts';
import { sqliteOf, testApp } from '../testing/app.ts';
import { DIALECT } from './dialect.ts';
import { retryOnBusy } from './busy.ts';
import { startCheckpointer, type CheckpointResult } from './checkpointer.ts';
import { setBusyTimeout } from './client.ts';
import { enableGroupCommit } from './group-commit.ts';

// What the CLI's connection does beside the server: many small FULL-synced commits, its own
// automatic checkpoints (default wal_autocheckpoint) and now and then an explicit one.
const WRITER = `
const db = new (require('better-sqlite3'))(process.argv[1], { timeout: 5000 });
db.pragma('synchronous = FULL');
const ins = db.prepare("insert into audit_log (at, action, entity, data) values (1, 'cli', 'test', ?)");
for (let t = 0; t < 150; t++) {
  db.transaction(() => { for (let i = 0; i < 10; i++) ins.run('c'.repeat(600)); })();
  if (t % 40 === 39) db.pragma('wal_checkpoint(PASSIVE)');
}
db.close();
`;

// Two processes on one SQLite file; on PostgreSQL, instances share a server instead (bench:validate --instances 2).
describe.skipIf(DIALECT === 'postgres')('group commit and checkpoints while another process writes the same database', () => {
  it('every durable commit is synced, checkpoints keep going, and nothing is lost or damaged', async () => {
    const app = await testApp();
    setBusyTimeout(sqliteOf(app), 0);
    const errors: unknown[] = [];
    const checkpoints: CheckpointResult[] = [];
    const group = enableGroupCommit(sqliteOf(app), { intervalMs: 50, onError: (e) => errors.push(e) });
    const cp = startCheckpointer(sqliteOf(app), { intervalMs: 20, onCheckpoint: (r) => checkpoints.push(r), onError: (e) => errors.push(e) });
    try {
      const child = spawn(process.execPath, ['-e', WRITER, app.config.dbFile], { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'] });
      const exited = new Promise<number | null>((r) => child.on('exit', r));
      let serverCommits = 0;
      let childDone = false;
      void exited.then(() => (childDone = true));
      // The server's side: durable commits, each answered only once synced, until the CLI is done.
      while (!childDone || serverCommits < 100) {
        await retryOnBusy(() => app.db.transaction((tx) => tx.execute(sql`insert into audit_log (at, action, entity, data) values (1, 'server', 'test', ${'s'.repeat(600)})`)), { deadlineMs: 10_000 });
        await group.syncUpTo(group.mark());
        serverCommits++;
        await new Promise((r) => setTimeout(r, 2));
      }
      expect(await exited).toBe(0);
      // Quiet now: the worker's next checkpoint moves the whole WAL into the database file.
      for (let i = 0; i < 200 && !checkpoints.some((r) => r.busy === 0 && r.log > 0 && r.checkpointed === r.log); i++) await new Promise((r) => setTimeout(r, 20));
      const busy = checkpoints.filter((r) => r.busy).length;
      console.log(`${serverCommits} server commits beside 150 CLI transactions; ${checkpoints.length} worker checkpoints (${busy} found the checkpoint lock taken)`);
      expect(checkpoints.some((r) => r.busy === 0 && r.log > 0 && r.checkpointed === r.log)).toBe(true);
      expect(errors).toEqual([]);
      const counts = sqliteOf(app).prepare(`select action, count(*) as n from audit_log where entity = 'test' group by action order by action`).all();
      expect(counts).toEqual([
        { action: 'cli', n: 1500 },
        { action: 'server', n: serverCommits },
      ]);
      expect(sqliteOf(app).pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      await cp.stop();
      group.stop();
      await app.cleanup();
    }
  });
});
