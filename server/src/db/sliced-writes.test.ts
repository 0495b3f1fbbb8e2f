import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { asc } from 'drizzle-orm';
import { testApp, type TestApp } from '../testing/app.ts';
import { DIALECT } from './dialect.ts';
import { imports } from './schema/index.ts';
import { insertOnce, writeInSlices, type Step } from './sliced-writes.ts';

/** What the driver throws when the slice must be tried again: SQLite busy, or a lost PostgreSQL conflict. */
const busy = () => Object.assign(new Error('try again'), { code: DIALECT === 'postgres' ? '40001' : 'SQLITE_BUSY' });

const importRow = (source: string, id: number | undefined) => ({ id, format: 'davis' as const, source, createdAt: 1, stats: '{}' });

describe('writes in slices', () => {
  let app: TestApp;
  beforeEach(async () => (app = await testApp()));
  afterEach(async () => app.cleanup());

  it('runs a rolled-back slice again with the ids its steps handed out the first time', async () => {
    let failures = 1;
    let firstId = 0;
    function* steps(): Generator<Step, void, unknown> {
      firstId = (yield insertOnce((tx, id) => tx.insert(imports).values(importRow('first', id)).returning({ id: imports.id }))) as number;
      // A later step built from that id, then a failure that rolls the whole slice back once.
      yield insertOnce((tx, id) => tx.insert(imports).values(importRow(`after ${firstId}`, id)).returning({ id: imports.id }));
      yield async () => {
        if (failures-- > 0) throw busy();
      };
    }
    const finished = await writeInSlices(app.db, steps(), async (tx) => (await tx.select({ id: imports.id }).from(imports)).length, { sliceMs: 10_000 });
    expect(failures).toBe(-1);
    expect(finished).toBe(2);
    const rows = await app.db.select({ id: imports.id, source: imports.source }).from(imports).orderBy(asc(imports.id));
    expect(rows).toEqual([
      { id: firstId, source: 'first' },
      { id: expect.any(Number), source: `after ${firstId}` },
    ]);
  });

  it('commits slice by slice, and leaves earlier slices in when a later one fails', async () => {
    function* steps(): Generator<Step, void, unknown> {
      for (let i = 0; i < 3; i++) yield insertOnce((tx, id) => tx.insert(imports).values(importRow(`row ${i}`, id)).returning({ id: imports.id }));
      yield async () => {
        throw new Error('not a busy error');
      };
    }
    // One step per transaction: the three inserts are committed before the failing step.
    await expect(writeInSlices(app.db, steps(), async () => undefined, { sliceMs: 0, gapMs: 1 })).rejects.toThrow('not a busy error');
    expect((await app.db.select({ source: imports.source }).from(imports).orderBy(asc(imports.id))).map((r) => r.source)).toEqual(['row 0', 'row 1', 'row 2']);
  });
});
