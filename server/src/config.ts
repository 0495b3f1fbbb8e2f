import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { dialectOf } from './db/dialect.ts';
import { repoRoot } from './paths.ts';
import { parseTrustProxy, type TrustedProxies } from './http/client-address.ts';

const flag = z
  .enum(['0', '1', 'true', 'false', 'yes', 'no', 'on', 'off'])
  .transform((v) => ['1', 'true', 'yes', 'on'].includes(v));

const EnvSchema = z.object({
  DATA_DIR: z.string().min(1).default('data'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  STUDIO_DEMO: flag.default(true),
  /** Idle timeout of a session; activity slides it forward. */
  SESSION_IDLE_HOURS: z.coerce.number().positive().default(12),
  /** Hard cap on a session's life whatever the activity. */
  SESSION_MAX_DAYS: z.coerce.number().positive().default(14),
  /** Set when served behind HTTPS so the session cookie gets the Secure flag. */
  COOKIE_SECURE: flag.default(false),
  /**
   * How the server makes commits durable: "group" (default) syncs the WAL off the event loop, one
   * sync for all requests waiting at that moment; "full" fsyncs on every commit (SQLite's
   * synchronous = FULL). Both answer a submission only once it is on disk (db/group-commit.ts).
   */
  STUDIO_COMMIT: z.enum(['group', 'full']).default('group'),
  /**
   * Proxies whose X-Forwarded-For is believed (http/client-address.ts): off by default; behind a
   * reverse proxy, its address(es) or "loopback" / "private".
   */
  TRUST_PROXY: z.string().max(2000).default(''),
  /**
   * PostgreSQL instead of the embedded SQLite file (`postgres://user@host:5432/db`): several app
   * instances can then share one database (README, "Deploying beyond one machine").
   */
  DATABASE_URL: z.string().max(2000).optional(),
  /**
   * PostgreSQL connections in each of an instance's two pools (README, "Deploying beyond one
   * machine"): fewer on a small database host, where more backends than cores only take turns.
   */
  PG_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  /** The media store (content-addressed, immutable files): a directory every instance shares. */
  STORE_DIR: z.string().min(1).optional(),
  /** Names this instance in logs (default: host name and process id). */
  INSTANCE_ID: z.string().min(1).max(100).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /**
   * A folder on the server whose subfolders admins may import from the browser (never anything
   * outside it: services/import-jobs.ts). Unset: only uploads.
   */
  IMPORT_ROOT: z.string().max(2000).optional(),
  /** Largest archive an admin may upload for an import; it may unpack to 4 times as much. */
  IMPORT_MAX_BYTES: z.coerce.number().int().min(1024).default(2 * 1024 ** 3),
  SLOW_REQUEST_MS: z.coerce.number().int().min(0).default(500),
});

export interface Config {
  dataDir: string;
  dbFile: string;
  /** PostgreSQL's URL, or undefined for the SQLite file `dbFile`. */
  databaseUrl: string | undefined;
  /** PG_POOL_SIZE: connections in each PostgreSQL pool of this instance. */
  pgPoolSize: number;
  storeDir: string;
  instanceId: string;
  port: number;
  host: string;
  demo: boolean;
  sessionIdleMs: number;
  sessionMaxMs: number;
  cookieSecure: boolean;
  commit: 'group' | 'full';
  trustProxy: TrustedProxies;
  logLevel: z.infer<typeof EnvSchema>['LOG_LEVEL'];
  clientDist: string;
  /** IMPORT_ROOT, resolved; undefined when unset. */
  importRoot: string | undefined;
  importMaxBytes: number;
  /** Requests slower than this get a log line with where their time went (pool wait, statements). */
  slowRequestMs: number;
}

/** Parses the environment once; a bad value stops start-up with the variable's name. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new Error(`invalid environment variable ${issue.path.join('.')}: ${issue.message}`);
  }
  const e = parsed.data;
  // A wrong scheme is refused here, by name, before anything opens.
  dialectOf(e.DATABASE_URL || undefined);
  const dataDir = path.resolve(e.DATA_DIR);
  return {
    dataDir,
    dbFile: path.join(dataDir, 'studio.db'),
    databaseUrl: e.DATABASE_URL || undefined,
    pgPoolSize: e.PG_POOL_SIZE,
    storeDir: e.STORE_DIR ? path.resolve(e.STORE_DIR) : path.join(dataDir, 'store'),
    instanceId: e.INSTANCE_ID ?? `${os.hostname()}:${process.pid}`,
    port: e.PORT,
    host: e.HOST,
    demo: e.STUDIO_DEMO,
    sessionIdleMs: e.SESSION_IDLE_HOURS * 3600_000,
    sessionMaxMs: e.SESSION_MAX_DAYS * 86_400_000,
    cookieSecure: e.COOKIE_SECURE,
    commit: e.STUDIO_COMMIT,
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
    logLevel: e.LOG_LEVEL,
    clientDist: path.join(repoRoot, 'client', 'dist'),
    importRoot: e.IMPORT_ROOT ? path.resolve(e.IMPORT_ROOT) : undefined,
    importMaxBytes: e.IMPORT_MAX_BYTES,
    slowRequestMs: e.SLOW_REQUEST_MS,
  };
}
