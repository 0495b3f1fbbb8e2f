import { randomBytes } from 'node:crypto';
import { createTemplate, dropRun } from './pg.ts';

/**
 * vitest's global setup: the run's name for its workers (STUDIO_PG_RUN) and, for the PostgreSQL
 * run, one migrated template they all copy (STUDIO_PG_TEMPLATE_READY). At the end every database
 * the run made is dropped, also those of tests that failed before their cleanup and the templates
 * workers of the SQLite run made for its PostgreSQL tests (copy, schema parity).
 */
export default async function setup(): Promise<() => Promise<void>> {
  const run = `r${randomBytes(4).toString('hex')}`;
  process.env.STUDIO_PG_RUN = run;
  if (process.env.DATABASE_URL) {
    await createTemplate(run);
    process.env.STUDIO_PG_TEMPLATE_READY = '1';
    return () => dropRun(run);
  }
  // The SQLite run may have touched no PostgreSQL at all, on a machine that has none.
  return () => dropRun(run).catch((err: unknown) => console.warn(`could not drop this run's PostgreSQL databases: ${(err as Error).message}`));
}
