import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { auditLog } from './schema/index.ts';
import { DIALECT } from './dialect.ts';
import { newTrace, traces } from './trace.ts';
import { writeTogether } from './write-together.ts';
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
