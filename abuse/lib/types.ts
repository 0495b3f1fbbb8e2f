/**
 * test:abuse — the contract between the runner (abuse/run.ts) and the attack modules
 * (abuse/attacks/*.ts). Each module exports `attacks: Attack[]`. An attack performs one hostile
 * act against the real server on loopback and throws (via `check`) when the server did not hold:
 * the act succeeded, an error was unclear or internal, something was written, or honest users'
 * saves slowed beyond the bound while it ran (measured by the runner, not by the attack).
 */
import type Database from 'better-sqlite3';

export interface Account {
  id: number;
  username: string;
  password: string;
  /** `studio_session=<token>`, ready for a Cookie header. */
  cookie: string;
}

export type AccountName = 'admin' | 'annotator' | 'annotator2' | 'validator1' | 'validator2' | 'validator3' | 'speaker' | 'speaker2';

export interface TrpcResult<T = unknown> {
  status: number;
  data?: T;
  error?: { message: string; code: string; httpStatus?: number };
  /** Raw body, for batched answers and non-tRPC errors. */
  text: string;
  headers: Record<string, string | string[] | undefined>;
  ms: number;
}

export interface RawRequest {
  method?: string;
  path: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** Abort after this long (default 30 s). */
  timeoutMs?: number;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  ms: number;
}

export interface Seed {
  accounts: Record<AccountName, Account>;
  /** Accepted video with 4 objects; expressions below are on it unless said otherwise. */
  videoId: number;
  /** A second accepted video, no expressions by annotator2 (for the own-videos rule). */
  otherVideoId: number;
  /** A candidate (not curated) video: invisible to non-admins. */
  hiddenVideoId: number;
  /** Accepted, gold: targets [2]. */
  goldExpressionId: number;
  /** Pending expressions by `annotator` (targets [1]). */
  pendingExpressionIds: number[];
  /** An accepted expression (no audio yet) on the video, by `annotator`. */
  acceptedExpressionId: number;
}

export interface AbuseCtx {
  base: string;
  port: number;
  dataDir: string;
  /** Environment the server was started with (to start CLI processes beside it). */
  env: Record<string, string>;
  seed: Seed;
  /** Path of the fixture root (`../shared/fixtures` or STUDIO_FIXTURES), or null when absent. */
  fixtures: string | null;
  /**
   * A tRPC call as the browser makes it: queries as GET ?input=, mutations as POST JSON. The
   * procedure's kind comes from the router. `as` is an account name, a raw cookie, or null.
   */
  call<T = unknown>(as: AccountName | { cookie: string } | null, path: string, input?: unknown, opts?: { headers?: Record<string, string> }): Promise<TrpcResult<T>>;
  raw(req: RawRequest): Promise<RawResponse>;
  /** Row counts of every table and the number of store files: equal before and after = nothing written. */
  fingerprint(): string;
  /** A read-only connection to the server's database (closed by the runner). */
  db(): Database.Database;
  /** Runs the studio CLI (`npm run studio -- …` without npm) beside the server. */
  cli(args: string[], opts?: { stdin?: string; env?: Record<string, string>; timeoutMs?: number }): Promise<{ code: number | null; stdout: string; stderr: string; ms: number }>;
  /** Fresh throwaway accounts (created through the admin API) when an attack needs its own. */
  newAccount(roles: string[]): Promise<Account>;
  log(line: string): void;
}

export interface Attack {
  /** Short, stable name: `<area>: <what is attempted>`. */
  name: string;
  run(ctx: AbuseCtx): Promise<void>;
  /** Bound for this attack's run (default 60 s); an attack that hangs is not held. */
  timeoutMs?: number;
}

export class NotHeld extends Error {
  override name = 'NotHeld';
}

/** Fails the attack (it was not held) unless `ok`. */
export function check(ok: unknown, message: string): asserts ok {
  if (!ok) throw new NotHeld(message);
}

/**
 * A refusal the way users should get it: a 4xx (never 5xx, never 2xx), a readable message with no
 * internals, and optionally a specific tRPC code / message.
 */
export function checkRefused(res: TrpcResult, what: string, expect: { code?: string | string[]; message?: RegExp } = {}): void {
  check(res.status >= 400 && res.status < 500, `${what}: expected a refusal (4xx), got ${res.status} ${res.text.slice(0, 200)}`);
  const message = res.error?.message ?? res.text;
  check(message.length > 0, `${what}: refusal without a message`);
  check(!/SqliteError|SQLITE_|at .*\.ts:\d+|internal error/i.test(message), `${what}: refusal leaks internals or is internal: ${message.slice(0, 200)}`);
  if (expect.code) {
    const codes = [expect.code].flat();
    check(res.error && codes.includes(res.error.code), `${what}: expected ${codes.join('/')}, got ${res.error?.code ?? res.status}: ${message.slice(0, 200)}`);
  }
  if (expect.message) check(expect.message.test(message), `${what}: message ${JSON.stringify(message.slice(0, 200))} does not match ${expect.message}`);
}
