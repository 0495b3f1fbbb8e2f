import { asc, count, getTableColumns, getTableName, sql, type Column } from 'drizzle-orm';
import { drizzle as drizzleSqlite } from 'drizzle-orm/better-sqlite3';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { getTableConfig as pgConfig, type PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as liteConfig, type SQLiteTable } from 'drizzle-orm/sqlite-core';
import Database from 'better-sqlite3';
import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import { existsSync, renameSync, rmSync } from 'node:fs';
import { migratePostgres } from './postgres.ts';
import { openSqlite } from './sqlite.ts';
import * as pgSchema from './schema-pg/index.ts';
import * as liteSchema from './schema-sqlite/index.ts';

/** Rows per INSERT: PostgreSQL allows 65,535 parameters per statement; the widest table has < 30 columns. */
const BATCH_ROWS = 1000;
/** Rows read per page (both sides, in primary-key order) when copying and when hashing. */
const PAGE_ROWS = 5000;

export interface TableReport {
  table: string;
  rows: number;
  /** sha256 of the table's rows in primary-key order, as JavaScript values (equal on both sides). */
  sha256: string;
}

export interface CopyProgress {
  table: string;
  copied: number;
  total: number;
}

/**
 * Copies every row of a SQLite project into an empty PostgreSQL database, then proves the copy:
 * per table the row count and a content hash must be equal on both sides (`npm run studio -- db
 * copy --to <DATABASE_URL>`). The source is read in one read transaction (a consistent snapshot)
 * and never written; the target gets its schema from migrations-pg, the rows table by table in
 * foreign-key order inside one transaction (all or nothing), and its identity sequences moved past
 * the copied ids. Both sides are read through drizzle with each dialect's schema, so the hashes
 * compare the values the app sees (booleans, JSON text, numbers), not the engines' encodings.
 */
export async function copySqliteToPostgres(sqliteFile: string, url: string, onProgress: (p: CopyProgress) => void = () => {}): Promise<TableReport[]> {
  const source = new Database(sqliteFile, { readonly: true, fileMustExist: true });
  await migratePostgres(url);
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    const lite = drizzleSqlite({ client: source, schema: liteSchema, casing: 'snake_case' });
    const target = drizzlePg({ client: pool, schema: pgSchema, casing: 'snake_case' });
    const tables = tablesInOrder();
    source.exec('begin'); // one snapshot for the whole copy and its check
    try {
      await target.transaction(async (tx) => {
        for (const { pg: pt } of tables) {
          const [{ n: existing }] = (await tx.select({ n: count() }).from(pt)) as [{ n: number }];
          if (existing > 0) throw new Error(`the target database is not empty (${getTableName(pt)} has ${existing} rows); copy into a new, empty database`);
        }
        for (const { lite: lt, pg: pt } of tables) {
          const name = getTableName(lt);
          const total = lite.select({ n: count() }).from(lt).get()!.n;
          let copied = 0;
          for (const page of pages(lite, lt)) {
            for (let i = 0; i < page.length; i += BATCH_ROWS) await tx.insert(pt).values(page.slice(i, i + BATCH_ROWS));
            copied += page.length;
            onProgress({ table: name, copied, total });
          }
          if (total === 0) onProgress({ table: name, copied: 0, total: 0 });
          for (const col of identityColumns(pt)) {
            // Next id after the copied ones (is_called = false when the table is empty: it starts at 1).
            await tx.execute(
              sql`select setval(pg_get_serial_sequence(${name}, ${col}), coalesce((select max(${sql.identifier(col)}) from ${sql.identifier(name)}), 0) + 1, false)`,
            );
          }
        }
      });
      // A fresh copy has no statistics: PostgreSQL would plan the app's queries as on empty tables
      // (full scans, about 5× slower on the export's reads) until autovacuum got round to them.
      // VACUUM also sets the visibility map, without which count(*) (the admin overview counts
      // 443k masks at MeViS scale) reads every heap page instead of the index alone.
      await pool.query('vacuum (analyze)');
      // The proof, read back from the committed target.
      return await compareCopy(lite, target);
    } finally {
      source.exec('rollback');
    }
  } finally {
    source.close();
    await pool.end();
  }
}

/**
 * The other way: every row of a PostgreSQL project into a new SQLite file (migrated here), in one
 * read-only REPEATABLE READ transaction on the source (one snapshot), checked by the same counts
 * and hashes. For a local snapshot of a deployment, and for checks written against the SQLite file
 * (test:crash reads what several PostgreSQL instances left through it).
 */
export async function copyPostgresToSqlite(url: string, sqliteFile: string, onProgress: (p: CopyProgress) => void = () => {}): Promise<TableReport[]> {
  if (existsSync(sqliteFile)) throw new Error(`${sqliteFile} exists; copy into a new file`);
  // Written beside the target and renamed only once checked: a failed copy leaves no file behind.
  const partial = `${sqliteFile}.partial-${randomBytes(4).toString('hex')}`;
  try {
    const reports = await copyInto(url, partial, onProgress);
    renameSync(partial, sqliteFile);
    return reports;
  } finally {
    for (const f of [partial, `${partial}-wal`, `${partial}-shm`]) rmSync(f, { force: true });
  }
}

