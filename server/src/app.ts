import pino, { type Logger } from 'pino';
import type { Config } from './config.ts';
import { openDatabase, type AnyDatabase, type Db } from './db/client.ts';
import { FileStore } from './store/file-store.ts';
import { AudioPipeline } from './services/audio-pipeline.ts';
import { TtsJobs } from './services/tts.ts';
import { ExportJobs } from './services/export/jobs.ts';
import { CurationJobs } from './services/curation-jobs.ts';
import { ChallengeJobs } from './services/challenge/scoring.ts';
import { createJobQueue, type JobQueue } from './jobs/index.ts';
import { ImportJobs } from './services/import-jobs.ts';
import { runImport } from './import/run.ts';

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
  /** Curation scores of imported videos, computed in the background. */
  curation: CurationJobs;
  /** Imports started from the browser (uploads and IMPORT_ROOT folders), run as background jobs. */
  imports: ImportJobs;
  /** Scoring of challenge submissions, in the background (issue 16). */
  challenges: ChallengeJobs;
  /**
   * Background jobs (exports, TTS, speech checks, curation scoring): pg-boss on PostgreSQL, in process on SQLite.
   * Recorded by anyone; run only by processes that call `jobs.start()` (the server, tests).
   */
  jobs: JobQueue;
  close(): Promise<void>;
}

export async function openApp(config: Config, opts: { log?: Logger; dbFile?: string; databaseUrl?: string } = {}): Promise<App> {
  const database = await openDatabase({ databaseUrl: opts.databaseUrl ?? config.databaseUrl, dbFile: opts.dbFile ?? config.dbFile, poolSize: config.pgPoolSize });
  const { db } = database;
  const log = opts.log ?? pino({ level: config.logLevel });
  const store = new FileStore(config.storeDir);
  const jobs = createJobQueue(database, { log, instance: config.instanceId, databaseUrl: opts.databaseUrl ?? config.databaseUrl });
  const audio = new AudioPipeline(db, store, jobs);
  const exports = new ExportJobs({ db, store, log, jobs, dataDir: config.dataDir });
  const app: App = {
    config,
    database,
    db,
    store,
    log,
    audio,
    tts: new TtsJobs({ db, store, audio, log, jobs }),
    exports,
    curation: new CurationJobs({ db, store, log, jobs }),
    imports: new ImportJobs({ db, log, jobs, config, runImport: (req, progress) => runImport(app, req, progress) }),
    challenges: new ChallengeJobs({ db, log, jobs, exports, dataDir: config.dataDir }),
    jobs,
    close: async () => {
      await jobs.stop(0);
      await database.close();
    },
  };
  return app;
}
