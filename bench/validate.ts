/**
 * bench:validate — the validation protocol under load. Starts the real server (a separate process)
 * on a temporary database, plants expressions, and runs 200 simulated validators over HTTP on
 * loopback that fetch samples, answer them (agreeing, disagreeing or rejecting) and now and then
 * walk away from a lease; before that, unmeasured, each answers one sample of its own (planted on
 * top) so that both sides run compiled code. Then it checks the database: no answer lost, no
 * sample answered twice in a round, no sample held by two validators at once (from the server's
 * own lease history, not from client clocks), no answer without its validator's lease, every
 * sample's status equal to its stored answers replayed through the protocol machine. Last line:
 *   bench:validate validators=<n> answers=<n> p99_ms=<ms> lost=<n> double_assigned=<n>[ db=<engine> instances=<n>]
 * Options: --db sqlite|postgres (a throw-away PostgreSQL database), --instances <n> (PostgreSQL
 * only: n server processes on one database and data dir, validators spread over them), --pace
 * stress|people: how long a simulated validator looks at a sample before answering — `stress`
 * (default) 1–3 s, ten times faster than people, so 200 validators load the server like 2,000;
 * `people` 10–30 s, the pace of real validators watching a clip (then leases last a minute);
 * --pg-socket <dir>: the servers reach PostgreSQL through its Unix socket in <dir> (one host).
 * Besides latencies it prints the CPU the servers (and PostgreSQL) spent per call, from /proc: on a
 * shared 2-core machine the p99 swings widely from run to run, what a call costs much less; and
 * this client's own event-loop delays (it plays every validator: a pause of its own would show as
 * the servers' latency). SLOW_REQUEST_MS=0 in the environment logs every request's round trips.
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { openApp } from '../server/src/app.ts';
import { hashPassword } from '../server/src/auth/password.ts';
import { createSession, SESSION_COOKIE } from '../server/src/auth/sessions.ts';
import { loadConfig } from '../server/src/config.ts';
import { expressions, leaseHistory, validations } from '../server/src/db/schema/index.ts';
import { answersWithoutLease, leaseCacheMismatches, overlappingLeases } from '../server/src/services/leases.ts';
import { repoRoot } from '../server/src/paths.ts';
import { createUser } from '../server/src/services/users.ts';
import { updateSettings } from '../server/src/services/settings.ts';
import { inconsistentSamples } from '../server/src/services/validation.ts';
import { addExpression, importVideo } from '../server/src/testing/factories.ts';
import { createThrowawayPg } from '../server/src/testing/pg.ts';
import { cpuMsOf, cpuMsOfCommand } from './lib/cpu-time.ts';
import { chooseEngine } from './lib/engine.ts';
import { procedureType } from '../abuse/lib/http.ts';

const VALIDATORS = Number(process.env.BENCH_VALIDATORS ?? 200);
const EXPRESSIONS = Number(process.env.BENCH_EXPRESSIONS ?? 1500);
const TIME_LIMIT_MS = 150_000;
const paceArg = process.argv.indexOf('--pace');
const PACE = paceArg >= 0 ? process.argv[paceArg + 1] : 'stress';
if (PACE !== 'stress' && PACE !== 'people') throw new Error('--pace takes stress or people');
// Abandoned samples must come back within the run, and a lease must outlast the thinking.
const LEASE_MINUTES = PACE === 'people' ? 1 : 0.1;
const ABANDON = 0.03;
const THINK_MS = PACE === 'people' ? ([10_000, 30_000] as const) : ([1000, 3000] as const);
const RAMP_MS = 3000;
// Each validator answers one sample before the clock starts (see the warm-up below): planted on top.
const WARM_UP_SAMPLES = VALIDATORS;
const PORT = 3400 + Math.floor(Math.random() * 400);
/** Drops this run's throw-away PostgreSQL database when the run fails. */
let dropOnFailure: (() => Promise<void>) | undefined;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))]! : NaN;
};

