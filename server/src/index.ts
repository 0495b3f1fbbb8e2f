import pino from 'pino';
import { openApp } from './app.ts';
import { startCheckpointer } from './db/checkpointer.ts';
import { setBusyTimeout } from './db/client.ts';
import { enableGroupCommit } from './db/group-commit.ts';
import { purgeExpiredSessions } from './auth/sessions.ts';
import { purgeThrottle } from './auth/login-throttle.ts';
import { loadConfig } from './config.ts';
import { createAppServer } from './http/server.ts';
import { backfillMotionStats } from './services/motion-stats.ts';
import { warmDashboard } from './services/dashboard.ts';
import { countAdmins } from './services/users.ts';
import { ensureDemo, type DemoAccount } from './startup/demo.ts';
import { phaseBars } from './cli/progress.ts';
import { describeMissing } from './audio/tools.ts';
import { FileLock } from './locks.ts';

/** How long requests in flight may take to finish once a shutdown began. */
const SHUTDOWN_GRACE_MS = 10_000;

async function main() {
  const config = loadConfig();
  // On SQLite, one server per data dir, for its whole life, taken before the database is touched:
  // a second one would run its own group commit and checkpoints on the same file, and `restore`
  // must not swap the database under a running server. The OS drops the lock when the process
  // dies. On PostgreSQL any number of instances share the database (and a STORE_DIR).
  const dataDirLock = config.databaseUrl
    ? null
    : FileLock.acquire(config.dataDir, 'server', `${config.dataDir} is in use by another server (or a restore); stop it first, or start this one with another DATA_DIR`);
  // Logs go to stderr so stdout carries only what a person starting the app needs to read; every
  // line names the instance, so the logs of several instances can be read together.
  const log = pino({ level: config.logLevel, base: { instance: config.instanceId } }, pino.destination(2));
  const app = await openApp(config, { log });
  await purgeExpiredSessions(app.db, { idleMs: config.sessionIdleMs, maxMs: config.sessionMaxMs });
  await purgeThrottle(app.db);
  const filled = await backfillMotionStats(app.db);
  if (filled) log.info({ objects: filled }, 'computed motion statistics of earlier imports');
  // Curation scores of videos imported before scoring existed (or by an older scorer, or while
  // no server ran), as a background job: the server serves meanwhile and the table shows
  // "scoring…" for those rows. Instances starting together queue one such job between them.
  await app.curation.backfill();
  // Releases written when the ground truth sat inside the release folder: moved into its own
  // package before anything serves or scores them (services/export/legacy-layout.ts).
  await app.exports.separateLegacyGroundTruth();
  // Challenge submissions a stopped instance recorded but never saw scored get their job again.
  await app.challenges.resume();

  let accounts: DemoAccount[] | null = null;
  if (config.demo) {
    const bars = phaseBars();
    accounts = await ensureDemo(app, bars.update);
    bars.stop();
  }

  const tools = await app.audio.tools();
  for (const note of describeMissing(tools)) log.warn(note);
  const resumed = await app.audio.resumePending();
  if (resumed) log.info({ clips: resumed }, 'resuming speech recognition of waiting clips');
  // Background jobs (exports, TTS, speech checks, curation scoring): this instance takes its share from here on.
  await app.jobs.start();

  // SQLite only (a PostgreSQL commit is durable when it returns, and it checkpoints by itself):
  // start-up writes above were synced one by one; from here on requests share their syncs.
  const sqlite = app.database.dialect === 'sqlite' ? app.database : null;
  const group = sqlite && config.commit === 'group' ? enableGroupCommit(sqlite.sqlite, { onError: (err) => log.error({ err }, 'syncing the database failed') }) : null;
  const checkpoints = sqlite ? startCheckpointer(sqlite.sqlite, { onError: (err) => log.error({ err }, 'checkpointing the database failed') }) : null;
  // From here on the event loop serves: it never sleeps on another process's lock (a CLI import);
  // requests and background writes retry asynchronously instead (trpc/init.ts, db/busy.ts).
  if (sqlite) {
    setBusyTimeout(sqlite.sqlite, 0);
    setBusyTimeout(sqlite.reader, 0);
  }
  let draining = false;
  const server = createAppServer(app, { draining: () => draining });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  // Off the start-up path: the first dashboard look then costs what every later one does.
  setImmediate(() => {
    warmDashboard(app.db).catch((err: unknown) => log.warn({ err }, 'warming the dashboard failed'));
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;

  const lines = [`MeViS Studio is running at http://${shownHost}:${port}/`, `data: ${config.dataDir}`];
  if (accounts) {
    lines.push('demo accounts (passwords generated at first run, kept in demo-accounts.json in the data dir):');
    for (const a of accounts) lines.push(`  ${a.username.padEnd(12)} ${a.password}   (${a.roles.join(', ')})`);
  } else if ((await countAdmins(app.db)) === 0) {
    lines.push('no admin account yet: create one with');
    lines.push('  npm run studio -- user add <name> --role admin');
  }
  console.log(lines.join('\n'));

  // Graceful: /readyz says 503 at once (a load balancer stops sending), requests in flight finish,
  // idle connections close, running jobs stop at their next safe point and go back to the queue
  // (another instance takes them at once), then the database is closed. Leases need no hand-back:
  // they live in the database and expire to the next validator on any instance.
  const shutdown = (signal: string) => {
    log.info({ signal }, 'shutting down');
    draining = true;
    const jobsStopped = app.jobs.stop(SHUTDOWN_GRACE_MS);
    server.close(() => {
      void (checkpoints?.stop() ?? Promise.resolve())
        .then(async () => {
          await jobsStopped;
          group?.stop();
          await app.close();
        })
        .finally(() => {
          dataDirLock?.release();
          process.exit(0);
        });
    });
    server.closeIdleConnections();
    // Whatever is still open after a grace period is cut.
    setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS).unref();
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
