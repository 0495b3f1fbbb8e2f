import { randomBytes } from 'node:crypto';
import pg from 'pg';
import PgBoss from 'pg-boss';
import { migratePostgres } from '../db/postgres.ts';

/** The server tests make their databases on (trust auth on the development and CI machines). */
const ADMIN_URL = process.env.PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
/**
 * A test run (vitest's global setup) names itself in STUDIO_PG_RUN; on PostgreSQL it migrates one
 * template for all its workers (STUDIO_PG_TEMPLATE_READY). Where it did not (the SQLite run, whose
 * copy and parity tests use PostgreSQL too), each worker makes a template of its own, named after
 * the run so that the run's teardown drops it; a program without a run (abuse, benchmarks) gets
 * one of its own as well.
 */
const RUN = process.env.STUDIO_PG_RUN ?? `p${process.pid}`;
export const templateName = (run: string) => `studio_tpl_${run}`;
const TEMPLATE = process.env.STUDIO_PG_RUN && !process.env.STUDIO_PG_TEMPLATE_READY ? `${templateName(RUN)}_p${process.pid}` : templateName(RUN);

let template: Promise<void> | undefined = process.env.STUDIO_PG_TEMPLATE_READY ? Promise.resolve() : undefined;

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: ADMIN_URL });
  try {
    await c.connect();
  } catch (err) {
    throw new Error(
      `PostgreSQL is not reachable at ${ADMIN_URL} (${(err as Error).message}). The server tests need it (set PG_ADMIN_URL for another server); start the local one with: pg_ctlcluster --skip-systemctl-redirect 15 main start`,
    );
  }
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

const urlOf = (name: string) => {
  const u = new URL(ADMIN_URL);
  u.pathname = `/${name}`;
  return u.toString();
};

/**
 * A fresh PostgreSQL database for one test, dropped (connections and all) by `drop()`. Named
 * `studio_t_<run>_[<prefix>_]<random>`, where the run is vitest's STUDIO_PG_RUN or `p<pid>`, so
 * `dropRun` also sweeps up what a failed test left behind. Migrated by default, copied from a
 * template migrated once per run (a CREATE DATABASE, tens of ms, not a migration run); with
 * `empty` it is bare, for tests that migrate it themselves (`migratePg`) or copy into it.
 */
export async function createThrowawayPg(opts: string | { prefix?: string; empty?: boolean } = {}): Promise<{ url: string; drop(): Promise<void> }> {
  const { prefix, empty } = typeof opts === 'string' ? { prefix: opts, empty: false } : opts;
  if (!empty) {
    template ??= createTemplateNamed(TEMPLATE);
    await template;
  }
  const label = prefix ? `${prefix.toLowerCase().replace(/[^a-z0-9_]/g, '_').slice(0, 20)}_` : '';
  const name = `studio_t_${RUN}_${label}${randomBytes(5).toString('hex')}`;
  await admin((c) => c.query(empty ? `create database ${name}` : `create database ${name} template ${TEMPLATE}`));
  return {
    url: urlOf(name),
    drop: () => admin((c) => c.query(`drop database if exists ${name} with (force)`)).then(() => {}),
  };
}

/**
 * Brings the database at `url` up to date with migrations-pg: the app's own path (db/postgres.ts: a
 * pg Pool, drizzle's node-postgres migrator, the folder found from that module's URL, not the
 * working directory, the pool closed afterwards).
 */
export function migratePg(url: string): Promise<void> {
  return migratePostgres(url);
}

/** Creates and migrates the template of a run. */
export function createTemplate(run: string): Promise<void> {
  return createTemplateNamed(templateName(run));
}

async function createTemplateNamed(name: string): Promise<void> {
  await admin(async (c) => {
    await c.query(`drop database if exists ${name}`);
    await c.query(`create database ${name}`);
  });
  await migratePg(urlOf(name));
  // pg-boss's own schema too (the app's job queue on PostgreSQL), so each copy starts it at once.
  const boss = new PgBoss({ connectionString: urlOf(name), schema: 'pgboss', supervise: false, schedule: false });
  await boss.start();
  await boss.stop({ graceful: false, wait: true, close: true });
}

/** Drops a run's templates and every database made from them that is still there. */
export async function dropRun(run: string): Promise<void> {
  await admin(async (c) => {
    const { rows } = await c.query<{ datname: string }>(`select datname from pg_database where datname like $1 or datname = $2 or datname like $3`, [
      `studio\\_t\\_${run}\\_%`,
      templateName(run),
      `${templateName(run).replaceAll('_', '\\_')}\\_p%`,
    ]);
    // Copies first: a template cannot be dropped while a copy is being made from it.
    rows.sort((a, b) => Number(a.datname.startsWith('studio_tpl_')) - Number(b.datname.startsWith('studio_tpl_')));
    for (const r of rows) await c.query(`drop database if exists ${r.datname} with (force)`);
  });
}
