import { randomBytes } from 'node:crypto';
import { createTemplate, dropRun } from './pg.ts';

/**
 * vitest's global setup for the PostgreSQL run: one migrated template for the run (its workers
 * inherit STUDIO_PG_RUN), and at the end every database the run made is dropped, also those of
 * tests that failed before their cleanup.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const run = `r${randomBytes(4).toString('hex')}`;
  process.env.STUDIO_PG_RUN = run;
  await createTemplate(run);
  return () => dropRun(run);
}
