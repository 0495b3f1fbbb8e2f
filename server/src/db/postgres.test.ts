import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { sql } from 'drizzle-orm';
import { createThrowawayPg } from '../testing/pg.ts';
import { isBusy, retryOnBusy } from './busy.ts';
import { lazyTransaction } from './client.ts';
import { countingCommits } from './commits.ts';
import { openPostgres, POOL_IDLE_MS, type PostgresDatabase } from './postgres.ts';

// The PostgreSQL adapter itself (it runs in both test runs: it opens its own database).
describe('the PostgreSQL adapter', () => {
  let pg: Awaited<ReturnType<typeof createThrowawayPg>>;
  let a: PostgresDatabase;
  let b: PostgresDatabase;
  beforeAll(async () => {
    pg = await createThrowawayPg();
    // Two "instances" on one database, migrating at once (they take turns on an advisory lock).
    [a, b] = await Promise.all([openPostgres(pg.url, { poolSize: 3 }), openPostgres(pg.url, { poolSize: 3 })]);
    await a.db.transaction((tx) => tx.execute(sql`create table t (k text primary key, n integer not null)`));
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    await pg?.drop();
  });

  it('refuses a write outside a transaction', async () => {
    const err = await a.db.execute(sql`insert into t values ('outside', 1)`).catch((e: unknown) => e);
    expect(String((err as { cause?: unknown }).cause)).toMatch(/read-only transaction/);
  });

  it('returns 64-bit integers and numerics as numbers', async () => {
    const { rows } = await a.db.execute<{ big: unknown; num: unknown; n: unknown }>(sql`select cast(1733000000000 as bigint) as big, cast(2.5 as numeric) as num, count(*) as n from t`);
    expect(rows[0]).toEqual({ big: 1733000000000, num: 2.5, n: 0 });
  });

  it('runs transactions serializable: of two that read and write the same thing, one fails and a retry succeeds', async () => {
    await a.db.transaction((tx) => tx.execute(sql`insert into t values ('x', 0)`));
    let gate!: () => void;
    const bothRead = new Promise<void>((r) => (gate = r));
    let reads = 0;
    // Each reads n, waits until the other has read too, then writes n + 1: one must lose.
    const bump = (d: PostgresDatabase) =>
      d.db.transaction(async (tx) => {
        const { rows } = await tx.execute<{ n: number }>(sql`select n from t where k = 'x'`);
        if (++reads === 2) gate();
        await bothRead;
        await tx.execute(sql`update t set n = ${rows[0]!.n + 1} where k = 'x'`);
      });
    const results = await Promise.allSettled([bump(a), bump(b)]);
    const failed = results.filter((r) => r.status === 'rejected');
    expect(failed).toHaveLength(1);
    expect(isBusy((failed[0] as PromiseRejectedResult).reason)).toBe(true);
    // The loser, retried, sees the winner's write: no update is lost.
    await retryOnBusy(() => bump(b));
    const { rows } = await a.db.execute<{ n: number }>(sql`select n from t where k = 'x'`);
    expect(rows[0]!.n).toBe(2);
  });

  it('counts commits for the request that made them, and commits lazy ones without waiting for the disk', async () => {
    const seen: string[] = [];
    const { commits } = await countingCommits(async () => {
      await lazyTransaction(a.db, async (tx) => {
        seen.push(((await tx.execute<{ synchronous_commit: string }>(sql`show synchronous_commit`)).rows[0]!).synchronous_commit);
        await tx.execute(sql`insert into t values ('lazy', 1)`);
      });
      await a.db.transaction(async (tx) => {
        seen.push(((await tx.execute<{ synchronous_commit: string }>(sql`show synchronous_commit`)).rows[0]!).synchronous_commit);
      });
      await a.db.execute(sql`select 1`);
    });
    expect(seen).toEqual(['off', 'on']);
    expect(commits).toBe(2);
  });

  it('keeps idle connections through a quiet spell (pg closed them after 10 s) and closes them after minutes', async () => {
    // The pool's idle timers are set when a connection is released: fake clocks from here on.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      // Three statements at once: the pool (size 3) holds three connections afterwards.
      await Promise.all([1, 2, 3].map(() => a.db.execute(sql`select pg_sleep(0.05)`)));
      expect(a.pool.totalCount).toBe(3);
      vi.advanceTimersByTime(60_000);
      expect(a.pool.totalCount).toBe(3);
      vi.advanceTimersByTime(POOL_IDLE_MS);
      await vi.waitFor(() => expect(a.pool.totalCount).toBe(0));
    } finally {
      vi.useRealTimers();
    }
  });
});
