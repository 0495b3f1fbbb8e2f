import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { eq, getTableName } from 'drizzle-orm';
import { drizzle as drizzleSqlite } from 'drizzle-orm/better-sqlite3';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { callerFor, makeUser, testApp, type TestApp } from '../testing/app.ts';
import { addExpression, importVideo } from '../testing/factories.ts';
import { createThrowawayPg } from '../testing/pg.ts';
import { compareCopy, copyPostgresToSqlite, copySqliteToPostgres, tablesInOrder } from './copy.ts';
import { DIALECT } from './dialect.ts';
import { openPostgres } from './postgres.ts';
import * as pgSchema from './schema-pg/index.ts';
import * as liteSchema from './schema-sqlite/index.ts';

// Moves a SQLite project to PostgreSQL: only the SQLite run has a SQLite project to move.
describe.skipIf(DIALECT === 'postgres')('db copy: a SQLite project into PostgreSQL', () => {
  let app: TestApp;
  let target: Awaited<ReturnType<typeof createThrowawayPg>>;
  beforeEach(async () => {
    app = await testApp();
    // An empty database, not the migrated template: the copy migrates it itself.
    target = await createThrowawayPg({ empty: true });
  });
  afterEach(async () => {
    await app.cleanup();
    await target.drop();
  });

  it('copies every row of every table, proves it by counts and hashes, and the copy works as the app', async () => {
    const ann = await makeUser(app, 'ann', ['annotator']);
    const val = await makeUser(app, 'val', ['validator']);
    const videoId = await importVideo(app, 'clip', 'accepted', 3);
    const e = await addExpression(app, { videoId, authorId: ann.id, targets: [1, 2] });
    await callerFor(app, val).validate.next();
    await callerFor(app, val).validate.answer({ expressionId: e, answer: { kind: 'no_target' } });
    await app.close();

    const seen = new Set<string>();
    const reports = await copySqliteToPostgres(app.config.dbFile, target.url, (p) => seen.add(p.table));
    // Every table, each with its rows.
    expect(reports.map((r) => r.table).sort()).toEqual(tablesInOrder().map((t) => getTableName(t.pg)).sort());
    expect(seen.size).toBe(reports.length);
    const rows = Object.fromEntries(reports.map((r) => [r.table, r.rows]));
    expect(rows).toMatchObject({ users: 2, videos: 1, objects: 3, expressions: 1, validations: 1, lease_history: 1 });
    expect(rows.masks).toBeGreaterThan(0);

    // The PostgreSQL database now runs the app: new rows get ids after the copied ones.
    const moved = await openPostgres(target.url);
    try {
      const [u] = await moved.db.transaction((tx) =>
        tx.insert(pgSchema.users).values({ username: 'new', passwordHash: 'x', createdAt: 1 }).returning({ id: pgSchema.users.id }),
      );
      expect(u!.id).toBe(3);
      const [copied] = await moved.db.select().from(pgSchema.expressions).where(eq(pgSchema.expressions.id, e));
      expect(copied).toMatchObject({ status: 'second_round', motionReasoning: false, gold: false });
    } finally {
      await moved.close();
    }
  });

  it('refuses a target that already holds rows, and writes nothing to it', async () => {
    await makeUser(app, 'ann', ['annotator']);
    await app.close();
    await copySqliteToPostgres(app.config.dbFile, target.url);
    await expect(copySqliteToPostgres(app.config.dbFile, target.url)).rejects.toThrow(/not empty \(users has 1 rows\)/);
  });

  it('the check finds a row that differs', async () => {
    await makeUser(app, 'ann', ['annotator']);
    await app.close();
    await copySqliteToPostgres(app.config.dbFile, target.url);
    const pool = new pg.Pool({ connectionString: target.url, max: 1 });
    const source = new Database(app.config.dbFile, { readonly: true });
    try {
      await pool.query(`update users set username = 'mallory'`);
      const lite = drizzleSqlite({ client: source, schema: liteSchema, casing: 'snake_case' });
      await expect(compareCopy(lite, drizzlePg({ client: pool, schema: pgSchema, casing: 'snake_case' }))).rejects.toThrow(/copy check failed for users/);
    } finally {
      source.close();
      await pool.end();
    }
  });

  it('and back: a PostgreSQL project into a new SQLite file, row for row, which the app opens', async () => {
    const ann = await makeUser(app, 'ann', ['annotator']);
    const videoId = await importVideo(app, 'clip', 'accepted', 2);
    await addExpression(app, { videoId, authorId: ann.id, targets: [2] });
    await app.close();
    const there = await copySqliteToPostgres(app.config.dbFile, target.url);
    const back = path.join(app.dir, 'back.db');
    const reports = await copyPostgresToSqlite(target.url, back);
    // Same rows and the same content hashes as the original file, table by table.
    expect(reports).toEqual(there);
    await expect(copyPostgresToSqlite(target.url, back)).rejects.toThrow(/exists; copy into a new file/);
    // A database that is not there: an error, and no file (not even a partial one) left behind.
    const nowhere = path.join(app.dir, 'nowhere.db');
    await expect(copyPostgresToSqlite(target.url.replace(/\/[^/]+$/, '/studio_no_such_db'), nowhere)).rejects.toThrow(/does not exist/);
    expect(readdirSync(app.dir).filter((f) => f.startsWith('nowhere'))).toEqual([]);
    const file = new Database(back, { readonly: true });
    try {
      expect(file.prepare('select username from users').all()).toEqual([{ username: 'ann' }]);
      expect(file.prepare('pragma foreign_key_check').all()).toEqual([]);
    } finally {
      file.close();
    }
  });
});
