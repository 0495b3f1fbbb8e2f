import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { auditLog } from './schema/index.ts';
import { DIALECT } from './dialect.ts';
import { newTrace, traces } from './trace.ts';
import { commitWith, writeTogether } from './write-together.ts';
import { testApp, type TestApp } from '../testing/app.ts';

describe(`writeTogether (${DIALECT})`, () => {
  let app: TestApp;
  beforeEach(async () => (app = await testApp()));
  afterEach(async () => app.cleanup());

  const rows = async (action: string) => (await app.db.select().from(auditLog).where(eq(auditLog.action, action))).map((r) => r.entityId);

  it('applies every write, as one statement on PostgreSQL', async () => {
    const trace = newTrace();
    await traces.run(trace, () =>
      app.db.transaction(async (tx) => {
        // The transaction under way first (its BEGIN goes with the first statement: deferred-begin.ts).
        await tx.select().from(auditLog).limit(1);
        const before = trace.statements;
        await writeTogether(tx, [
          tx.insert(auditLog).values({ at: 1, action: 'test.together', entity: 'test', entityId: 'a' }),
          tx.insert(auditLog).values({ at: 1, action: 'test.together', entity: 'test', entityId: 'b' }),
          tx.update(auditLog).set({ entityId: 'changed' }).where(eq(auditLog.action, 'test.elsewhere')),
        ]);
        // The pool's connections are traced on PostgreSQL only (db/postgres.ts).
        if (DIALECT === 'postgres') expect(trace.statements - before).toBe(1);
      }),
    );
    expect((await rows('test.together')).sort()).toEqual(['a', 'b']);
  });

  it('leaves nothing behind when one of the writes fails', async () => {
    const [first] = await app.db.transaction((tx) => tx.insert(auditLog).values({ at: 1, action: 'test.first', entity: 'test' }).returning({ id: auditLog.id }));
    await expect(
      app.db.transaction((tx) =>
        writeTogether(tx, [
          tx.insert(auditLog).values({ at: 2, action: 'test.lost', entity: 'test', entityId: 'x' }),
          // The primary key is taken: this write fails, and the one above must not stay.
          tx.insert(auditLog).values({ id: first!.id, at: 2, action: 'test.lost', entity: 'test', entityId: 'y' }),
        ]),
      ),
    ).rejects.toThrow();
    expect(await rows('test.lost')).toEqual([]);
  });

  it('does nothing for no writes', async () => {
    await app.db.transaction((tx) => writeTogether(tx, []));
  });
});

describe(`commitWith (${DIALECT})`, () => {
  let app: TestApp;
  beforeEach(async () => (app = await testApp()));
  afterEach(async () => app.cleanup());

  const rows = async (action: string) => (await app.db.select().from(auditLog).where(eq(auditLog.action, action))).map((r) => r.entityId);
  const traced = async <T>(fn: () => Promise<T>) => {
    const trace = newTrace();
    const out = await traces.run(trace, fn);
    return { out, trace };
  };

  it('commits the last writes and returns the result, with the COMMIT in their round trip on PostgreSQL', async () => {
    const { out, trace } = await traced(() =>
      app.db.transaction(async (tx) => {
        const [found] = await tx.select().from(auditLog).limit(1);
        return commitWith(tx, [tx.insert(auditLog).values({ at: 1, action: 'test.last', entity: 'test', entityId: found ? 'some' : 'none' })], 'done');
      }),
    );
    expect(out).toBe('done');
    expect(await rows('test.last')).toEqual(['none']);
    // [BEGIN + the read] and [the write + COMMIT]: four statements, two waits.
    if (DIALECT === 'postgres') expect({ statements: trace.statements, roundTrips: trace.roundTrips }).toEqual({ statements: 4, roundTrips: 2 });
  });

  it('throws the error of the failed write and commits nothing of the transaction', async () => {
    const [first] = await app.db.transaction((tx) => tx.insert(auditLog).values({ at: 1, action: 'test.first', entity: 'test' }).returning({ id: auditLog.id }));
    const failed = await app.db
      .transaction(async (tx) => {
        await tx.insert(auditLog).values({ at: 2, action: 'test.lost', entity: 'test', entityId: 'earlier' });
        // The primary key is taken: on PostgreSQL the COMMIT sent behind it becomes a ROLLBACK.
        return commitWith(tx, [tx.insert(auditLog).values({ id: first!.id, at: 2, action: 'test.lost', entity: 'test', entityId: 'last' })], 'not reached');
      })
      .then(
        () => null,
        (err: Error) => `${err.message} ${(err.cause as Error | undefined)?.message ?? ''}`,
      );
    expect(failed).toMatch(/duplicate key|UNIQUE constraint/);
    expect(await rows('test.lost')).toEqual([]);
    // The connection went back to the pool in a clean state: the next transaction works.
    await app.db.transaction((tx) => commitWith(tx, [tx.insert(auditLog).values({ at: 3, action: 'test.after', entity: 'test' })], null));
    expect(await rows('test.after')).toHaveLength(1);
  });

  it('runs the writes before returning inside a nested transaction, whose end is not a COMMIT', async () => {
    const out = await app.db.transaction(async (tx) => {
      const inner = await tx.transaction((nested) => commitWith(nested, [nested.insert(auditLog).values({ at: 1, action: 'test.nested', entity: 'test' })], 'inner'));
      // The nested writes are done by now: this read sees them.
      const seen = await tx.select().from(auditLog).where(eq(auditLog.action, 'test.nested'));
      return `${inner}:${seen.length}`;
    });
    expect(out).toBe('inner:1');
    expect(await rows('test.nested')).toHaveLength(1);
  });
});
