/**
 * test:abuse's world: a fresh data dir seeded in this process (users with known passwords and
 * live sessions, videos, expressions in the states attacks need), then the real server started
 * as its own process on loopback.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import pino from 'pino';
import { eq } from 'drizzle-orm';
import { openApp, type App } from '../../server/src/app.ts';
import { hashPassword } from '../../server/src/auth/password.ts';
import { createSession, SESSION_COOKIE } from '../../server/src/auth/sessions.ts';
import { loadConfig } from '../../server/src/config.ts';
import { expressions } from '../../server/src/db/schema/index.ts';
import { repoRoot } from '../../server/src/paths.ts';
import { createUser } from '../../server/src/services/users.ts';
import { addExpression, importVideo } from '../../server/src/testing/factories.ts';
import type { Account, AccountName, Seed } from './types.ts';

export const HONEST = 'honest';

const ROLES: Record<AccountName | typeof HONEST, string[]> = {
  admin: ['admin'],
  annotator: ['annotator'],
  annotator2: ['annotator', 'validator'],
  validator1: ['validator'],
  validator2: ['validator'],
  validator3: ['validator'],
  speaker: ['speaker'],
  speaker2: ['speaker'],
  [HONEST]: ['speaker', 'annotator'],
};

const POLICY = { idleMs: 12 * 3600_000, maxMs: 14 * 86_400_000 };

let passwordHash: Promise<string> | undefined;
const PASSWORD = 'abuse-suite-password';

/** A user with a known password and a live session, written straight into the database. */
export async function addAccount(app: App, username: string, roles: string[]): Promise<Account> {
  passwordHash ??= hashPassword(PASSWORD);
  const u = await createUser(app.db, { username, roles: roles as never, passwordHash: await passwordHash }, null);
  const { token } = await createSession(app.db, u.id, POLICY);
  return { id: u.id, username, password: PASSWORD, cookie: `${SESSION_COOKIE}=${token}` };
}

export async function seedWorld(dataDir: string): Promise<{ seed: Seed; honest: Account }> {
  mkdirSync(dataDir, { recursive: true });
  const app = await openApp(loadConfig({ DATA_DIR: dataDir, STUDIO_DEMO: '0' }), { log: pino({ level: 'silent' }) });
  try {
    const accounts = {} as Record<AccountName, Account>;
    for (const name of Object.keys(ROLES) as (AccountName | typeof HONEST)[]) {
      if (name !== HONEST) accounts[name] = await addAccount(app, name, ROLES[name]);
    }
    const honest = await addAccount(app, HONEST, ROLES[HONEST]);
    const videoId = await importVideo(app, 'abuse-video', 'accepted', 4);
    const otherVideoId = await importVideo(app, 'abuse-other', 'accepted', 3);
    const hiddenVideoId = await importVideo(app, 'abuse-hidden', 'candidate', 2);
    const gold = await addExpression(app, { videoId, authorId: accounts.annotator.id, status: 'accepted', targets: [2], text: 'the gold object moving right' });
    await app.db.transaction((tx) => tx.update(expressions).set({ gold: true, decidedAt: Date.now() }).where(eq(expressions.id, gold)));
    const pending: number[] = [];
    for (let i = 0; i < 6; i++) {
      pending.push(await addExpression(app, { videoId, authorId: accounts.annotator.id, status: 'pending', targets: [1], text: `the object number one moving away ${i}` }));
    }
    const accepted = await addExpression(app, { videoId, authorId: accounts.annotator.id, status: 'accepted', targets: [3], text: 'the third object turning around' });
    await app.db.transaction((tx) => tx.update(expressions).set({ decidedAt: Date.now() }).where(eq(expressions.id, accepted)));
    return {
      seed: { accounts, videoId, otherVideoId, hiddenVideoId, goldExpressionId: gold, pendingExpressionIds: pending, acceptedExpressionId: accepted },
      honest,
    };
  } finally {
    await app.close();
  }
}

export interface RunningServer {
  child: ChildProcess;
  base: string;
  port: number;
  env: Record<string, string>;
  logFile: string;
  stop(): Promise<void>;
}

export async function startServer(dataDir: string, extraEnv: Record<string, string> = {}): Promise<RunningServer> {
  const port = 3600 + Math.floor(Math.random() * 300);
  const env = { DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', STUDIO_DEMO: '0', LOG_LEVEL: 'warn', ...extraEnv };
  const logFile = path.join(dataDir, 'server.log');
  const log = createWriteStream(logFile);
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'server/src/index.ts')], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.pipe(log);
  child.stderr!.pipe(log);
  const base = `http://127.0.0.1:${port}`;
  const started = Date.now();
  for (;;) {
    if (child.exitCode !== null) throw new Error(`server exited at start (code ${child.exitCode}):\n${readFileSync(logFile, 'utf8').slice(-2000)}`);
    try {
      if ((await fetch(`${base}/healthz`)).ok) break;
    } catch {
      if (Date.now() - started > 60_000) throw new Error('server did not start within 60 s');
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    child,
    base,
    port,
    env,
    logFile,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}
