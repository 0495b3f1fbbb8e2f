import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { TRPCError } from '@trpc/server';
import { callerFor, makeUser, sqliteOf, testApp, type TestApp } from '../testing/app.ts';
import { DIALECT } from './dialect.ts';
import { addExpression, importVideo } from '../testing/factories.ts';
import { lazyTransaction } from './client.ts';
import { enableGroupCommit, groupCommitOf, type GroupCommit } from './group-commit.ts';
import { getSettings } from '../services/settings.ts';

/** A sync the test holds open and releases (or fails) when it chooses. */
function heldSyncs() {
  const pending: { resolve: () => void; reject: (e: Error) => void }[] = [];
  return {
    started: () => pending.length,
    sync: () => new Promise<void>((resolve, reject) => pending.push({ resolve, reject })),
    release: (i: number) => pending[i]!.resolve(),
    fail: (i: number, msg: string) => pending[i]!.reject(new Error(msg)),
  };
}

const tick = () => new Promise((r) => setTimeout(r, 5));
/** Settles a promise's state without awaiting it: 'pending', 'done' or the error message. */
function watch(p: Promise<unknown>) {
  const s = { state: 'pending' as string };
  p.then(
    () => (s.state = 'done'),
    (e: unknown) => (s.state = e instanceof TRPCError ? `${e.code}: ${e.message}` : e instanceof Error ? e.message : String(e)),
  );
  return s;
}

// Group commit is SQLite's (a PostgreSQL commit is durable when it returns).
describe.skipIf(DIALECT === 'postgres')('group commit', () => {
  let app: TestApp;
  let syncs: ReturnType<typeof heldSyncs>;
  let group: GroupCommit;
  const write = () => sqliteOf(app).prepare(`insert into audit_log (at, action, entity) values (1, 'test', 'test')`).run();

  beforeEach(async () => {
    app = await testApp();
    syncs = heldSyncs();
    group = enableGroupCommit(sqliteOf(app), { sync: syncs.sync, onError: () => {}, intervalMs: 60_000 });
  });
  afterEach(async () => {
    group.stop();
    await app.cleanup();
  });

  it('switches the connection to synchronous = NORMAL, and back to FULL when stopped', async () => {
    expect(sqliteOf(app).pragma('synchronous', { simple: true })).toBe(1);
    expect(groupCommitOf(sqliteOf(app))).toBe(group);
    group.stop();
    expect(sqliteOf(app).pragma('synchronous', { simple: true })).toBe(2);
    expect(groupCommitOf(sqliteOf(app))).toBeUndefined();
    group = enableGroupCommit(sqliteOf(app), { sync: syncs.sync, onError: () => {} });
  });

  it('nothing written, nothing to wait for; a write waits for a sync that started after it', async () => {
    await group.syncUpTo(group.mark());
    expect(syncs.started()).toBe(0);
    write();
    const a = watch(group.syncUpTo(group.mark()));
    expect(syncs.started()).toBe(1);
    write(); // after sync 0 started: sync 0 does not cover it
    const b = watch(group.syncUpTo(group.mark()));
    const c = watch(group.syncUpTo(group.mark()));
    await tick();
    expect([a.state, b.state, c.state, syncs.started()]).toEqual(['pending', 'pending', 'pending', 1]);
    syncs.release(0);
    await tick();
    // b and c share one sync, started once sync 0 ended.
    expect([a.state, b.state, c.state, syncs.started()]).toEqual(['done', 'pending', 'pending', 2]);
    syncs.release(1);
    await tick();
    expect([b.state, c.state, syncs.started()]).toEqual(['done', 'done', 2]);
    await group.syncUpTo(group.mark()); // all synced: no new sync
    expect(syncs.started()).toBe(2);
  });

  it('lazy writes (leases, session touches) need no sync', async () => {
    const before = group.mark();
    await lazyTransaction(app.db, async () => {
      write();
      write();
    });
    expect(group.mark()).toBe(before);
    write();
    expect(group.mark()).toBe(before + 1);
  });

  it('a failed sync fails its waiters, and the next wait syncs again', async () => {
    write();
    const a = watch(group.syncUpTo(group.mark()));
    syncs.fail(0, 'EIO');
    await tick();
    expect(a.state).toBe('EIO');
    const b = watch(group.syncUpTo(group.mark()));
    expect(syncs.started()).toBe(2);
    syncs.release(1);
    await tick();
    expect(b.state).toBe('done');
  });

  it('a submission is answered only after its sync; handing out a sample is answered at once', async () => {
    const ann = await makeUser(app, 'ann', ['annotator']);
    const val = await makeUser(app, 'val', ['validator']);
    const videoId = await importVideo(app, 'v', 'accepted', 2);
    const id = await addExpression(app, { videoId, authorId: ann.id, targets: [1] });
    const caller = callerFor(app, val);

    const sample = await caller.validate.next(); // only a lease: no sync
    expect(sample?.expressionId).toBe(id);
    expect(syncs.started()).toBe(0);

    const answer = watch(caller.validate.answer({ expressionId: id, answer: { kind: 'targets', targets: [1] } }));
    await tick();
    expect([answer.state, syncs.started()]).toEqual(['pending', 1]);
    syncs.release(0);
    await tick();
    expect(answer.state).toBe('done');
  });

  it('a request whose sync fails gets an internal error, never an acknowledgement', async () => {
    const admin = await makeUser(app, 'boss', ['admin']);
    const caller = callerFor(app, admin);
    const saved = watch(caller.admin.settings.update({ quietMinutes: 45 }));
    await tick();
    syncs.fail(0, 'EIO');
    await tick();
    // (Over HTTP the error formatter then hides the cause: "internal error (logged on the server)".)
    expect(saved.state).toBe('INTERNAL_SERVER_ERROR: EIO');
    // The commit itself stands (the next sync will cover it); only the acknowledgement was refused.
    expect((await getSettings(app.db)).quietMinutes).toBe(45);
  });
});

describe.skipIf(DIALECT === 'postgres')('group commit on a real WAL file', () => {
  it('syncs the WAL with fdatasync off the event loop', async () => {
    const app = await testApp();
    try {
      const group = enableGroupCommit(sqliteOf(app), { onError: (e) => { throw e; } });
      sqliteOf(app).prepare(`insert into audit_log (at, action, entity) values (1, 'test', 'test')`).run();
      expect(existsSync(`${app.config.dbFile}-wal`)).toBe(true);
      await group.syncUpTo(group.mark());
      // A second wait for the same changes starts no sync and resolves at once.
      await group.syncUpTo(group.mark());
      group.stop();
    } finally {
      await app.cleanup();
    }
  });

  it('refuses an in-memory database', async () => {
    const { default: Database } = await import('better-sqlite3');
    const mem = new Database(':memory:');
    expect(() => enableGroupCommit(mem, { onError: () => {} })).toThrow(/database file/);
    mem.close();
  });
});