async function main() {
  const { engine, instances, pgSocket } = chooseEngine(16);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-validate-'));
  const dataDir = path.join(dir, 'data');
  mkdirSync(dataDir);
  // PostgreSQL: a throw-away database, migrated by the app itself on first open, dropped at the end.
  const pg = engine === 'postgres' ? await createThrowawayPg({ prefix: 'bench_validate', empty: true }) : null;
  dropOnFailure = pg ? () => pg.drop() : undefined;
  const dbEnv: Record<string, string> = pg ? { DATABASE_URL: pg.url } : {};
  const config = loadConfig({ DATA_DIR: dataDir, STUDIO_DEMO: '0', ...dbEnv });
  const app = await openApp(config, { log: pino({ level: 'silent' }) });
  console.log(`planting ${EXPRESSIONS} (+${WARM_UP_SAMPLES} for the warm-up) expressions and ${VALIDATORS} validators on ${engine}…`);
  const annotator = await createUser(app.db, { username: 'annotator', roles: ['annotator'], password: 'planted by the bench' }, null);
  const videoIds = [];
  for (let v = 0; v < 5; v++) videoIds.push(await importVideo(app, `bench-video-${v}`, 'accepted', 4));
  const truth = new Map<number, number[]>();
  for (let i = 0; i < EXPRESSIONS + WARM_UP_SAMPLES; i++) {
    const targets = i % 7 === 0 ? [] : [1 + (i % 4)];
    truth.set(await addExpression(app, { videoId: videoIds[i % videoIds.length]!, authorId: annotator.id, targets, text: `bench expression ${i}` }), targets);
  }
  const hash = await hashPassword('bench validator');
  const tokens: { id: number; cookie: string }[] = [];
  for (let i = 0; i < VALIDATORS; i++) {
    const u = await createUser(app.db, { username: `validator${i}`, roles: ['validator'], passwordHash: hash }, null);
    const { token } = await createSession(app.db, u.id, { idleMs: 3600_000, maxMs: 86_400_000 });
    tokens.push({ id: u.id, cookie: `${SESSION_COOKIE}=${token}` });
  }
  await updateSettings(app.db, { leaseMinutes: LEASE_MINUTES, goldShare: 0 }, null);
  await app.close();

  // BENCH_PROFILE=dir writes a V8 CPU profile of each server there. Several instances share the
  // database and the data dir (its store); validators are spread over them round-robin, as a load
  // balancer without sticky sessions would.
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  const ports = Array.from({ length: instances }, (_, i) => PORT + i);
  const servers = ports.map((port, i) =>
    spawn(process.execPath, [...profile, '--import', 'tsx', path.join(repoRoot, 'server/src/index.ts')], {
      env: { ...process.env, ...dbEnv, DATA_DIR: dataDir, PORT: String(port), STUDIO_DEMO: '0', LOG_LEVEL: 'warn', INSTANCE_ID: `bench-${i + 1}` },
      stdio: ['ignore', 'inherit', 'inherit'],
    }),
  );
  // A bench that fails must not leave servers behind (they would keep loading the machine).
  process.once('exit', () => servers.forEach((s) => s.kill('SIGKILL')));
  for (const [k, port] of ports.entries()) {
    for (let i = 0; ; i++) {
      try {
        if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) break;
      } catch {
        const { exitCode, signalCode } = servers[k]!;
        if (i > 300 || exitCode !== null || signalCode !== null) {
          throw new Error(`server on port ${port} did not start (${exitCode !== null || signalCode !== null ? `it exited: code ${exitCode}, signal ${signalCode}` : 'no answer on /healthz for 30 s'}; its log is above)`);
        }
      }
      await sleep(100);
    }
  }
  const base = ports.map((p) => `http://127.0.0.1:${p}`).join(', ');
  const portOf = (k: number) => ports[k % ports.length]!;

  const latencies: number[] = [];
  const nextLat: number[] = [];
  const answerLat: number[] = [];
  const acknowledged: { validator: number; expressionId: number }[] = [];
  let grants = 0;
  // What the refused calls were (procedure, status, message): a refusal is expected now and then
  // (a lease that ran out while a validator thought), and a run's report must say which it was.
  const refusals = new Map<string, number>();
  const refused = (procedure: string, r: { status: number; error?: string }) => {
    const key = `${procedure} ${r.status} ${r.error ?? ''}`.trim();
    refusals.set(key, (refusals.get(key) ?? 0) + 1);
  };
  let abandoned = 0;
  // node:http with a keep-alive agent: fetch's per-call overhead in this one client process
  // showed up as client-side queueing in the latencies.
  const agent = new http.Agent({ keepAlive: true, maxSockets: VALIDATORS + 10 });
  // Queries are GETs, mutations POSTs (tRPC refuses a query POSTed: 405), as the router says.
  const send = (port: number, procedure: string, cookie: string, body?: string) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const method = procedureType(procedure) === 'query' ? 'GET' : 'POST';
      const req = http.request(
        { host: '127.0.0.1', port, path: `/trpc/${procedure}`, method, agent, headers: { ...(method === 'POST' ? { 'content-type': 'application/json' } : {}), cookie } },
        (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode!, text }));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  let measuring = false;
  let started = 0;
  const call = async (v: { id: number; cookie: string }, procedure: string, input?: unknown) => {
    const t0 = performance.now();
    const res = await send(portOf(v.id), procedure, v.cookie, input === undefined ? undefined : JSON.stringify(input));
    const ms = performance.now() - t0;
    if (measuring) latencies.push(ms);
    if (process.env.BENCH_DEBUG && ms > (Number(process.env.BENCH_DEBUG) || 1000)) console.log(`slow ${procedure} ${ms.toFixed(0)} ms at +${((Date.now() - started) / 1000).toFixed(1)} s status ${res.status}`);
    const body = JSON.parse(res.text) as { result?: { data: unknown }; error?: { message: string } };
    return { ok: res.status === 200, status: res.status, ms, data: body.result?.data, error: body.error?.message };
  };

  // Warm-up, not measured: the first calls pay for lazy loading and JIT on both sides (the client's
  // machinery included) and for PostgreSQL's new backends. Measured, they were the run's worst
  // seconds (docs/database-engines.md): the measured procedures themselves run compiled only after
  // some hundreds of calls. So every validator looks at its home page and answers one sample of
  // its own (planted on top of the run's), twenty at a time; the checks below cover these answers.
  for (let i = 0; i < tokens.length; i += 20) {
    await Promise.all(
      tokens.slice(i, i + 20).map(async (v) => {
        const home = await call(v, 'validate.overview');
        if (!home.ok) throw new Error(`warm-up: validator ${v.id}'s home page failed: ${home.error}`);
        const n = await call(v, 'validate.next');
        const sample = n.data as { expressionId: number } | null;
        if (!n.ok || !sample) throw new Error(`warm-up: validator ${v.id} got no sample (${n.error ?? 'none left'})`);
        const t = truth.get(sample.expressionId)!;
        const a = await call(v, 'validate.answer', { expressionId: sample.expressionId, answer: t.length ? { kind: 'targets', targets: t } : { kind: 'no_target' } });
        if (!a.ok) throw new Error(`warm-up: an answer was refused: ${a.error}`);
        acknowledged.push({ validator: v.id, expressionId: sample.expressionId });
      }),
    );
  }
  const warmUpAnswers = acknowledged.length;
  measuring = true;
  started = Date.now();
  // What the run costs the machine: the servers' CPU and PostgreSQL's (its backends are processes
  // of their own; ones that end during the run are missed, the servers' pools keep theirs).
  const serverPids = servers.map((s) => s.pid!);
  // This one process plays every validator: a pause of its own (a collection) delays every reply
  // it is reading and shows up as the servers' latency; its event loop's delays say how much.
  const clientLoop = monitorEventLoopDelay({ resolution: 5 });
  clientLoop.enable();
  const cpuBefore = { servers: cpuMsOf(serverPids), pg: engine === 'postgres' ? cpuMsOfCommand('postgres') : null };

  const validator = async (v: { id: number; cookie: string }, k: number) => {
    let rand = k * 7919 + 17;
    const random = () => ((rand = (rand * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    // People arrive over a few seconds, not on the same millisecond.
    await sleep(random() * RAMP_MS);
    let idle = 0;
    while (Date.now() - started < TIME_LIMIT_MS) {
      const n = await call(v, 'validate.next');
      nextLat.push(n.ms);
      if (!n.ok) {
        refused('validate.next', n);
        continue;
      }
      const sample = n.data as { expressionId: number; expiresAt: number } | null;
      if (!sample) {
        if (++idle > 8) return;
        await sleep(300 + random() * 300);
        continue;
      }
      idle = 0;
      grants++;
      if (random() < ABANDON) {
        abandoned++;
        await sleep(sample.expiresAt - Date.now() + 200);
        continue;
      }
      // Watching the video and picking objects (--pace: 10× faster than people, or as fast as them).
      await sleep(THINK_MS[0] + random() * (THINK_MS[1] - THINK_MS[0]));
      const t = truth.get(sample.expressionId)!;
      const r = random();
      const answer =
        r < 0.05 ? { kind: 'reject', reason: 'ambiguous' } : r < 0.65 ? (t.length ? { kind: 'targets', targets: t } : { kind: 'no_target' }) : { kind: 'targets', targets: [1 + ((t[0] ?? 0) % 4)] };
      const a = await call(v, 'validate.answer', { expressionId: sample.expressionId, answer });
      answerLat.push(a.ms);
      if (a.ok) acknowledged.push({ validator: v.id, expressionId: sample.expressionId });
      else refused('validate.answer', a);
    }
  };
  console.log(`running ${VALIDATORS} validators against ${instances} instance(s) on ${engine} (${base}) (think ${THINK_MS[0]}–${THINK_MS[1]} ms per sample, lease ${LEASE_MINUTES * 60} s, abandon ${ABANDON * 100} %)…`);
  await Promise.all(tokens.map((v, k) => validator(v, k)));
  const seconds = (Date.now() - started) / 1000;
  clientLoop.disable();
  const cpuAfter = { servers: cpuMsOf(serverPids), pg: engine === 'postgres' ? cpuMsOfCommand('postgres') : null };
  await Promise.all(servers.map((server) => new Promise((r) => (server.once('exit', r), server.kill('SIGTERM')))));

  // Checks on the database the server left behind.
  const after = await openApp(loadConfig({ DATA_DIR: dataDir, STUDIO_DEMO: '0', ...dbEnv }), { log: pino({ level: 'silent' }) });
  const stored = new Set((await after.db.select({ e: validations.expressionId, v: validations.validatorId }).from(validations)).map((r) => `${r.e}:${r.v}`));
  const lost = acknowledged.filter((a) => !stored.has(`${a.expressionId}:${a.validator}`)).length;
  const count = async (q: Promise<{ n: number }[]>) => Number((await q)[0]?.n ?? 0);
  const twice = await count(
    after.db.select({ n: sql<number>`count(*)` }).from(sql`(select expression_id, round from validations where round > 0 group by expression_id, round having count(*) > 1) t`),
  );
  // The server's record of every lease (lease_history): overlapping holds of one sample, and
  // answers that no lease of their validator ended.
  const doubleAssigned = await overlappingLeases(after.db);
  const unleased = await answersWithoutLease(after.db);
  const marks = await leaseCacheMismatches(after.db);
  const leaseRows = await count(after.db.select({ n: sql<number>`count(*)` }).from(leaseHistory));
  const mismatched = (await inconsistentSamples(after.db)).length;
  const open = await count(after.db.select({ n: sql<number>`count(*)` }).from(expressions).where(sql`${expressions.status} in ('pending', 'second_round')`));
  const statusCounts = await after.db.select({ s: expressions.status, n: sql<number>`count(*)` }).from(expressions).groupBy(expressions.status);
  await after.close();
  await pg?.drop();
  rmSync(dir, { recursive: true, force: true });

  const fmt = (x: number) => x.toFixed(1);
  const measured = acknowledged.length - warmUpAnswers;
  console.log(`\n${measured} answers in ${seconds.toFixed(1)} s (${(measured / seconds).toFixed(0)} answers/s) after ${warmUpAnswers} in the warm-up, ${grants} leases (${leaseRows} in the server's history), ${abandoned} abandoned, ${[...refusals.values()].reduce((a, b) => a + b, 0)} refused calls`);
  if (refusals.size) console.log(`  refused: ${[...refusals].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${n}× ${k}`).join('; ')}`);
  console.log(`latency all calls:  p50 ${fmt(quantile(latencies, 0.5))} ms  p95 ${fmt(quantile(latencies, 0.95))} ms  p99 ${fmt(quantile(latencies, 0.99))} ms  (${latencies.length} calls)`);
  console.log(`  validate.next:    p50 ${fmt(quantile(nextLat, 0.5))} ms  p95 ${fmt(quantile(nextLat, 0.95))} ms  p99 ${fmt(quantile(nextLat, 0.99))} ms`);
  console.log(`  validate.answer:  p50 ${fmt(quantile(answerLat, 0.5))} ms  p95 ${fmt(quantile(answerLat, 0.95))} ms  p99 ${fmt(quantile(answerLat, 0.99))} ms`);
  const perCall = (before: number | null, after: number | null) => (before === null || after === null ? 'n/a' : `${((after - before) / latencies.length).toFixed(2)} ms`);
  console.log(`CPU per call: servers ${perCall(cpuBefore.servers, cpuAfter.servers)}${engine === 'postgres' ? `, PostgreSQL ${perCall(cpuBefore.pg, cpuAfter.pg)}` : ''} (from /proc)`);
  console.log(`this client's event loop: delay p99 ${fmt(clientLoop.percentile(99) / 1e6)} ms, max ${fmt(clientLoop.max / 1e6)} ms`);
  console.log(`final states: ${statusCounts.map((s) => `${s.s} ${s.n}`).join(', ')}; still open: ${open}`);
  console.log(`checks: lost ${lost}, answered twice in a round ${twice}, held by two at once ${doubleAssigned} (server lease history), answers without a lease ${unleased}, status ≠ replayed answers ${mismatched}, queue marks ≠ leases ${marks}`);
  console.log('target: p99 < 50 ms, lost = double_assigned = 0');
  console.log(`bench:validate validators=${VALIDATORS} answers=${acknowledged.length} p99_ms=${fmt(quantile(latencies, 0.99))} lost=${lost} double_assigned=${doubleAssigned + twice}${instances > 1 || engine !== 'sqlite' ? ` db=${engine} instances=${instances}` : ''}${PACE === 'stress' ? '' : ` pace=${PACE}`}${pgSocket ? ' pg=socket' : ''}`);
  if (lost || doubleAssigned || twice || mismatched || unleased || marks) process.exitCode = 1;
}

main().catch(async (e: unknown) => {
  console.error(e);
  // A run that fails leaves no throw-away database behind (the servers are killed on exit).
  await dropOnFailure?.().catch(() => {});
  process.exit(1);
});
