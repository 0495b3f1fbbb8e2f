import pino from 'pino';
import { openApp } from './app.ts';
import { startCheckpointer } from './db/checkpointer.ts';
import { enableGroupCommit } from './db/group-commit.ts';
import { purgeExpiredSessions } from './auth/sessions.ts';
import { loadConfig } from './config.ts';
import { createAppServer } from './http/server.ts';
import { backfillMotionStats } from './services/motion-stats.ts';
import { backfillCuration } from './services/curation.ts';
import { warmDashboard } from './services/dashboard.ts';
import { countAdmins } from './services/users.ts';
import { ensureDemo, type DemoAccount } from './startup/demo.ts';
import { phaseBars } from './cli/progress.ts';
import { describeMissing } from './audio/tools.ts';

async function main() {
  const config = loadConfig();
  // Logs go to stderr so stdout carries only what a person starting the app needs to read.
  const log = pino({ level: config.logLevel }, pino.destination(2));
  const app = openApp(config, { log });
  purgeExpiredSessions(app.db, { idleMs: config.sessionIdleMs, maxMs: config.sessionMaxMs });
  const filled = backfillMotionStats(app.db);
  if (filled) log.info({ objects: filled }, 'computed motion statistics of earlier imports');
  // Curation scores of videos imported before scoring existed (or by an older scorer), in the
  // background: the server serves meanwhile and the table shows "scoring…" for those rows.
  void backfillCuration(app)
    .then((r) => r.scored && log.info(r, 'computed curation scores'))
    .catch((err: unknown) => log.warn({ err }, 'curation backfill failed'));

  let accounts: DemoAccount[] | null = null;
  if (config.demo) {
    const bars = phaseBars();
    accounts = await ensureDemo(app, bars.update);
    bars.stop();
  }

  const tools = await app.audio.tools();
  for (const note of describeMissing(tools)) log.warn(note);
  const resumed = app.audio.resumePending();
  if (resumed) log.info({ clips: resumed }, 'resuming speech recognition of waiting clips');

  // Start-up writes above were synced one by one; from here on requests share their syncs.
  const group = config.commit === 'group' ? enableGroupCommit(app.sqlite, { onError: (err) => log.error({ err }, 'syncing the database failed') }) : null;
  const checkpoints = startCheckpointer(app.sqlite, { onError: (err) => log.error({ err }, 'checkpointing the database failed') });
  const server = createAppServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  // Off the start-up path: the first dashboard look then costs what every later one does.
  setImmediate(() => {
    try {
      warmDashboard(app.db);
    } catch (err) {
      log.warn({ err }, 'warming the dashboard failed');
    }
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;

  const lines = [`MeViS Studio is running at http://${shownHost}:${port}/`, `data: ${config.dataDir}`];
  if (accounts) {
    lines.push('demo accounts (passwords generated at first run, kept in demo-accounts.json in the data dir):');
    for (const a of accounts) lines.push(`  ${a.username.padEnd(12)} ${a.password}   (${a.roles.join(', ')})`);
  } else if (countAdmins(app.db) === 0) {
    lines.push('no admin account yet: create one with');
    lines.push('  npm run studio -- user add <name> --role admin');
  }
  console.log(lines.join('\n'));

  const shutdown = (signal: string) => {
    log.info({ signal }, 'shutting down');
    server.close(() => {
      void checkpoints.stop().finally(() => {
        group?.stop();
        app.close();
        process.exit(0);
      });
    });
    server.closeAllConnections();
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(`error: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
