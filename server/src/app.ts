import pino, { type Logger } from 'pino';
import type Database from 'better-sqlite3';
import type { Config } from './config.ts';
import { openDb, type Db } from './db/client.ts';
import { FileStore } from './store/file-store.ts';
import { LoginLimiter } from './auth/rate-limit.ts';

/** Long-lived parts shared by the HTTP server, the CLI and tests. */
export interface App {
  config: Config;
  db: Db;
  sqlite: Database.Database;
  store: FileStore;
  log: Logger;
  loginLimiter: LoginLimiter;
  close(): void;
}

export function openApp(config: Config, opts: { log?: Logger; dbFile?: string } = {}): App {
  const { db, sqlite } = openDb(opts.dbFile ?? config.dbFile);
  const log = opts.log ?? pino({ level: config.logLevel });
  return {
    config,
    db,
    sqlite,
    store: new FileStore(config.storeDir),
    log,
    loginLimiter: new LoginLimiter(),
    close: () => sqlite.close(),
  };
}
