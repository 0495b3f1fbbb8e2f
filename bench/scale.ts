/**
 * bench:scale — the studio on a database at full MeViS scale (2,006 videos, ~443k masks, 33k
 * accepted expressions with their validations, 33k clips, 120 people, audit trail; see
 * bench/lib/scale-db.ts and bench/lib/scale-extra.ts). Processes, so nothing is measured warm:
 *   1. this one (the parent, only an HTTP client) makes a temp dir and spawns
 *   2. `scale.ts --generate <dataDir> <runDir>`: builds the database, creates sessions, writes the
 *      cookies and the samples' true targets to <runDir>/people.json;
 *   3. `scale.ts --open <dataDir>`: the in-process part of start-up, step by step (module imports,
 *      openApp with migrations, the start-up maintenance queries);
 *   4. the real server (`npx tsx server/src/index.ts`): time until GET /healthz answers 200, then
 *      validators (validate.next + validate.answer) and annotators (annotate.nextVideo) over HTTP,
 *      first one client alone (service time), then all at once (latency under load);
 *   5. `scale.ts --probe <dataDir> <runDir>`: in-process, with every SQL statement timed: the
 *      dashboard (services/dashboard.ts if present, else overview + curation + audio stats),
 *      next sample, next video; the most expensive statements with EXPLAIN QUERY PLAN; the DB size
 *      after a checkpoint. With --try-indexes, candidate indexes are created ad hoc on the bench
 *      database and the same measurements repeated.
 * Targets (reported, not asserted): start < 5 s, next-sample p99 < 20 ms, dashboard p99 < 200 ms.
 * Last line:
 *   bench:scale start_s=<s> next_sample_p99_ms=<ms> dashboard_p99_ms=<ms> db_mb=<mb>
 * Flags: --db postgres (generate on SQLite, move it with `db copy` into a throw-away PostgreSQL
 * database, then start, load and probe on that; no per-statement timing there), --keep (leave the temp dir), --videos N (scale everything from 2,006 videos),
 * --try-indexes (index experiments in the probe, about a minute more), --with-indexes (create the
 * candidate indexes of bench/lib/scale-indexes.ts right after generation, so every number is
 * measured with them). Env: BENCH_VALIDATORS, BENCH_ANNOTATORS, BENCH_CALLS (calls per phase,
 * default 1,000), BENCH_THINK_MS (validators' "lo,hi" ms between next and answer, default
 * 300,1200), BENCH_ANNOTATOR_THINK_MS (between two next-video calls, default 1000,3000).
 * The load is far above a real team's (50 validators answering every 0.3–1.2 s instead of every
 * 10–30 s): latency under load includes queueing behind other requests on the one event loop.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { mulberry32 } from '#shared/prng.ts';
import { fmtSummary, oneLine, StatementProfiler, summarize, type Summary } from './lib/scale-probe.ts';
import { reportResult, runChild as runChildProcess } from './lib/child.ts';
import type { App } from '../server/src/app.ts';

// The server modules are imported lazily (openTimed times their import); these need only the type.
function sqliteConnections(app: App) {
  if (app.database.dialect !== 'sqlite') throw new Error('bench:scale profiles the SQLite file');
  return app.database;
}
const sqliteOf = (app: App) => sqliteConnections(app).sqlite;
const readerOf = (app: App) => sqliteConnections(app).reader;

const SELF = fileURLToPath(import.meta.url);
const ROOT = path.resolve(path.dirname(SELF), '..');
const TARGET_START_S = 5;
const TARGET_NEXT_P99_MS = 20;
const TARGET_DASHBOARD_P99_MS = 200;

const log = (s: string) => process.stderr.write(`${s}\n`);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const secs = (ms: number) => (ms / 1000).toFixed(1);
const mb = (bytes: number) => bytes / 2 ** 20;
const fileMb = (f: string) => (existsSync(f) ? mb(statSync(f).size) : 0);

function argValue(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  return i >= 0 ? args[i + 1] : undefined;
}

const serverEnv = (dataDir: string) => ({
  DATA_DIR: dataDir,
  STUDIO_DEMO: '0',
  LOG_LEVEL: 'warn' as const,
  // --db postgres: the parent set it once the project was copied there.
  ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
});

async function openBenchApp(dataDir: string) {
  const [{ openApp }, { loadConfig }, { default: pino }] = await Promise.all([import('../server/src/app.ts'), import('../server/src/config.ts'), import('pino')]);
  return openApp(loadConfig({ ...serverEnv(dataDir), LOG_LEVEL: 'silent' }), { log: pino({ level: 'silent' }) });
}

interface Person {
  id: number;
  username: string;
  cookie: string;
}

interface People {
  admin: Person;
  annotators: Person[];
  validators: Person[];
  speakers: Person[];
  truth: Record<number, number[]>;
  gold: number[];
}

// ---- child: generation ----

interface GenerateResult {
  baseSeconds: number;
  extraSeconds: number;
  counts: import('./lib/scale-db.ts').ScaleCounts;
  extra: import('./lib/scale-extra.ts').ExtraCounts;
  dbMb: number;
  walMb: number;
}

async function generate(dataDir: string, runDir: string, args: string[]): Promise<GenerateResult> {
  const videos = Number(argValue(args, '--videos') ?? 2006);
  if (!(videos > 0)) throw new Error(`bad --videos ${videos}`);
  const f = videos / 2006;
  const { buildScaleDb } = await import('./lib/scale-db.ts');
  const { addScaleExtras } = await import('./lib/scale-extra.ts');
  const { hashPassword } = await import('../server/src/auth/password.ts');
  const { createSession, SESSION_COOKIE } = await import('../server/src/auth/sessions.ts');
  const app = await openBenchApp(dataDir);
  const t0 = performance.now();
  const counts = await buildScaleDb(app, { videos, onProgress: (done, total) => log(`  generate: ${done}/${total} videos, ${secs(performance.now() - t0)} s`) });
  const t1 = performance.now();
  const passwordHash = await hashPassword('bench scale password');
  const extra = await addScaleExtras(app, {
    passwordHash,
    recordings: Math.round(33_072 * f),
    pending: Math.round(3000 * f),
    secondRound: Math.round(1000 * f),
    discarded: Math.round(1200 * f),
    rejected: Math.round(800 * f),
    annotationSkips: Math.round(3000 * f),
    recordingSkips: Math.round(500 * f),
  });
  const t2 = performance.now();
  log(`  extras: ${secs(t2 - t1)} s`);
  if (args.includes('--with-indexes')) {
    // The proposed indexes, ad hoc on this bench database (see bench/lib/scale-indexes.ts).
    const { CANDIDATE_INDEXES, applyIndex } = await import('./lib/scale-indexes.ts');
    const original = (name: string) => (sqliteOf(app).prepare(`select sql from sqlite_master where type = 'index' and name = ?`).get(name) as { sql: string } | undefined)?.sql;
    for (const c of CANDIDATE_INDEXES) applyIndex((sql) => sqliteOf(app).exec(sql), original, c);
    log(`  created ${CANDIDATE_INDEXES.length} candidate indexes`);
  }
  // A long-lived session per person, as after a working day (the dashboard counts active ones).
  const policy = { idleMs: 12 * 3600_000, maxMs: 14 * 86_400_000 };
  const person = async (u: { id: number; username: string }): Promise<Person> => ({ ...u, cookie: `${SESSION_COOKIE}=${(await createSession(app.db, u.id, policy)).token}` });
  const everyone = async (us: { id: number; username: string }[]) => {
    const out: Person[] = [];
    for (const u of us) out.push(await person(u));
    return out;
  };
  const people: People = {
    admin: await person(extra.admin),
    annotators: await everyone(extra.annotators),
    validators: await everyone(extra.validators),
    speakers: await everyone(extra.speakers),
    truth: extra.truth,
    gold: extra.goldIds,
  };
  writeFileSync(path.join(runDir, 'people.json'), JSON.stringify(people));
  sqliteOf(app).pragma('wal_checkpoint(TRUNCATE)');
  const dbFile = path.join(dataDir, 'studio.db');
  const result = { baseSeconds: (t1 - t0) / 1000, extraSeconds: (t2 - t1) / 1000, counts, extra: extra.counts, dbMb: fileMb(dbFile), walMb: fileMb(`${dbFile}-wal`) };
  await app.close();
  return result;
}

// ---- child: the in-process part of start-up ----

interface OpenResult {
  importMs: number;
  openMs: number;
  purgeSessionsMs: number;
  backfillMotionMs: number;
  backfilled: number;
  audioToolsMs: number;
  resumePendingMs: number;
  resumed: number;
  importHttpMs: number;
}

async function openTimed(dataDir: string): Promise<OpenResult> {
  const t0 = performance.now();
  const [{ openApp }, { loadConfig }, { default: pino }, { purgeExpiredSessions }, { backfillMotionStats }] = await Promise.all([
    import('../server/src/app.ts'),
    import('../server/src/config.ts'),
    import('pino'),
    import('../server/src/auth/sessions.ts'),
    import('../server/src/services/motion-stats.ts'),
  ]);
  const t1 = performance.now();
  // What the server does (server/src/index.ts), in its order.
  const config = loadConfig(serverEnv(dataDir));
  const app = await openApp(config, { log: pino({ level: 'silent' }) });
  const t2 = performance.now();
  await purgeExpiredSessions(app.db, { idleMs: config.sessionIdleMs, maxMs: config.sessionMaxMs });
  const t3 = performance.now();
  const backfilled = await backfillMotionStats(app.db);
  const t4 = performance.now();
  await app.audio.tools();
  const t5 = performance.now();
  await app.jobs.start();
  const resumed = await app.audio.resumePending();
  const t6 = performance.now();
  await import('../server/src/http/server.ts');
  const t7 = performance.now();
  await app.audio.drain();
  await app.close();
  return {
    importMs: t1 - t0,
    openMs: t2 - t1,
    purgeSessionsMs: t3 - t2,
    backfillMotionMs: t4 - t3,
    backfilled,
    audioToolsMs: t5 - t4,
    resumePendingMs: t6 - t5,
    resumed,
    importHttpMs: t7 - t6,
  };
}

// ---- child: in-process probes (dashboard, next sample, next video, plans, indexes) ----

interface Measured {
  key: string;
  label: string;
  summary: Summary;
  firstMs: number;
}

interface IndexTrial {
  name: string;
  sql: string;
  why: string;
  results: { label: string; before: Summary; after: Summary }[];
  plans: string[];
}

interface ProbeResult {
  dashboardSource: 'dashboard' | 'fallback';
  measured: Measured[];
  report: string[];
  dashboardP99: number;
  dbMb: number;
  statusCounts: Record<string, number>;
  indexTrials: IndexTrial[];
}

async function probe(dataDir: string, runDir: string, args: string[]): Promise<ProbeResult> {
  const app = await openBenchApp(dataDir);
  // Statements are timed on SQLite (better-sqlite3's prepare is wrapped); on PostgreSQL the
  // services are timed as a whole and the plans are PostgreSQL's business (EXPLAIN by hand).
  const onSqlite = app.database.dialect === 'sqlite';
  const prof = onSqlite ? new StatementProfiler(sqliteOf(app), readerOf(app)) : null;
  const people = JSON.parse(readFileSync(path.join(runDir, 'people.json'), 'utf8')) as People;
  const db = app.db;
  const report: string[] = [];
  const out = (s = '') => report.push(s);

  // services/dashboard.ts is being written alongside this bench: use it when it exists.
  const dashboardFile = path.join(ROOT, 'server/src/services/dashboard.ts');
  const dash = existsSync(dashboardFile) ? ((await import(pathToFileURL(dashboardFile).href)) as { dashboard?: (db: unknown, now?: number) => unknown }) : null;
  const dashboardFn = typeof dash?.dashboard === 'function' ? dash.dashboard : null;
  const { adminOverview, validatorOverview } = await import('../server/src/services/overview.ts');
  const { listCuration } = await import('../server/src/services/curation-admin.ts');
  const { audioStats } = await import('../server/src/services/audio-stats.ts');
  const { CurationQuery } = await import('#shared/schemas/curation.ts');
  const { nextSample, submitAnswer } = await import('../server/src/services/validation.ts');
  const { nextVideoFor } = await import('../server/src/services/assignment.ts');
  const { CANDIDATE_INDEXES, applyIndex, createSql } = await import('./lib/scale-indexes.ts');

  /**
   * Times fn n + 1 times; the first call (which prepares statements and, for the dashboard, folds
   * the whole validations log) is reported apart. `between` runs untimed before each later call.
   */
  const time = async (key: string, label: string, n: number, fn: () => Promise<unknown>, between?: () => Promise<void>): Promise<Measured> => {
    const t0 = performance.now();
    await fn();
    const firstMs = performance.now() - t0;
    const xs: number[] = [];
    for (let i = 0; i < n; i++) {
      await between?.();
      const t = performance.now();
      await fn();
      xs.push(performance.now() - t);
    }
    return { key, label, summary: summarize(xs), firstMs };
  };

  const rand = mulberry32(7);
  let k = 0;
  const nextValidator = () => people.validators[k++ % people.validators.length]!;
  /** nextSample alone is timed; the answer (outside the timing) moves the queue on. */
  const nextAndAnswer = async (key: string, label: string, n: number, gold: boolean, answers?: number[]): Promise<Measured> => {
    const xs: number[] = [];
    for (let i = 0; i <= n; i++) {
      const v = nextValidator();
      const t = performance.now();
      const s = await nextSample(db, v.id, { random: () => (gold ? 0 : 1) });
      xs.push(performance.now() - t);
      if (!s) continue;
      const t1 = performance.now();
      await submitAnswer(db, v.id, s.expressionId, answerFor(people.truth, s.expressionId, rand()) as Parameters<typeof submitAnswer>[3]);
      answers?.push(performance.now() - t1);
    }
    return { key, label, summary: summarize(xs.slice(1)), firstMs: xs[0]! };
  };

  /** Some validators answer k samples (untimed): the dashboard then has new answers to fold in. */
  const answerSome = (k: number) => async () => {
    for (let i = 0; i < k; i++) {
      const v = nextValidator();
      const s = await nextSample(db, v.id, { random: () => 1 });
      if (s) await submitAnswer(db, v.id, s.expressionId, answerFor(people.truth, s.expressionId, rand()) as Parameters<typeof submitAnswer>[3]);
    }
  };

  const scale = args.includes('--quick') ? 0.25 : 1;
  const n = (x: number) => Math.max(10, Math.round(x * scale));
  const workloads: Record<string, (n: number) => Promise<Measured>> = {
    dashboard: (m) =>
      dashboardFn
        ? time('dashboard', 'dashboard(db), 5 answers between calls', m, () => Promise.resolve(dashboardFn(db)), answerSome(5))
        : time('dashboard', 'adminOverview + listCuration + audioStats', m, async () => {
            await adminOverview(db);
            await listCuration(db, CurationQuery.parse({}));
            await audioStats(db);
          }),
    overview: (m) => time('overview', 'adminOverview(db)', m, () => adminOverview(db)),
    curationByName: (m) => time('curationByName', 'listCuration(sort name)', m, () => listCuration(db, CurationQuery.parse({}))),
    curationByExpressions: (m) =>
      time('curationByExpressions', 'listCuration(sort expressions desc)', m, () => listCuration(db, CurationQuery.parse({ sort: 'expressions', dir: 'desc' }))),
    audioStats: (m) => time('audioStats', 'audioStats(db)', m, () => audioStats(db)),
    validatorOverview: (m) => time('validatorOverview', 'validatorOverview (validate.overview)', m, () => validatorOverview(db, nextValidator().id)),
    nextWork: (m) => nextAndAnswer('nextWork', 'nextSample (real work)', m, false),
    nextGold: (m) => nextAndAnswer('nextGold', 'nextSample (gold draw)', m, true),
    nextVideo: (m) => {
      let a = 0;
      return time('nextVideo', 'nextVideoFor', m, () => nextVideoFor(db, people.annotators[a++ % people.annotators.length]!.id));
    },
  };
  const sizes: Record<string, number> = { dashboard: 60, nextWork: 200, nextGold: 100, nextVideo: 100 };

  const measured: Measured[] = [];
  const answers: number[] = [];
  const sections: [string, string[]][] = [
    // Without services/dashboard.ts, 'dashboard' is these three; they are timed one by one either way.
    ['dashboard', ['dashboard', 'overview', 'curationByName', 'curationByExpressions', 'audioStats']],
    ['next sample', ['nextWork', 'nextGold', 'validatorOverview']],
    ['next video', ['nextVideo']],
  ];
  out(`in-process, fresh process, ${onSqlite ? 'every SQL statement timed' : 'on PostgreSQL'} (first call apart: it prepares the statements)`);
  for (const [title, keys] of sections) {
    prof?.reset();
    out(`  ${title}:`);
    for (const key of keys) {
      const m = key === 'nextWork' ? await nextAndAnswer('nextWork', 'nextSample (real work)', n(200), false, answers) : await workloads[key]!(n(sizes[key] ?? 30));
      measured.push(m);
      out(`    ${m.label.padEnd(38)} first ${m.firstMs.toFixed(1).padStart(6)} ms, then ${fmtSummary(m.summary)}`);
    }
    if (title === 'next sample') out(`    ${'submitAnswer (fsync on commit)'.padEnd(38)}                  ${fmtSummary(summarize(answers))}`);
    if (!prof) continue;
    const top = prof.top(6);
    out(`    most expensive statements (total over the section):`);
    for (const s of top) out(`      ${s.totalMs.toFixed(0).padStart(6)} ms / ${String(s.calls).padStart(4)} calls, avg ${(s.totalMs / s.calls).toFixed(2)} ms, max ${s.maxMs.toFixed(2)} ms: ${oneLine(s.sql)}`);
    for (const s of top.slice(0, 4)) {
      if (s.totalMs / s.calls < 2) continue;
      out(`    plan of: ${oneLine(s.sql, 140)}`);
      for (const line of prof.explain(s.sql, s.maxArgs)) out(`      ${line}`);
    }
  }
  const dashboardP99 = measured[0]!.summary.p99;

  // Index experiments: each candidate alone (created, measured, undone), then all of them together.
  const indexTrials: IndexTrial[] = [];
  if (args.includes('--try-indexes') && prof) {
    const exec = (sql: string) => sqliteOf(app).exec(sql);
    const original = (name: string) => (sqliteOf(app).prepare(`select sql from sqlite_master where type = 'index' and name = ?`).get(name) as { sql: string } | undefined)?.sql;
    const trial = async (name: string, sql: string, why: string, keys: string[], apply: () => string) => {
      log(`  index trial: ${name}`);
      const trialN = (key: string) => n(key === 'dashboard' ? 20 : 40);
      const before: Measured[] = [];
      for (const key of keys) before.push(await workloads[key]!(trialN(key)));
      const undo = apply();
      prof.reset();
      const after: Measured[] = [];
      for (const key of keys) after.push(await workloads[key]!(trialN(key)));
      const plans: string[] = [];
      for (const s of prof.top(3)) {
        plans.push(`plan of (avg ${(s.totalMs / s.calls).toFixed(2)} ms): ${oneLine(s.sql, 140)}`);
        for (const line of prof.explain(s.sql, s.maxArgs)) plans.push(`  ${line}`);
      }
      exec(undo);
      indexTrials.push({ name, sql, why, results: keys.map((key, i) => ({ label: before[i]!.label, before: before[i]!.summary, after: after[i]!.summary })), plans });
    };
    for (const c of CANDIDATE_INDEXES) {
      await trial(c.name, `${c.replaces ? `drop index ${c.name}; ` : ''}${createSql(c)}`, c.why, c.workloads, () => applyIndex(exec, original, c));
    }
    await trial('all candidates', 'all of the above', 'together', ['dashboard', 'nextWork', 'nextGold', 'nextVideo', 'validatorOverview'], () =>
      CANDIDATE_INDEXES.map((c) => applyIndex(exec, original, c)).reverse().join('; '),
    );
  }

  const { expressions } = await import('../server/src/db/schema/index.ts');
  const { sql: q } = await import('drizzle-orm');
  const statusCounts = Object.fromEntries(
    (await db.select({ status: expressions.status, n: q<number>`count(*)` }).from(expressions).groupBy(expressions.status)).map((r) => [r.status, Number(r.n)]),
  );
  let dbMb: number;
  if (onSqlite) {
    sqliteOf(app).pragma('wal_checkpoint(TRUNCATE)');
    dbMb = fileMb(path.join(dataDir, 'studio.db'));
  } else {
    const { rows } = await db.execute<{ bytes: number }>(q`select pg_database_size(current_database()) as bytes`);
    dbMb = Number(rows[0]!.bytes) / 2 ** 20;
  }
  await app.close();
  return { dashboardSource: dashboardFn ? 'dashboard' : 'fallback', measured, report, dashboardP99, dbMb, statusCounts, indexTrials };
}

