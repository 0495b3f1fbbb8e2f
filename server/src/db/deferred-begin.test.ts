import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { lockRow, rowLockTransaction } from './client.ts';
import { DIALECT } from './dialect.ts';
import { auditLog } from './schema/index.ts';
import { newTrace, traces } from './trace.ts';
import { testApp, type TestApp } from '../testing/app.ts';

/** db/deferred-begin.ts: a BEGIN rides with a first statement that has no parameters (PostgreSQL). */
describe.skipIf(DIALECT !== 'postgres')('BEGIN sent with the first statement (PostgreSQL)', () => {
  let app: TestApp;
  beforeEach(async () => (app = await testApp()));
  afterEach(async () => app.cleanup());

  const counted = async <T>(fn: () => Promise<T>) => {
    const trace = newTrace();
    const out = await traces.run(trace, fn);
    return { out, statements: trace.statements, roundTrips: trace.roundTrips };
  };

  it('locks a row in the round trip that begins the transaction, and the transaction works as one', async () => {
    const [row] = await app.db.transaction((tx) => tx.insert(auditLog).values({ at: 1, action: 'test.row', entity: 'test' }).returning({ id: auditLog.id }));
    const { statements } = await counted(() =>
      rowLockTransaction(
        app.db,
        async (tx) => {
          await lockRow(tx, 'audit_log', row!.id);
          // The lock is held inside a transaction: this statement sees it as ours.
          const { rows } = await tx.execute<{ n: number }>(sql`select count(*) as n from pg_locks where pid = pg_backend_pid() and mode = 'RowShareLock'`);
          expect(Number(rows[0]!.n)).toBeGreaterThan(0);
          await tx.update(auditLog).set({ entityId: 'locked' }).where(eq(auditLog.id, row!.id));
        },
        { lazy: false },
      ),
    );
    // [BEGIN + lock], the pg_locks read, the update, COMMIT.
    expect(statements).toBe(4);
    expect((await app.db.select().from(auditLog).where(eq(auditLog.id, row!.id)))[0]!.entityId).toBe('locked');
  });

  it('rolls back what the transaction did when it fails, and sends nothing for a transaction that ran nothing', async () => {
    await expect(
      rowLockTransaction(app.db, async (tx) => {
        await lockRow(tx, 'audit_log', 1);
        await tx.insert(auditLog).values({ at: 1, action: 'test.rolled-back', entity: 'test' });
        throw new Error('changed my mind');
      }),
    ).rejects.toThrow('changed my mind');
    expect(await app.db.select().from(auditLog).where(eq(auditLog.action, 'test.rolled-back'))).toEqual([]);
    const { statements } = await counted(() => app.db.transaction(async () => 'nothing'));
    expect(statements).toBe(0);
    // A first statement with parameters: BEGIN goes as a statement of its own, but in the same
    // round trip (the connection is pipelined), then COMMIT.
    const withParams = await counted(() => app.db.transaction((tx) => tx.insert(auditLog).values({ at: 2, action: 'test.kept', entity: 'test' })));
    expect({ statements: withParams.statements, roundTrips: withParams.roundTrips }).toEqual({ statements: 3, roundTrips: 2 });
    expect(await app.db.select().from(auditLog).where(eq(auditLog.action, 'test.kept'))).toHaveLength(1);
  });

  it('refuses a row id that is not an integer', async () => {
    await expect(rowLockTransaction(app.db, (tx) => lockRow(tx, 'audit_log', 1.5))).rejects.toThrow(/not a table and row id/);
  });
});
