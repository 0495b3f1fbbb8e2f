import pino, { type Logger } from 'pino';
import type Database from 'better-sqlite3';
import type { Config } from './config.ts';
import { openDb, type Db } from './db/client.ts';
import { FileStore } from './store/file-store.ts';
import { LoginLimiter } from './auth/rate-limit.ts';
import { AudioPipeline } from './services/audio-pipeline.ts';
import { TtsJobs } from './services/tts.ts';
import { ExportJobs } from './services/export/jobs.ts';

/** Long-lived parts shared by the HTTP server, the CLI and tests. */
export interface App {
  config: Config;
  db: Db;
  sqlite: Database.Database;
  store: FileStore;
  log: Logger;
  loginLimiter: LoginLimiter;
  /** Audio tools, TTS and the background speech-recognition queue. */
  audio: AudioPipeline;
  tts: TtsJobs;
  /** Releases exported from the admin page. */
  exports: ExportJobs;
  close(): void;
}

export function openApp(config: Config, opts: { log?: Logger; dbFile?: string } = {}): App {
  const { db, sqlite } = openDb(opts.dbFile ?? config.dbFile);
  const log = opts.log ?? pino({ level: config.logLevel });
  const store = new FileStore(config.storeDir);
  const app: App = {
    config,
    db,
    sqlite,
    store,
    log,
    loginLimiter: new LoginLimiter(),
    audio: new AudioPipeline(db, store, log),
    tts: undefined as unknown as TtsJobs,
    exports: undefined as unknown as ExportJobs,
    close: () => sqlite.close(),
  };
  app.tts = new TtsJobs(app);
  app.exports = new ExportJobs(app);
  return app;
}
