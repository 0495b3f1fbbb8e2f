/**
 * test:crash — acknowledged work survives the server being killed.
 *
 * Starts the real server (a separate process, `node --import tsx server/src/index.ts`) on a
 * temporary data dir with the demo videos, drives concurrent annotators, validators and speakers
 * over HTTP on loopback, and SIGKILLs the server at random moments (CRASH_KILLS times, 2–6 s
 * apart), restarting it each time on the same data dir. Clients whose call got no answer send the
 * same call again (same uid, same answer) once the server is back, as the real client does.
 * After the last restart it checks that leases recover, stops the server (SIGTERM), opens the
 * SQLite file read-only and walks the file store:
 *   - every acknowledged submission (expression, answer, recording) is stored exactly once, as sent;
 *   - every expression's status equals its stored answers replayed through the protocol machine;
 *   - every store file hashes to its name, nothing partial outside store/tmp, no dangling hash;
 *   - no sample was ever held by two validators, and a validator gets work after the last restart.
 * Last line:  test:crash kills=<n> operations=<n> lost=<n> duplicated=<n>
 * Exits non-zero when anything was lost or duplicated or an invariant failed.
 *
 * Several instances: `--db postgres --instances <n>` runs n servers on one throw-away PostgreSQL
 * database and one data dir (the shared store), spreads the clients' calls over them in turn (a
 * call re-sent after a kill mostly reaches another instance), kills one instance at a time and
 * every third time all of them, and checks a snapshot of the database copied into a SQLite file.
 *
 * Knobs: CRASH_KILLS (5), CRASH_SEED, CRASH_ANNOTATORS (4), CRASH_VALIDATORS (6), CRASH_SPEAKERS (2),
 * CRASH_KEEP=1 keeps the data dir (it is always kept when the run fails), CRASH_SELFTEST=1 also
 * damages a copy of the data dir on purpose and requires the checks to notice.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import pino from 'pino';
import { mulberry32 } from '#shared/prng.ts';
import { openApp } from '../server/src/app.ts';
import { hashPassword } from '../server/src/auth/password.ts';
import { createSession, SESSION_COOKIE } from '../server/src/auth/sessions.ts';
import { loadConfig } from '../server/src/config.ts';
import { frames as frameRows, videos as videoRows } from '../server/src/db/schema/index.ts';
import { copyPostgresToSqlite } from '../server/src/db/copy.ts';
import { createThrowawayPg } from '../server/src/testing/pg.ts';
import pg from 'pg';
import { createUser, findUserByName } from '../server/src/services/users.ts';
import { updateSettings } from '../server/src/services/settings.ts';
import { ensureDemo } from '../server/src/startup/demo.ts';
import { speechWav } from '../server/src/testing/speech.ts';
import { annotator, newLedger, nextSample, sendAnswer, speaker, validator, type SampleView, type World } from './lib/crash-actors.ts';
import { checkDatabase } from './lib/crash-check.ts';
import { chooseEngine } from './lib/engine.ts';
import { selfTest } from './lib/crash-selftest.ts';
import { CrashHttp, type Session } from './lib/crash-http.ts';
import { CrashServer, freePort } from './lib/crash-server.ts';
import { textsByWordCount } from './lib/crash-text.ts';

const KILLS = Number(process.env.CRASH_KILLS ?? 5);
const SEED = Number(process.env.CRASH_SEED ?? Math.floor(Math.random() * 2 ** 31));
const ANNOTATORS = Number(process.env.CRASH_ANNOTATORS ?? 4);
const VALIDATORS = Number(process.env.CRASH_VALIDATORS ?? 6);
const SPEAKERS = Number(process.env.CRASH_SPEAKERS ?? 2);
const GAP_MS = [2000, 6000] as const;
/** Down time between a kill and the restart (clients keep hammering the closed port meanwhile). */
const DOWN_MS = [0, 600] as const;
const WARMUP_MS = 3000;
/** Load after the last restart, before the clients are told to finish. */
const TAIL_MS = 4000;
/** One restart is itself killed part-way through start-up (an extra kill); CRASH_STARTUP_KILL=0 to skip. */
const STARTUP_KILL = process.env.CRASH_STARTUP_KILL !== '0';
const LEASE_MINUTES = 0.1; // 6 s: samples abandoned at a kill come back within the run

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const t0 = Date.now();
const clock = () => `+${((Date.now() - t0) / 1000).toFixed(1)}s`;
const log = (line: string) => console.log(`${clock().padStart(7)} ${line}`);

