import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { lazyTransaction, openDb } from './client.ts';
import { countingCommits } from './commits.ts';
import { DIALECT } from './dialect.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// The SQLite adapter itself; the PostgreSQL run covers its own adapter through every other test.
describe.skipIf(DIALECT === 'postgres')('the SQLite adapter: async transactions on one file', () => {
  let dir: string;
  let opened: ReturnType<typeof openDb>;
  const values = () => opened.sqlite.prepare('select x from t order by rowid').pluck().all();

  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'studio-sqlite-'));
    opened = openDb(path.join(dir, 'studio.db'));
    opened.sqlite.exec('create table t (x integer)');
  });
  afterEach(async () => {
    await opened.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("keeps another flow's statements out of a transaction that spans awaits", async () => {
    const { db } = opened;
    let seenMeanwhile: unknown[] = [];
    const first = db.transaction(async (tx) => {
      await tx.execute(sql`insert into t values (1)`);
      // A real pause (a macrotask): other requests run meanwhile.
      await sleep(20);
      await tx.execute(sql`insert into t values (2)`);
    });
    await sleep(5);
    // Outside the transaction: the reader sees only what is committed.
    seenMeanwhile = (await db.execute<{ x: number }>(sql`select x from t`)).rows;
    // A second transaction waits for the first instead of joining it.
    const second = db.transaction(async (tx) => {
      await tx.execute(sql`insert into t values (3)`);
    });
    await Promise.all([first, second]);
    expect(seenMeanwhile).toEqual([]);
    expect(values()).toEqual([1, 2, 3]);
  });

  it('refuses a write outside a transaction', async () => {
    await expect(opened.db.execute(sql`insert into t values (1)`)).rejects.toThrow(/readonly/);
    expect(values()).toEqual([]);
  });

  it('rolls a failed transaction back whole and runs the next one', async () => {
    const { db } = opened;
    const failed = db.transaction(async (tx) => {
      await tx.execute(sql`insert into t values (1)`);
      throw new Error('no');
    });
    const next = db.transaction(async (tx) => tx.execute(sql`insert into t values (2)`));
    await expect(failed).rejects.toThrow('no');
    await next;
    expect(values()).toEqual([2]);
  });

  it('makes a nested transaction a savepoint: its failure undoes only itself', async () => {
    await opened.db.transaction(async (tx) => {
      await tx.execute(sql`insert into t values (1)`);
      await expect(
        tx.transaction(async (inner) => {
          await inner.execute(sql`insert into t values (2)`);
          throw new Error('inner');
        }),
      ).rejects.toThrow('inner');
      await tx.transaction(async (inner) => inner.execute(sql`insert into t values (3)`));
    });
    expect(values()).toEqual([1, 3]);
  });

  it('does not treat work spawned inside a finished transaction as nested in it', async () => {
    const { db } = opened;
    let later: Promise<unknown> | undefined;
    await db.transaction(async (tx) => {
      await tx.execute(sql`insert into t values (1)`);
      // Inherits the transaction's async context, but runs after it committed.
      later = sleep(10).then(() => db.transaction(async (t2) => t2.execute(sql`insert into t values (2)`)));
    });
    await later;
    expect(opened.sqlite.inTransaction).toBe(false);
    expect(values()).toEqual([1, 2]);
  });

  it('counts commits per async flow: not reads, rollbacks, savepoints or empty transactions', async () => {
    const { db } = opened;
    const { commits } = await countingCommits(async () => {
      await db.transaction(async (tx) => {
        await tx.execute(sql`insert into t values (1)`);
        await tx.transaction(async (inner) => inner.execute(sql`insert into t values (2)`));
      });
      await lazyTransaction(db, (tx) => tx.execute(sql`insert into t values (3)`));
      await db.execute(sql`select * from t`);
      await expect(
        db.transaction(async (tx) => {
          await tx.execute(sql`insert into t values (4)`);
          throw new Error('rolled back');
        }),
      ).rejects.toThrow('rolled back');
      await db.transaction(async (tx) => tx.execute(sql`select * from t`));
    });
    expect(commits).toBe(2);

    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const quiet = countingCommits(async () => {
      await gate;
      await db.execute(sql`select * from t`);
    });
    const busy = countingCommits(async () => {
      await db.transaction(async (tx) => tx.execute(sql`insert into t values (5)`));
      await sleep(5);
      await db.transaction(async (tx) => tx.execute(sql`insert into t values (6)`));
      release();
    });
    // A before/after look at the connection would have charged `quiet` with busy's two commits.
    expect((await quiet).commits).toBe(0);
    expect((await busy).commits).toBe(2);
  });

  it('commits a lazy transaction without a sync and puts full syncs back after it', async () => {
    const seen: unknown[] = [];
    await lazyTransaction(opened.db, async (tx) => {
      seen.push(opened.sqlite.pragma('synchronous', { simple: true }));
      await tx.execute(sql`insert into t values (1)`);
    });
    // NORMAL is 1, FULL is 2.
    expect(seen).toEqual([1]);
    expect(opened.sqlite.pragma('synchronous', { simple: true })).toBe(2);
    expect(values()).toEqual([1]);
  });
});