// ---- parent: children, the server, HTTP load ----

const runChild = <T>(args: string[]) => runChildProcess<T>(SELF, args, { cwd: ROOT });

class Client {
  private readonly agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  constructor(readonly port: number) {}

  request(method: 'GET' | 'POST', urlPath: string, cookie?: string, body?: string): Promise<{ status: number; text: string }> {
    return new Promise((resolve, reject) => {
      const headers: Record<string, string> = {};
      if (cookie) headers.cookie = cookie;
      if (method === 'POST') headers['content-type'] = 'application/json';
      const req = http.request({ host: '127.0.0.1', port: this.port, path: urlPath, method, agent: this.agent, headers }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode!, text }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  /** Requests retried because a kept-alive socket was closed by the server just as it was reused. */
  resets = 0;

  /** A tRPC call; returns the latency and the data (or the error message). */
  async call(cookie: string, procedure: string, kind: 'mutation' | 'query', input?: unknown) {
    const send = () =>
      kind === 'mutation'
        ? this.request('POST', `/trpc/${procedure}`, cookie, input === undefined ? undefined : JSON.stringify(input))
        : this.request('GET', `/trpc/${procedure}${input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`}`, cookie);
    let t0 = performance.now();
    let res;
    for (let attempt = 1; ; attempt++) {
      try {
        res = await send();
        break;
      } catch (err) {
        // The idle-socket race (server keep-alive timeout vs. reuse): the request is sent again,
        // timed from the retry. Every call here is safe to repeat (next returns the held sample,
        // a repeated answer is recognised). A server that is gone fails all three attempts.
        const code = (err as NodeJS.ErrnoException).code;
        if ((code !== 'ECONNRESET' && code !== 'EPIPE') || attempt === 3) throw err;
        this.resets++;
        await sleep(20);
        t0 = performance.now();
      }
    }
    const ms = performance.now() - t0;
    let body: { result?: { data: unknown }; error?: { message: string } } = {};
    try {
      body = JSON.parse(res.text) as typeof body;
    } catch {
      // Not JSON (a 404 page): the status says enough.
    }
    return { ok: res.status === 200, status: res.status, ms, data: body.result?.data, error: body.error?.message };
  }

  close() {
    this.agent.destroy();
  }
}

interface ServerHandle {
  child: ChildProcess;
  startMs: number;
  port: number;
  /** The server's log lines (level warn and up), npm's own warnings left out. */
  stderr: string[];
}

async function startServer(dataDir: string): Promise<ServerHandle> {
  const port = 3800 + Math.floor(Math.random() * 800);
  const t0 = performance.now();
  // As a person starts it: npx tsx. Its own process group, so stopping it stops npx's children too.
  const child = spawn('npx', ['tsx', 'server/src/index.ts'], {
    cwd: ROOT,
    env: { ...process.env, ...serverEnv(dataDir), PORT: String(port) },
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
  });
  const stderr: string[] = [];
  child.stderr!.setEncoding('utf8');
  child.stderr!.on('data', (d: string) => stderr.push(...d.split('\n').filter((l) => l.trim() && !l.startsWith('npm warn'))));
  let exited = false;
  child.once('exit', () => (exited = true));
  const client = new Client(port);
  for (;;) {
    if (exited) throw new Error(`the server exited during start-up:\n${stderr.join('\n')}`);
    try {
      if ((await client.request('GET', '/healthz')).status === 200) break;
    } catch {
      // Not listening yet.
    }
    if (performance.now() - t0 > 60_000) throw new Error('the server did not answer /healthz within 60 s');
    await sleep(10);
  }
  const startMs = performance.now() - t0;
  client.close();
  return { child, startMs, port, stderr };
}

async function stopServer(s: ServerHandle): Promise<void> {
  if (s.child.exitCode !== null || s.child.signalCode !== null) return;
  const exited = new Promise((r) => s.child.once('exit', r));
  process.kill(-s.child.pid!, 'SIGTERM');
  const timeout = sleep(10_000).then(() => 'timeout');
  if ((await Promise.race([exited, timeout])) === 'timeout') process.kill(-s.child.pid!, 'SIGKILL');
}

interface LoadResult {
  next: number[];
  answer: number[];
  nextVideo: number[];
  errors: string[];
  empty: number;
  seconds: number;
  gold: number;
}

const newLoad = (): LoadResult => ({ next: [], answer: [], nextVideo: [], errors: [], empty: 0, seconds: 0, gold: 0 });

function answerFor(truth: Record<number, number[]>, expressionId: number, r: number) {
  const t = truth[expressionId];
  if (r < 0.05) return { kind: 'reject', reason: 'ambiguous' };
  if (r < 0.75) return t === undefined || t.length === 0 ? { kind: 'no_target' } : { kind: 'targets', targets: t };
  return t && t.length ? { kind: 'no_target' } : { kind: 'targets', targets: [1] };
}

/** Validators: next, think, answer; `calls` next-calls over all of them. */
async function runValidators(client: Client, people: People, validators: Person[], calls: number, think: [number, number], into: LoadResult) {
  const t0 = performance.now();
  const gold = new Set(people.gold);
  const per = Math.ceil(calls / validators.length);
  await Promise.all(
    validators.map(async (v) => {
      const rand = mulberry32(1000 + v.id);
      if (validators.length > 1) await sleep(rand() * (think[1] - think[0]));
      for (let i = 0; i < per; i++) {
        const n = await client.call(v.cookie, 'validate.next', 'mutation');
        into.next.push(n.ms);
        if (!n.ok) {
          into.errors.push(`validate.next ${n.status}: ${n.error}`);
          continue;
        }
        const sample = n.data as { expressionId: number } | null;
        if (!sample) {
          into.empty++;
          await sleep(200);
          continue;
        }
        if (gold.has(sample.expressionId)) into.gold++;
        if (think[1] > 0) await sleep(think[0] + rand() * (think[1] - think[0]));
        const a = await client.call(v.cookie, 'validate.answer', 'mutation', { expressionId: sample.expressionId, answer: answerFor(people.truth, sample.expressionId, rand()) });
        into.answer.push(a.ms);
        if (!a.ok) into.errors.push(`validate.answer ${a.status}: ${a.error}`);
      }
    }),
  );
  into.seconds = (performance.now() - t0) / 1000;
}

/** Annotators: next video, think, next video (excluding the last one), … */
async function runAnnotators(client: Client, annotators: Person[], calls: number, think: [number, number], into: LoadResult) {
  const t0 = performance.now();
  const per = Math.ceil(calls / annotators.length);
  await Promise.all(
    annotators.map(async (u) => {
      const rand = mulberry32(2000 + u.id);
      if (annotators.length > 1) await sleep(rand() * (think[1] - think[0]));
      let last: number | undefined;
      for (let i = 0; i < per; i++) {
        const r = await client.call(u.cookie, 'annotate.nextVideo', 'mutation', last === undefined ? {} : { exclude: last });
        into.nextVideo.push(r.ms);
        if (!r.ok) into.errors.push(`annotate.nextVideo ${r.status}: ${r.error}`);
        else last = (r.data as { videoId: number | null }).videoId ?? undefined;
        if (think[1] > 0) await sleep(think[0] + rand() * (think[1] - think[0]));
      }
    }),
  );
  into.seconds = (performance.now() - t0) / 1000;
}

const verdict = (value: number, target: number) => (value < target ? 'met' : 'MISSED');

async function main() {
  const args = process.argv.slice(2);
  if (args[0] === '--generate') {
    reportResult(await generate(args[1]!, args[2]!, args.slice(3)));
    return;
  }
  if (args[0] === '--open') {
    reportResult(await openTimed(args[1]!));
    return;
  }
  if (args[0] === '--probe') {
    reportResult(await probe(args[1]!, args[2]!, args.slice(3)));
    return;
  }

  const keep = args.includes('--keep');
  const engine = argValue(args, '--db') ?? 'sqlite';
  if (engine !== 'sqlite' && engine !== 'postgres') throw new Error('--db takes sqlite or postgres');
  let pgDb: { url: string; drop(): Promise<void> } | null = null;
  const childArgs = args.filter((a, i) => a !== '--keep' && a !== '--try-indexes' && a !== '--db' && args[i - 1] !== '--db');
  const calls = Number(process.env.BENCH_CALLS ?? 1000);
  const think = (process.env.BENCH_THINK_MS ?? '300,1200').split(',').map(Number) as [number, number];
  const annotatorThink = (process.env.BENCH_ANNOTATOR_THINK_MS ?? '1000,3000').split(',').map(Number) as [number, number];
  const loadAvg = () => os.loadavg().map((l) => l.toFixed(2)).join(' ');
  console.log(`machine: ${os.cpus().length} CPUs, load average ${loadAvg()} at the start${args.includes('--with-indexes') ? '; WITH the candidate indexes of bench/lib/scale-indexes.ts' : ''}`);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-scale-'));
  const dataDir = path.join(dir, 'data');
  mkdirSync(dataDir);
  const tAll = performance.now();
  let server: ServerHandle | null = null;
  try {
    // 1. The database.
    log(`generating a MeViS-scale project in ${dataDir} …`);
    const gen = await runChild<GenerateResult>(['--generate', dataDir, dir, ...childArgs]);
    const c = gen.counts;
    const x = gen.extra;
    console.log(
      `database:  ${c.videos} videos, ${c.frames} frames, ${c.objects} objects, ${c.masks} masks, ${c.expressions} accepted expressions (base ${gen.baseSeconds.toFixed(1)} s)`,
    );
    console.log(
      `           + ${x.users} users, ${x.annotatedAccepted} accepted made annotated (${x.gold} gold), ${x.pending} pending, ${x.secondRound} second round, ` +
        `${x.discarded} discarded, ${x.rejected} rejected, ${x.validations} validations, ${x.recordings} clips ` +
        `(verified ${x.recordingsByStatus.verified}, submitted ${x.recordingsByStatus.submitted}, failed ${x.recordingsByStatus.failed}; TTS ${x.ttsRecordings}), ` +
        `${x.clipVotes} clip votes, ${x.auditRows} audit rows, ${x.annotationSkips} + ${x.recordingSkips} skips (extras ${gen.extraSeconds.toFixed(1)} s)`,
    );
    console.log(`           studio.db ${gen.dbMb.toFixed(1)} MB after checkpoint (wal ${gen.walMb.toFixed(1)} MB)`);
    const people = JSON.parse(readFileSync(path.join(dir, 'people.json'), 'utf8')) as People;
    if (engine === 'postgres') {
      // Generated on SQLite (bulk inserts on the file), then moved the way a team moves: db copy.
      const { createThrowawayPg } = await import('../server/src/testing/pg.ts');
      const { copySqliteToPostgres } = await import('../server/src/db/copy.ts');
      pgDb = await createThrowawayPg({ prefix: 'scale', empty: true });
      const t = performance.now();
      const tables = await copySqliteToPostgres(path.join(dataDir, 'studio.db'), pgDb.url);
      console.log(`           copied into PostgreSQL (db copy): ${tables.reduce((n, r) => n + r.rows, 0)} rows in ${secs(performance.now() - t)} s, hashes equal`);
      // The children and the server from here on run on it.
      process.env.DATABASE_URL = pgDb.url;
    }

    // 2. In-process start-up, fresh process.
    log('timing openApp in a fresh process …');
    const op = await runChild<OpenResult>(['--open', dataDir]);
    console.log(
      `start-up in process: imports ${op.importMs.toFixed(0)} ms, openApp (migrations) ${op.openMs.toFixed(0)} ms, purge sessions ${op.purgeSessionsMs.toFixed(1)} ms, ` +
        `motion backfill ${op.backfillMotionMs.toFixed(1)} ms (${op.backfilled} objects), audio tools ${op.audioToolsMs.toFixed(0)} ms, ` +
        `resume ASR ${op.resumePendingMs.toFixed(1)} ms (${op.resumed} clips), http/routers import ${op.importHttpMs.toFixed(0)} ms`,
    );

    // 3. The real server.
    log('starting the server (npx tsx server/src/index.ts) …');
    server = await startServer(dataDir);
    const startS = server.startMs / 1000;
    console.log(`start-up:  ${startS.toFixed(2)} s from spawn to GET /healthz = 200 (target < ${TARGET_START_S} s: ${verdict(startS, TARGET_START_S)})`);
    const client = new Client(server.port);

    // Warm-up, not measured: each person's first request (session lookup, JIT on both sides).
    const warm: number[] = [];
    for (const v of people.validators) warm.push((await client.call(v.cookie, 'validate.overview', 'query')).ms);
    for (const a of people.annotators) await client.call(a.cookie, 'annotate.overview', 'query');
    console.log(`validate.overview (counts waiting samples, not measured as next): ${fmtSummary(summarize(warm))}`);

    // 4a. One client alone: service time plus loopback HTTP, no queueing.
    log('one validator, then one annotator, back to back …');
    const soloV = newLoad();
    await runValidators(client, people, people.validators.slice(0, 1), 100, [0, 0], soloV);
    const soloA = newLoad();
    await runAnnotators(client, people.annotators.slice(0, 1), 100, [0, 0], soloA);
    // 4b. Everybody at once.
    const vs = Number(process.env.BENCH_VALIDATORS ?? people.validators.length);
    const as = Number(process.env.BENCH_ANNOTATORS ?? people.annotators.length);
    log(`${vs} validators at once (think ${think.join('–')} ms), ${calls} next calls …`);
    const loadV = newLoad();
    await runValidators(client, people, people.validators.slice(0, vs), calls, think, loadV);
    log(`${as} annotators at once (think ${annotatorThink.join('–')} ms), ${calls} next-video calls …`);
    const loadA = newLoad();
    await runAnnotators(client, people.annotators.slice(0, as), calls, annotatorThink, loadA);

    // The admin dashboard over HTTP, if a procedure exists by now (the in-process probe below is
    // the one with 60 calls; these are a check of what the page adds: tRPC, JSON, the socket).
    const probeCall = await client.call(people.admin.cookie, 'admin.dashboard', 'query');
    let httpDashboard: Summary | null = null;
    if (probeCall.ok) {
      const xs: number[] = [];
      for (let i = 0; i < 20; i++) xs.push((await client.call(people.admin.cookie, 'admin.dashboard', 'query')).ms);
      httpDashboard = summarize(xs);
    }
    client.close();
    const serverLog = server.stderr;
    await stopServer(server);
    server = null;
    const slowLines = serverLog.filter((l) => l.includes('slow request'));
    const otherLines = serverLog.filter((l) => !l.includes('slow request'));

    const sNextSolo = summarize(soloV.next);
    const sNext = summarize(loadV.next);
    console.log(`next sample (validate.next over HTTP):`);
    console.log(`  1 validator, back to back:        ${fmtSummary(sNextSolo)}; answer ${fmtSummary(summarize(soloV.answer))}`);
    console.log(`  ${vs} validators at once (think ${think.join('–')} ms): ${fmtSummary(sNext)}; ${(loadV.next.length / loadV.seconds).toFixed(0)} next/s over ${loadV.seconds.toFixed(1)} s`);
    console.log(`  validate.answer under the same load: ${fmtSummary(summarize(loadV.answer))}`);
    console.log(`  samples: ${soloV.answer.length + loadV.answer.length} answered, ${soloV.empty + loadV.empty} empty nexts, ${soloV.gold + loadV.gold} of them gold, errors ${soloV.errors.length + loadV.errors.length}`);
    console.log(`  target p99 < ${TARGET_NEXT_P99_MS} ms (${vs} validators at once): ${verdict(sNext.p99, TARGET_NEXT_P99_MS)}`);
    console.log(`next video (annotate.nextVideo over HTTP):`);
    console.log(`  1 annotator, back to back:        ${fmtSummary(summarize(soloA.nextVideo))}`);
    console.log(`  ${as} annotators at once (think ${annotatorThink.join('–')} ms): ${fmtSummary(summarize(loadA.nextVideo))}; ${(loadA.nextVideo.length / loadA.seconds).toFixed(0)} calls/s over ${loadA.seconds.toFixed(1)} s; errors ${soloA.errors.length + loadA.errors.length}`);
    const errors = [...soloV.errors, ...loadV.errors, ...soloA.errors, ...loadA.errors];
    if (errors.length) console.log(`  first errors: ${[...new Set(errors)].slice(0, 5).join(' | ')}`);
    console.log(`server log: ${slowLines.length} "slow request" warnings, ${otherLines.length} other lines${otherLines.length ? `, first: ${otherLines.slice(0, 3).join(' | ').slice(0, 600)}` : ''}; client retries after a reset keep-alive socket: ${client.resets}`);
    console.log(httpDashboard ? `admin.dashboard over HTTP: ${fmtSummary(httpDashboard)}` : `admin.dashboard over HTTP: no such procedure yet (${probeCall.status})`);

    // 5. In-process probes, fresh process.
    log('probing in process (dashboard, next sample, next video) …');
    const pr = await runChild<ProbeResult>(['--probe', dataDir, dir, ...(args.includes('--try-indexes') ? ['--try-indexes'] : [])]);
    for (const line of pr.report) console.log(line);
    for (const t of pr.indexTrials) {
      console.log(`index trial ${t.name}: ${t.sql}\n  (${t.why})`);
      for (const r of t.results) console.log(`  ${r.label.padEnd(38)} before ${fmtSummary(r.before)}\n  ${''.padEnd(38)} after  ${fmtSummary(r.after)}`);
      for (const p of t.plans) console.log(`  ${p}`);
    }
    console.log(`expressions after the run: ${Object.entries(pr.statusCounts).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    const dashLabel = pr.dashboardSource === 'dashboard' ? 'dashboard(db) from services/dashboard.ts' : 'adminOverview + listCuration + audioStats (no services/dashboard.ts)';
    console.log(`dashboard p99: ${pr.dashboardP99.toFixed(1)} ms, ${dashLabel} (target < ${TARGET_DASHBOARD_P99_MS} ms: ${verdict(pr.dashboardP99, TARGET_DASHBOARD_P99_MS)})`);
    console.log(`db size: ${pr.dbMb.toFixed(1)} MB after checkpoint (${gen.dbMb.toFixed(1)} MB before the run)`);
    console.log(`total bench time ${secs(performance.now() - tAll)} s; load average ${loadAvg()} at the end`);
    console.log(
      `bench:scale start_s=${startS.toFixed(2)} next_sample_p99_ms=${sNext.p99.toFixed(1)} dashboard_p99_ms=${pr.dashboardP99.toFixed(1)} db_mb=${pr.dbMb.toFixed(0)}${engine === 'postgres' ? ' db=postgres' : ''}`,
    );
  } catch (err) {
    if (server) {
      const how = server.child.exitCode !== null ? `exited with code ${server.child.exitCode}` : server.child.signalCode ? `killed by ${server.child.signalCode}` : 'still running';
      log(`the server is ${how}; its last log lines:\n${server.stderr.slice(-20).join('\n')}`);
    }
    throw err;
  } finally {
    if (server) await stopServer(server).catch(() => {});
    if (keep) log(`kept ${dir}${pgDb ? ` and ${pgDb.url}` : ''}`);
    else {
      rmSync(dir, { recursive: true, force: true });
      await pgDb?.drop();
    }
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