async function copyInto(url: string, sqliteFile: string, onProgress: (p: CopyProgress) => void): Promise<TableReport[]> {
  // Connect before creating anything, so a wrong URL fails with nothing made.
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (err) {
    await pool.end();
    throw err;
  }
  await openSqlite(sqliteFile).close();
  const file = new Database(sqliteFile);
  try {
    const lite = drizzleSqlite({ client: file, schema: liteSchema, casing: 'snake_case' });
    // On one pooled client, so that every read is in the snapshot below (same query API as a pool's).
    const source = drizzlePg({ client, schema: pgSchema, casing: 'snake_case' }) as unknown as ReturnType<typeof drizzlePg>;
    await client.query('begin isolation level repeatable read read only');
    try {
      file.exec('begin');
      for (const { lite: lt, pg: pt } of tablesInOrder()) {
        const name = getTableName(lt);
        let copied = 0;
        for await (const page of pgPages(source, pt)) {
          for (let i = 0; i < page.length; i += 200) lite.insert(lt).values(page.slice(i, i + 200)).run();
          copied += page.length;
          onProgress({ table: name, copied, total: copied });
        }
      }
      file.exec('commit');
      return await compareCopy(lite, source);
    } finally {
      await client.query('rollback');
    }
  } finally {
    client.release();
    file.close();
    await pool.end();
  }
}

/**
 * Row counts and content hashes of every table on both sides; throws naming the first table that
 * differs. Used by the copy on its own result, and by anyone who wants to check a copy again.
 */
export async function compareCopy(lite: ReturnType<typeof drizzleSqlite>, target: ReturnType<typeof drizzlePg>): Promise<TableReport[]> {
  const reports: TableReport[] = [];
  for (const { lite: lt, pg: pt } of tablesInOrder()) {
    const want = await hashRows(pages(lite, lt));
    const got = await hashRows(pgPages(target, pt));
    if (want.rows !== got.rows || want.sha256 !== got.sha256) {
      throw new Error(`copy check failed for ${getTableName(lt)}: ${want.rows} rows (sha256 ${want.sha256.slice(0, 12)}) in SQLite, ${got.rows} (${got.sha256.slice(0, 12)}) in PostgreSQL`);
    }
    reports.push({ table: getTableName(lt), ...want });
  }
  return reports;
}

interface TablePair {
  lite: SQLiteTable;
  pg: PgTable;
}

/** Every table of both schemas, parents before children (foreign keys). */
export function tablesInOrder(): TablePair[] {
  const pairs = new Map<string, TablePair>();
  for (const [key, t] of Object.entries(liteSchema)) {
    const other = (pgSchema as Record<string, unknown>)[key];
    if (!other) throw new Error(`table ${key} exists in the SQLite schema only`);
    pairs.set(getTableName(t as SQLiteTable), { lite: t as SQLiteTable, pg: other as PgTable });
  }
  const ordered: TablePair[] = [];
  const seen = new Set<string>();
  const visit = (name: string, path: string[]) => {
    if (seen.has(name)) return;
    if (path.includes(name)) throw new Error(`foreign keys form a cycle: ${[...path, name].join(' → ')}`);
    const pair = pairs.get(name)!;
    for (const fk of liteConfig(pair.lite).foreignKeys) {
      const parent = getTableName(fk.reference().foreignTable);
      if (parent !== name) visit(parent, [...path, name]);
    }
    seen.add(name);
    ordered.push(pair);
  };
  for (const name of [...pairs.keys()].sort()) visit(name, []);
  return ordered;
}

/** Primary-key columns (the order rows are read and hashed in). */
function keyColumns(t: SQLiteTable | PgTable): string[] {
  const columns = Object.entries(getTableColumns(t)) as [string, Column][];
  const single = columns.filter(([, c]) => c.primary).map(([k]) => k);
  if (single.length) return single;
  const composite = (isPg(t) ? pgConfig(t).primaryKeys : liteConfig(t as SQLiteTable).primaryKeys)[0];
  if (composite) {
    const byName = new Map(columns.map(([k, c]) => [c.name, k]));
    return composite.columns.map((c) => byName.get(c.name) ?? c.name);
  }
  return columns.map(([k]) => k);
}

const isPg = (t: SQLiteTable | PgTable): t is PgTable => Object.values(pgSchema).includes(t as never);

function identityColumns(t: PgTable): string[] {
  return pgConfig(t)
    .columns.filter((c) => (c as unknown as { generatedIdentity?: unknown }).generatedIdentity)
    .map((c) => c.name);
}

function* pages(db: ReturnType<typeof drizzleSqlite>, t: SQLiteTable): Generator<Record<string, unknown>[]> {
  const cols = getTableColumns(t);
  const order = keyColumns(t).map((k) => asc(cols[k]!));
  for (let offset = 0; ; offset += PAGE_ROWS) {
    const page = db.select().from(t).orderBy(...order).limit(PAGE_ROWS).offset(offset).all() as Record<string, unknown>[];
    if (page.length) yield page;
    if (page.length < PAGE_ROWS) return;
  }
}

async function* pgPages(db: ReturnType<typeof drizzlePg>, t: PgTable): AsyncGenerator<Record<string, unknown>[]> {
  const cols = getTableColumns(t);
  const order = keyColumns(t).map((k) => asc(cols[k]!));
  for (let offset = 0; ; offset += PAGE_ROWS) {
    const page = (await db.select().from(t).orderBy(...order).limit(PAGE_ROWS).offset(offset)) as Record<string, unknown>[];
    if (page.length) yield page;
    if (page.length < PAGE_ROWS) return;
  }
}

/** Each row as JSON with its keys sorted: the same values give the same bytes on both sides. */
const canonical = (row: Record<string, unknown>) => JSON.stringify(Object.keys(row).sort().map((k) => [k, row[k]]));

async function hashRows(source: Iterable<Record<string, unknown>[]> | AsyncIterable<Record<string, unknown>[]>): Promise<{ rows: number; sha256: string }> {
  const h = createHash('sha256');
  let rows = 0;
  for await (const page of source) {
    for (const row of page) {
      h.update(canonical(row)).update('\n');
      rows++;
    }
  }
  return { rows, sha256: h.digest('hex') };
}
