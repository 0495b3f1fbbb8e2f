import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type Database from 'better-sqlite3';
import pino from 'pino';
import type { Role } from '#shared/roles.ts';
import type { SessionUser } from '#shared/schemas/users.ts';
import { openApp, type App } from '../app.ts';
import { DIALECT } from '../db/dialect.ts';
import { createThrowawayPg } from './pg.ts';
import { hashPassword } from '../auth/password.ts';
import { loadConfig } from '../config.ts';
import { appRouter } from '../routers/root.ts';
import type { Context, CookieJar } from '../trpc/context.ts';
import { createCallerFactory } from '../trpc/init.ts';
import { createUser } from '../services/users.ts';

export const TEST_PASSWORD = 'test-password-1234';

export interface TestApp extends App {
  dir: string;
  cleanup(): Promise<void>;
}

/**
 * A real app in a fresh temp dir (file store, data dir) on the engine this test run uses: the
 * SQLite file with its migrations, or — when the run has DATABASE_URL (`npm run test:unit:pg`) — a
 * throw-away PostgreSQL database made for this app and dropped by cleanup().
 */
export async function testApp(env: Record<string, string> = {}): Promise<TestApp> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'studio-test-'));
  const pg = DIALECT === 'postgres' ? await createThrowawayPg() : null;
  const config = loadConfig({ DATA_DIR: dir, STUDIO_DEMO: '0', ...env, ...(pg ? { DATABASE_URL: pg.url } : {}) });
  const app = await openApp(config, { log: pino({ level: 'silent' }) });
  // Like the server: background jobs (exports, TTS, speech checks) run in this process.
  await app.jobs.start();
  return {
    ...app,
    dir,
    async cleanup() {
      await app.close();
      await pg?.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The SQLite writer connection of a test app (for tests that are about the SQLite file itself). */
export function sqliteOf(app: App): Database.Database {
  if (app.database.dialect !== 'sqlite') throw new Error('this test is about the SQLite file; it skips under PostgreSQL');
  return app.database.sqlite;
}

// scrypt is deliberately slow; tests hash the shared password once and reuse it.
let sharedHash: Promise<string> | undefined;
export async function makeUser(app: App, username: string, roles: Role[]): Promise<SessionUser> {
  sharedHash ??= hashPassword(TEST_PASSWORD);
  const u = await createUser(app.db, { username, roles, passwordHash: await sharedHash }, null);
  return { id: u.id, username: u.username, roles: u.roles };
}

export interface RecordingJar extends CookieJar {
  sets: { name: string; value: string; maxAgeMs: number }[];
}

export function recordingJar(initial: Record<string, string> = {}): RecordingJar {
  const values = new Map(Object.entries(initial));
  const sets: RecordingJar['sets'] = [];
  return {
    sets,
    get: (name) => values.get(name),
    set: (name, value, { maxAgeMs }) => {
      values.set(name, value);
      sets.push({ name, value, maxAgeMs });
    },
    clear: (name) => {
      values.delete(name);
      sets.push({ name, value: '', maxAgeMs: 0 });
    },
  };
}

const callerFactory = createCallerFactory(appRouter);

/** The router called in-process as a given user (or anonymously), with the same middleware. */
export function callerFor(app: App, user: SessionUser | null, cookies: CookieJar = recordingJar()) {
  const ctx: Context = { app, user, sessionId: null, cookies, ip: '127.0.0.1' };
  return callerFactory(ctx);
}
