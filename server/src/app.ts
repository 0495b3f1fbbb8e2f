import pino, { type Logger } from 'pino';
import type { Config } from './config.ts';
import { openDatabase, type AnyDatabase, type Db } from './db/client.ts';
import { FileStore } from './store/file-store.ts';
import { AudioPipeline } from './services/audio-pipeline.ts';
import { TtsJobs } from './services/tts.ts';
import { ExportJobs } from './services/export/jobs.ts';

/**
 * Long-lived parts shared by the HTTP server, the CLI and tests. It is the composition root, not a
 * service locator: each service gets the parts it uses in its signature (a function takes `db`, a
 * job runner takes `{ db, store, log }`), and only routers and start-up code see the whole App.
 */
export interface App {
  config: Config;
  /** The engine-specific handle (SQLite connections or the PostgreSQL pool) behind `db`. */
  database: AnyDatabase;
  db: Db;
  store: FileStore;
  log: Logger;
  /** Audio tools, TTS and the background speech-recognition queue. */
  audio: AudioPipeline;
  tts: TtsJobs;
  /** Releases exported from the admin page. */
  exports: ExportJobs;
  close(): Promise<void>;
}

export async function openApp(config: Config, opts: { log?: Logger; dbFile?: string; databaseUrl?: string } = {}): Promise<App> {
  const database = await openDatabase({ databaseUrl: opts.databaseUrl ?? config.databaseUrl, dbFile: opts.dbFile ?? config.dbFile });
  const { db } = database;
  const log = opts.log ?? pino({ level: config.logLevel });
  const store = new FileStore(config.storeDir);
  const audio = new AudioPipeline(db, store, log);
  return {
    config,
    database,
    db,
    store,
    log,
    audio,
    tts: new TtsJobs({ db, store, audio, log }),
    exports: new ExportJobs({ db, store, log, dataDir: config.dataDir }),
    close: () => database.close(),
  };
}
