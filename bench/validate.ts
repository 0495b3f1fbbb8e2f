/**
 * bench:validate — the validation protocol under load. Starts the real server (a separate process)
 * on a temporary database, plants expressions, and runs 200 simulated validators over HTTP on
 * loopback that fetch samples, answer them (agreeing, disagreeing or rejecting) and now and then
 * walk away from a lease. Then it checks the database: no answer lost, no sample answered twice in
 * a round, no sample held by two validators at once, every sample's status equal to its stored
 * answers replayed through the protocol machine. Last line:
 *   bench:validate validators=<n> answers=<n> p99_ms=<ms> lost=<n> double_assigned=<n>
 */
import { spawn } from 'node:child_process';
import http from 'node:http';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import pino from 'pino';
import { openApp } from '../server/src/app.ts';
import { hashPassword } from '../server/src/auth/password.ts';
import { createSession, SESSION_COOKIE } from '../server/src/auth/sessions.ts';
import { loadConfig } from '../server/src/config.ts';
import { expressions, validations } from '../server/src/db/schema/index.ts';
import { repoRoot } from '../server/src/paths.ts';
import { createUser } from '../server/src/services/users.ts';
import { updateSettings } from '../server/src/services/settings.ts';
import { inconsistentSamples } from '../server/src/services/validation.ts';
import { addExpression, importVideo } from '../server/src/testing/factories.ts';

const VALIDATORS = Number(process.env.BENCH_VALIDATORS ?? 200);
const EXPRESSIONS = Number(process.env.BENCH_EXPRESSIONS ?? 1500);
const TIME_LIMIT_MS = 150_000;
const LEASE_MINUTES = 0.1; // 6 s, so abandoned samples come back within the run
const ABANDON = 0.03;
const THINK_MS = [1000, 3000] as const;
const RAMP_MS = 3000;
const PORT = 3400 + Math.floor(Math.random() * 400);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.floor(q * s.length))]! : NaN;
};

interface Grant {
  validator: number;
  expressionId: number;
  from: number;
  to: number;
}