function tool(cmd: string, arg: string): boolean {
  return spawnSync(cmd, [arg], { stdio: 'ignore' }).status === 0;
}

async function main() {
  const { engine, instances } = chooseEngine(8);
  const random = mulberry32(SEED);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'test-crash-'));
  const dataDir = path.join(dir, 'data');
  mkdirSync(dataDir);
  const logFile = path.join(dir, 'server.log');
  console.log(`test:crash seed ${SEED}, data dir ${dataDir}, server log ${logFile}`);
  // PostgreSQL: a throw-away database (the app migrates it), dropped at the end unless kept.
  const pgDb = engine === 'postgres' ? await createThrowawayPg({ prefix: 'crash', empty: true }) : null;
  const dbEnv: Record<string, string> = pgDb ? { DATABASE_URL: pgDb.url } : {};
  if (pgDb) console.log(`database ${pgDb.url}, ${instances} instance(s) on one data dir and store`);

  // ── set-up, before the server exists: the demo videos and accounts (what STUDIO_DEMO=1 makes at
  // first start), more people, short leases, and a session per person.
  const config = loadConfig({ DATA_DIR: dataDir, STUDIO_DEMO: '1', ...dbEnv });
  const app = await openApp(config, { log: pino({ level: 'silent' }) });
  const demo = await ensureDemo(app);
  if (!demo) throw new Error('demo data was not created');
  const hash = await hashPassword('crash test password');
  const idOf = async (name: string, role: 'annotator' | 'validator' | 'speaker') =>
    (await findUserByName(app.db, name))?.id ?? (await createUser(app.db, { username: name, roles: [role], passwordHash: hash }, null)).id;
  const names = {
    annotators: ['annotator', ...Array.from({ length: Math.max(0, ANNOTATORS - 1) }, (_, i) => `crash-annotator${i + 2}`)].slice(0, ANNOTATORS),
    validators: ['validator1', 'validator2', ...Array.from({ length: Math.max(0, VALIDATORS - 2) }, (_, i) => `crash-validator${i + 3}`)].slice(0, VALIDATORS),
    speakers: ['speaker', ...Array.from({ length: Math.max(0, SPEAKERS - 1) }, (_, i) => `crash-speaker${i + 2}`)].slice(0, SPEAKERS),
  };
  const session = async (id: number, username: string): Promise<Session> => {
    const { token } = await createSession(app.db, id, { idleMs: 3600_000, maxMs: 86_400_000 });
    return { userId: id, username, cookie: `${SESSION_COOKIE}=${token}` };
  };
  const people = {
    annotators: [] as Session[],
    validators: [] as Session[],
    speakers: [] as Session[],
  };
  for (const n of names.annotators) people.annotators.push(await session(await idOf(n, 'annotator'), n));
  for (const n of names.validators) people.validators.push(await session(await idOf(n, 'validator'), n));
  for (const n of names.speakers) people.speakers.push(await session(await idOf(n, 'speaker'), n));
  // Two validators who only show up after the last restart, to see whether work can be had.
  const checkers = [await session(await idOf('crash-checker1', 'validator'), 'crash-checker1'), await session(await idOf('crash-checker2', 'validator'), 'crash-checker2')];
  await updateSettings(app.db, { leaseMinutes: LEASE_MINUTES }, null);
  const videos = await app.db.$count(videoRows);
  const frames = await app.db.$count(frameRows);
  await app.close();
  log(`set up: ${videos} demo videos (${frames} frames), ${ANNOTATORS} annotators, ${VALIDATORS} validators, ${SPEAKERS} speakers, lease ${LEASE_MINUTES * 60} s`);

  // ── speech takes, one per sentence length (the rate check counts the sentence's words)
  const wavs = new Map<number, Uint8Array>();
  const missingTools = ['espeak-ng', 'sox', 'ffmpeg'].filter((c) => !tool(c, c === 'ffmpeg' ? '-version' : '--version'));
  if (missingTools.length === 0 && SPEAKERS > 0) {
    for (const [n, text] of textsByWordCount(mulberry32(SEED ^ 0x5eed))) wavs.set(n, speechWav(text));
    log(`speech takes for sentences of ${[...wavs.keys()].sort((a, b) => a - b).join(', ')} words`);
  } else {
    log(`speakers SKIPPED: ${missingTools.length ? `${missingTools.join(', ')} not installed` : 'CRASH_SPEAKERS=0'}`);
  }
  const speakersOn = wavs.size > 0;

  // ── the servers (several: one database, one data dir and store, clients spread over them)
  const servers: CrashServer[] = [];
  for (let i = 0; i < instances; i++) {
    servers.push(new CrashServer({ dataDir, port: await freePort(), demo: true, logFile, env: { ...dbEnv, INSTANCE_ID: `crash-${i + 1}` } }));
  }
  for (const s of servers) {
    await s.start();
    log(`server up on ${s.base} in ${s.startMs.at(-1)} ms`);
  }
  const kills = () => servers.reduce((n, s) => n + s.kills, 0);

  const http = new CrashHttp(servers.map((s) => s.base));
  const world: World = {
    http,
    random,
    stopping: false,
    killEpoch: 0,
    deadline: Number.POSITIVE_INFINITY,
    ledger: newLedger(),
    truthById: new Map(),
    truthByText: new Map(),
    wavs,
  };
  const ramp = async (fn: () => Promise<void>) => {
    await sleep(random() * 500);
    await fn();
  };
  const actors = Promise.all([
    ...people.annotators.map((s) => ramp(() => annotator(world, s))),
    ...people.validators.map((s) => ramp(() => validator(world, s))),
    ...(speakersOn ? people.speakers.map((s) => ramp(() => speaker(world, s))) : []),
  ]);

  // ── the kills
  const acked = () => world.ledger.submits.filter((o) => o.state === 'acked').length + world.ledger.answers.filter((o) => o.state === 'acked').length + world.ledger.uploads.filter((o) => o.state === 'acked').length;
  await sleep(WARMUP_MS);
  for (let k = 0; k < KILLS; k++) {
    await sleep(GAP_MS[0] + random() * (GAP_MS[1] - GAP_MS[0]));
    // Every other kill is aimed at an upload in progress (the store write, then the row), the
    // longest request there is; the others land wherever the gap ends.
    const aimed = speakersOn && k % 2 === 1;
    if (aimed) {
      for (const until = Date.now() + 3000; Date.now() < until && !world.ledger.uploads.some((o) => o.state === 'sending'); ) await sleep(20);
      await sleep(random() * 1500);
    }
    const uploading = world.ledger.uploads.filter((o) => o.state === 'sending').length;
    const inFlight = world.ledger.submits.filter((o) => o.state === 'sending').length + world.ledger.answers.filter((o) => o.state === 'sending').length + world.ledger.uploads.filter((o) => o.state === 'sending').length;
    // Several instances: one at a time, in turn, the others serving meanwhile; every third kill
    // takes them all at once (the whole deployment loses power).
    const victims = instances > 1 && k % 3 === 2 ? servers : [servers[k % instances]!];
    for (const v of victims) await v.kill();
    world.killEpoch++;
    const which = instances > 1 ? ` (${victims.length === instances ? 'every instance' : `instance ${servers.indexOf(victims[0]!) + 1}`})` : '';
    log(`kill -9 #${kills()}${which}${aimed ? ' (aimed at an upload)' : ''}: ${acked()} acknowledged so far, ${inFlight} submissions in flight (${uploading} uploads)`);
    await sleep(DOWN_MS[0] + random() * (DOWN_MS[1] - DOWN_MS[0]));
    if (STARTUP_KILL && k === Math.floor(KILLS / 2)) {
      // Once, the restart itself is killed part-way (migrations, demo check, queue resume, listen).
      const after = 300 + random() * 2200;
      const serving = await victims[0]!.killDuringStartup(after);
      world.killEpoch++;
      log(`kill -9 #${kills()} during start-up, ${after.toFixed(0)} ms after spawn (${serving ? 'it was already serving' : 'not serving yet'})`);
    }
    for (const v of victims) {
      await v.start();
      log(`restarted ${v.base} in ${v.startMs.at(-1)} ms`);
    }
  }
  await sleep(TAIL_MS);
  log(`stopping the load (${acked()} acknowledged); everyone finishes the operation in hand`);
  world.stopping = true;
  world.deadline = Date.now() + 60_000;
  await actors;
  log(`load stopped: ${http.stats.calls} HTTP calls, ${http.stats.network} unanswered`);

  // ── leases recover after the last restart
  const failures: string[] = [];
  const leaseLines: string[] = [];
  const dbFile = path.join(dataDir, 'studio.db');
  const readRows = async <T,>(q: string): Promise<T[]> => {
    if (!pgDb) {
      const ro = new Database(dbFile, { readonly: true, fileMustExist: true });
      try {
        return ro.prepare(q).all() as T[];
      } finally {
        ro.close();
      }
    }
    const c = new pg.Client({ connectionString: pgDb.url });
    await c.connect();
    try {
      // 64-bit integers (the millisecond times) arrive as strings: numbers, as from SQLite.
      return (await c.query(q)).rows.map((r: Record<string, unknown>) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v]))) as T[];
    } finally {
      await c.end();
    }
  };
  const waiting = async (exceptHeldBy: number[]) => {
    const now = Date.now();
    const rows = await readRows<{ id: number; holder: number | null; expires: number | null }>(
      `select e.id, (select l.validator_id from leases l where l.expression_id = e.id and l.round > 0) as holder,
              (select l.expires_at from leases l where l.expression_id = e.id and l.round > 0) as expires
       from expressions e where e.status in ('pending', 'second_round')`,
    );
    const free = rows.filter((r) => r.holder === null || (r.expires! <= now && !exceptHeldBy.includes(r.holder)));
    const heldLive = rows.filter((r) => r.holder !== null && r.expires! > now);
    const maxExpiry = Math.max(0, ...heldLive.filter((r) => !exceptHeldBy.includes(r.holder!)).map((r) => r.expires!));
    const heldUntil = new Map(heldLive.map((r) => [r.id, r.expires!]));
    return { open: rows.length, free: free.map((r) => r.id), heldLive: heldLive.length, heldUntil, maxExpiry };
  };
  const next = async (s: Session) => {
    const r = await nextSample(world, s);
    if (!r) throw new Error(`validate.next for ${s.username} failed`);
    return r.sample;
  };
  {
    const before = await waiting([]);
    const abandonedAtStop = world.ledger.grants.filter((g) => g.abandoned && g.expiresAt > Date.now());
    const a = await next(checkers[0]!);
    const tA = Date.now();
    leaseLines.push(
      `leases after the last restart: ${before.open} samples open, ${before.heldLive} under a live lease (${abandonedAtStop.length} walked away from at the end), ${before.free.length} free; a new validator got ${a ? `sample ${a.expressionId}` : 'nothing'}`,
    );
    if (before.free.length > 0 && !a) failures.push(`leases: ${before.free.length} samples were free but validate.next gave a new validator nothing`);
    if (a && (before.heldUntil.get(a.expressionId) ?? 0) > tA) failures.push(`leases: a new validator got sample ${a.expressionId}, which another validator held until ${new Date(before.heldUntil.get(a.expressionId)!).toISOString()}`);
    // Every other lease runs out; then the two new validators work the queue dry. Each sample needs
    // at most two answers, so afterwards nothing may be left waiting: no lease keeps a sample forever.
    const wait = Math.max(0, (await waiting([checkers[0]!.userId])).maxExpiry - Date.now()) + 300;
    await sleep(wait);
    const inHand = new Map<number, SampleView | null>([[checkers[0]!.userId, a]]);
    const got = new Set<number>(a ? [a.expressionId] : []);
    let answers = 0;
    for (let guard = 0; guard < 2000; guard++) {
      let worked = false;
      for (const c of checkers) {
        const sample = inHand.has(c.userId) ? inHand.get(c.userId)! : await next(c);
        inHand.delete(c.userId);
        if (!sample) continue;
        got.add(sample.expressionId);
        await sendAnswer(world, c, sample);
        answers++;
        worked = true;
      }
      if (!worked) break;
    }
    const after = await waiting([]);
    const recovered = abandonedAtStop.filter((g) => got.has(g.expressionId)).length;
    leaseLines.push(
      `after the other leases ran out (${(wait / 1000).toFixed(1)} s) two new validators worked the queue dry with ${answers} answers; ${recovered} of the ${abandonedAtStop.length} samples walked away from came back to them; ${after.open} samples still waiting`,
    );
    if (after.open > 0) failures.push(`leases: ${after.open} samples still waiting after two fresh validators emptied the queue (stuck leases?)`);
    const lostLeases = world.ledger.leaseResumes.lost;
    leaseLines.push(
      `reloads after a kill: ${world.ledger.leaseResumes.same} validators got their held sample back, ${world.ledger.leaseResumes.expired} found it expired, ${lostLeases.length} lost a live lease`,
    );
    for (const l of lostLeases) failures.push(`lease lost across a kill: ${l}`);
  }

  // ── background jobs come back: every speech check queued before or between the kills (each
  // upload queues one) runs to its end on a live server; a job a killed server was running runs
  // again (attempts > 1), and every uploaded clip gets its verdict.
  {
    const jobCounts = async () => {
      const rows = await readRows<{ state: string; n: number; rerun: number }>(`select state, count(*) as n, sum(case when attempts > 1 then 1 else 0 end) as rerun from jobs group by state`);
      return new Map(rows.map((r) => [r.state, { n: Number(r.n), rerun: Number(r.rerun ?? 0) }]));
    };
    const deadline = Date.now() + 90_000;
    let counts = await jobCounts();
    while (((counts.get('queued')?.n ?? 0) > 0 || (counts.get('running')?.n ?? 0) > 0) && Date.now() < deadline) {
      await sleep(250);
      counts = await jobCounts();
    }
    const live = (counts.get('queued')?.n ?? 0) + (counts.get('running')?.n ?? 0);
    const rerun = [...counts.values()].reduce((n, c) => n + c.rerun, 0);
    const [{ n: waitingClips }] = await readRows<{ n: number }>(`select count(*) as n from recordings where asr_status = 'pending' and status <> 'failed'`);
    leaseLines.push(
      `jobs: ${[...counts].map(([k, c]) => `${c.n} ${k}`).join(', ') || 'none'}; ${rerun} ran again after their server was killed; ${Number(waitingClips)} clips still waiting for their speech check`,
    );
    if (live > 0) failures.push(`jobs: ${live} still queued or running 90 s after the load stopped (a job that did not come back?)`);
    if (speakersOn && Number(waitingClips) > 0) failures.push(`jobs: ${waitingClips} clips never got their speech check`);
  }

  // ── final stop and the verdict
  for (const server of servers) {
    const stopped = await server.stop();
    log(`server ${server.base} stopped with SIGTERM (${stopped.graceful ? `exit code ${stopped.code}` : 'did not exit in time, killed'})`);
    if (!stopped.graceful) failures.push(`the server ${server.base} did not shut down on SIGTERM within 15 s`);
  }
  // The checks read a SQLite file: on PostgreSQL, a snapshot of the database copied into one (every
  // row, proved equal by counts and content hashes; db/copy.ts).
  let checkedFile = dbFile;
  if (pgDb) {
    checkedFile = path.join(dir, 'postgres-snapshot.db');
    const tables = await copyPostgresToSqlite(pgDb.url, checkedFile);
    log(`PostgreSQL copied into ${checkedFile} for the checks: ${tables.reduce((n, t) => n + t.rows, 0)} rows in ${tables.length} tables, hashes equal`);
  }

  const ours = {
    annotators: new Set(people.annotators.map((s) => s.userId)),
    validators: new Set([...people.validators, ...checkers].map((s) => s.userId)),
    speakers: new Set(people.speakers.map((s) => s.userId)),
  };
  const report = checkDatabase(checkedFile, config.storeDir, world.ledger, ours);
  failures.push(...report.failures);
  const selfTestLines: string[] = [];
  if (process.env.CRASH_SELFTEST === '1' && pgDb) {
    selfTestLines.push('self-test skipped: it damages a copy of the SQLite data dir');
  } else if (process.env.CRASH_SELFTEST === '1') {
    const st = selfTest(dataDir, dir, world.ledger, ours);
    selfTestLines.push(...st.lines);
    for (const m of st.missed) failures.push(`self-test: the checks missed ${m}`);
  }

  const serverLog = readFileSync(logFile, 'utf8').split('\n');
  const errorLines = serverLog.filter((l) => /"level":(50|60)/.test(l));
  const ops = world.ledger.submits.length + world.ledger.answers.length + world.ledger.uploads.length;
  const operations = acked();
  const resent = [...world.ledger.submits, ...world.ledger.answers, ...world.ledger.uploads].filter((o) => o.unanswered > 0).length;

  console.log('\nchecks:');
  console.log(
    `  kills: ${kills()} × SIGKILL (${STARTUP_KILL && KILLS > 0 ? 'one during start-up, ' : ''}${KILLS} rounds under load${instances > 1 ? `, ${instances} instances` : ''}), healthy again after ${servers.flatMap((s) => s.startMs.slice(1)).join(', ')} ms`,
  );
  console.log(`  latency p50/p95 ms: ${http.latencySummary()}`);
  console.log(`  clients: ${http.stats.calls} HTTP calls, ${http.stats.network} got no answer; ${ops} submissions sent, ${operations} acknowledged, ${resent} re-sent after a lost answer`);
  for (const l of report.lines) console.log(`  ${l}`);
  for (const l of leaseLines) console.log(`  ${l}`);
  for (const l of selfTestLines) console.log(`  ${l}`);
  const refusals = [...world.ledger.refusals].sort((a, b) => b[1] - a[1]);
  if (refusals.length) console.log(`  refused by the server (not acknowledged, expected under load): ${refusals.map(([k, n]) => `${n}× ${k}`).join('; ')}`);
  if (http.stats.serverErrors.length || world.ledger.anomalies.length) {
    console.log(`  WARNING: ${http.stats.serverErrors.length} 5xx answers, ${world.ledger.anomalies.length} client anomalies:`);
    for (const a of [...new Set(world.ledger.anomalies)].slice(0, 10)) console.log(`    ${a}`);
  }
  console.log(`  server log: ${errorLines.length} error lines${errorLines.length ? ` (first: ${errorLines[0]!.slice(0, 300)})` : ''}`);
  if (failures.length) {
    console.log(`\nFAILED (${failures.length}):`);
    for (const f of failures.slice(0, 40)) console.log(`  ✗ ${f}`);
    if (failures.length > 40) console.log(`  … ${failures.length - 40} more`);
  }
  const keep = failures.length > 0 || report.lost > 0 || report.duplicated > 0 || process.env.CRASH_KEEP === '1';
  if (keep) console.log(`\ndata dir kept: ${dir}${pgDb ? `; database kept: ${pgDb.url}` : ''}`);
  else {
    rmSync(dir, { recursive: true, force: true });
    await pgDb?.drop();
  }
  console.log(`\ntest:crash kills=${kills()} operations=${operations} lost=${report.lost} duplicated=${report.duplicated}${pgDb ? ` db=postgres instances=${instances}` : ''}`);
  if (failures.length || report.lost || report.duplicated) process.exitCode = 1;
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
