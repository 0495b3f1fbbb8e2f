import type { Logger } from 'pino';
import type { AnyDatabase } from '../db/client.ts';
import { LocalJobQueue } from './local-queue.ts';
import { PgBossJobQueue } from './pg-boss-queue.ts';
import type { JobQueue } from './types.ts';

export type { JobQueue, JobRecord, JobDefinition, JobContext } from './types.ts';

/** The job queue of the engine in use: pg-boss on PostgreSQL, the in-process runner on SQLite. */
export function createJobQueue(database: AnyDatabase, deps: { log: Logger; instance: string; databaseUrl?: string }): JobQueue {
  if (database.dialect === 'postgres') return new PgBossJobQueue({ db: database.db, log: deps.log, instance: deps.instance, url: deps.databaseUrl! });
  return new LocalJobQueue({ db: database.db, log: deps.log, instance: deps.instance });
}