async function main() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-validate-'));
  const dataDir = path.join(dir, 'data');
  mkdirSync(dataDir);
  const config = loadConfig({ DATA_DIR: dataDir, STUDIO_DEMO: '0' });
  const app = openApp(config, { log: pino({ level: 'silent' }) });
  console.log(`planting ${EXPRESSIONS} expressions and ${VALIDATORS} validators…`);
  const annotator = await createUser(app.db, { username: 'annotator', roles: ['annotator'], password: 'planted by the bench' }, null);
  const videoIds = [];
  for (let v = 0; v < 5; v++) videoIds.push(await importVideo(app, `bench-video-${v}`, 'accepted', 4));
  const truth = new Map<number, number[]>();
  app.sqlite.exec('BEGIN');
  for (let i = 0; i < EXPRESSIONS; i++) {
    const targets = i % 7 === 0 ? [] : [1 + (i % 4)];
    truth.set(addExpression(app, { videoId: videoIds[i % videoIds.length]!, authorId: annotator.id, targets, text: `bench expression ${i}` }), targets);
  }
  app.sqlite.exec('COMMIT');
  const hash = await hashPassword('bench validator');
  const tokens: { id: number; cookie: string }[] = [];
  for (let i = 0; i < VALIDATORS; i++) {
    const u = await createUser(app.db, { username: `validator${i}`, roles: ['validator'], passwordHash: hash }, null);
    const { token } = createSession(app.db, u.id, { idleMs: 3600_000, maxMs: 86_400_000 });
    tokens.push({ id: u.id, cookie: `${SESSION_COOKIE}=${token}` });
  }
  updateSettings(app.db, { leaseMinutes: LEASE_MINUTES, goldShare: 0 }, null);
  app.close();

  // BENCH_PROFILE=dir writes a V8 CPU profile of the server there.
  const profile = process.env.BENCH_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE}`] : [];
  const server = spawn(process.execPath, [...profile, '--import', 'tsx', path.join(repoRoot, 'server/src/index.ts')], {
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(PORT), STUDIO_DEMO: '0', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const base = `http://127.0.0.1:${PORT}`;
  for (let i = 0; ; i++) {
    try {
      if ((await fetch(`${base}/healthz`)).ok) break;
    } catch {
      if (i > 200) throw new Error('server did not start');
    }
    await sleep(100);
  }

  // Warm-up, not measured: the first calls pay for lazy loading and JIT on both sides (the client's
  // fetch machinery included), which would otherwise show up as seconds of queueing at the start.
  for (let i = 0; i < tokens.length; i += 20) {
    await Promise.all(tokens.slice(i, i + 20).map((v) => fetch(`${base}/trpc/validate.overview`, { headers: { cookie: v.cookie } }).then((r) => r.text())));
  }

  const latencies: number[] = [];
  const nextLat: number[] = [];
  const answerLat: number[] = [];
  const acknowledged: { validator: number; expressionId: number }[] = [];
  const grants: Grant[] = [];
  let errors = 0;
  let abandoned = 0;
  const started = Date.now();
  // node:http with a keep-alive agent: fetch's per-call overhead in this one client process
  // showed up as client-side queueing in the latencies.
  const agent = new http.Agent({ keepAlive: true, maxSockets: VALIDATORS + 10 });
  const post = (procedure: string, cookie: string, body?: string) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port: PORT, path: `/trpc/${procedure}`, method: 'POST', agent, headers: { 'content-type': 'application/json', cookie } },
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
  const call = async (cookie: string, procedure: string, input?: unknown) => {
    const t0 = performance.now();
    const res = await post(procedure, cookie, input === undefined ? undefined : JSON.stringify(input));
    const ms = performance.now() - t0;
    latencies.push(ms);
    if (process.env.BENCH_DEBUG && ms > 1000) console.log(`slow ${procedure} ${ms.toFixed(0)} ms at +${((Date.now() - started) / 1000).toFixed(1)} s status ${res.status}`);
    const body = JSON.parse(res.text) as { result?: { data: unknown }; error?: { message: string } };
    return { ok: res.status === 200, ms, data: body.result?.data, error: body.error?.message };
  };

  const validator = async (v: { id: number; cookie: string }, k: number) => {
    let rand = k * 7919 + 17;
    const random = () => ((rand = (rand * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    // People arrive over a few seconds, not on the same millisecond.
    await sleep(random() * RAMP_MS);
    let idle = 0;
    while (Date.now() - started < TIME_LIMIT_MS) {
      const n = await call(v.cookie, 'validate.next');
      nextLat.push(n.ms);
      if (!n.ok) {
        errors++;
        continue;
      }
      const sample = n.data as { expressionId: number; expiresAt: number } | null;
      if (!sample) {
        if (++idle > 8) return;
        await sleep(300 + random() * 300);
        continue;
      }
      idle = 0;
      const grant: Grant = { validator: v.id, expressionId: sample.expressionId, from: Date.now(), to: sample.expiresAt };
      grants.push(grant);
      if (random() < ABANDON) {
        abandoned++;
        await sleep(sample.expiresAt - Date.now() + 200);
        continue;
      }
      // Watching the video and picking objects, about 10× faster than people (10–30 s a sample).
      await sleep(THINK_MS[0] + random() * (THINK_MS[1] - THINK_MS[0]));
      const t = truth.get(sample.expressionId)!;
      const r = random();
      const answer =
        r < 0.05 ? { kind: 'reject', reason: 'ambiguous' } : r < 0.65 ? (t.length ? { kind: 'targets', targets: t } : { kind: 'no_target' }) : { kind: 'targets', targets: [1 + ((t[0] ?? 0) % 4)] };
      const a = await call(v.cookie, 'validate.answer', { expressionId: sample.expressionId, answer });
      answerLat.push(a.ms);
      // The lease ends at the answer, or at its expiry if the answer came later (then refused).
      grant.to = Math.min(Date.now(), sample.expiresAt);
      if (a.ok) acknowledged.push({ validator: v.id, expressionId: sample.expressionId });
      else errors++;
    }
  };
  console.log(`running ${VALIDATORS} validators against ${base} (think ${THINK_MS[0]}–${THINK_MS[1]} ms per sample, lease ${LEASE_MINUTES * 60} s, abandon ${ABANDON * 100} %)…`);
  await Promise.all(tokens.map((v, k) => validator(v, k)));
  const seconds = (Date.now() - started) / 1000;
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));

  // Checks on the database the server left behind.
  const after = openApp(loadConfig({ DATA_DIR: dataDir, STUDIO_DEMO: '0' }), { log: pino({ level: 'silent' }) });
  const stored = new Set(after.db.select({ e: validations.expressionId, v: validations.validatorId }).from(validations).all().map((r) => `${r.e}:${r.v}`));
  const lost = acknowledged.filter((a) => !stored.has(`${a.expressionId}:${a.validator}`)).length;
  const twice = after.db
    .select({ n: sql<number>`count(*)` })
    .from(sql`(select expression_id, round from validations where round > 0 group by expression_id, round having count(*) > 1)`)
    .get()!.n;
  let doubleAssigned = 0;
  const byExpr = new Map<number, Grant[]>();
  for (const g of grants) byExpr.set(g.expressionId, [...(byExpr.get(g.expressionId) ?? []), g]);
  for (const gs of byExpr.values()) {
    gs.sort((a, b) => a.from - b.from);
    for (let i = 1; i < gs.length; i++) if (gs[i]!.validator !== gs[i - 1]!.validator && gs[i]!.from < gs[i - 1]!.to - 5) doubleAssigned++;
  }
  const mismatched = inconsistentSamples(after.db).length;
  const open = after.db.select({ n: sql<number>`count(*)` }).from(expressions).where(sql`${expressions.status} in ('pending', 'second_round')`).get()!.n;
  const statusCounts = after.db.select({ s: expressions.status, n: sql<number>`count(*)` }).from(expressions).groupBy(expressions.status).all();
  after.close();
  rmSync(dir, { recursive: true, force: true });

  const fmt = (x: number) => x.toFixed(1);
  console.log(`\n${acknowledged.length} answers in ${seconds.toFixed(1)} s (${(acknowledged.length / seconds).toFixed(0)} answers/s), ${grants.length} leases, ${abandoned} abandoned, ${errors} refused calls`);
  console.log(`latency all calls:  p50 ${fmt(quantile(latencies, 0.5))} ms  p95 ${fmt(quantile(latencies, 0.95))} ms  p99 ${fmt(quantile(latencies, 0.99))} ms  (${latencies.length} calls)`);
  console.log(`  validate.next:    p50 ${fmt(quantile(nextLat, 0.5))} ms  p95 ${fmt(quantile(nextLat, 0.95))} ms  p99 ${fmt(quantile(nextLat, 0.99))} ms`);
  console.log(`  validate.answer:  p50 ${fmt(quantile(answerLat, 0.5))} ms  p95 ${fmt(quantile(answerLat, 0.95))} ms  p99 ${fmt(quantile(answerLat, 0.99))} ms`);
  console.log(`final states: ${statusCounts.map((s) => `${s.s} ${s.n}`).join(', ')}; still open: ${open}`);
  console.log(`checks: lost ${lost}, answered twice in a round ${twice}, held by two at once ${doubleAssigned}, status ≠ replayed answers ${mismatched}`);
  console.log('target: p99 < 50 ms, lost = double_assigned = 0');
  console.log(`bench:validate validators=${VALIDATORS} answers=${acknowledged.length} p99_ms=${fmt(quantile(latencies, 0.99))} lost=${lost} double_assigned=${doubleAssigned + twice}`);
  if (lost || doubleAssigned || twice || mismatched) process.exitCode = 1;
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
