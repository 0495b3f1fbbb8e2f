/**
 * npm run test:abuse — attacks against the real server on loopback (its own process, a fresh data
 * dir), each checked to be refused with a clear error, to write nothing, and to leave honest users'
 * saves fast. An honest user saves throughout (a durable write every 250 ms); a save slower than
 * ABUSE_SAVE_BOUND_MS (default 2000) or failing while an attack runs counts that attack as not held.
 *
 *   ABUSE_ONLY=<substring>   run only attacks whose name contains it
 *
 * Last line: test:abuse attacks=<n> held=<n> worst_save_ms=<ms>   (exit 1 unless held = attacks)
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import pino from 'pino';
import { openApp } from '../server/src/app.ts';
import { loadConfig } from '../server/src/config.ts';
import { repoRoot } from '../server/src/paths.ts';
import { fixturesRoot } from '../server/src/testing/fixtures.ts';
import { rawRequest, trpcCall } from './lib/http.ts';
import { addAccount, seedWorld, startServer } from './lib/server.ts';
import type { AbuseCtx, AccountName, Attack } from './lib/types.ts';
import { ABUSE_IMPORT_MAX_BYTES } from './attacks/import.ts';

const SAVE_BOUND_MS = Number(process.env.ABUSE_SAVE_BOUND_MS ?? 2000);
const ONLY = process.env.ABUSE_ONLY;
const HONEST_EVERY_MS = 250;
/** Tables whose rows are bookkeeping of the act itself (a session touch, a counted guess, a lease). */
const BOOKKEEPING = ['sessions', 'login_throttle', 'login_devices', 'leases', 'lease_history', 'recording_offers'];

interface Save {
  start: number;
  end: number | null;
  ok: boolean;
}

async function loadAttacks(): Promise<Attack[]> {
  const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), 'attacks');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .sort();
  const all: Attack[] = [];
  for (const f of files) {
    const mod = (await import(pathToFileURL(path.join(dir, f)).href)) as { attacks?: Attack[] };
    if (!Array.isArray(mod.attacks)) throw new Error(`abuse/attacks/${f} exports no attacks array`);
    all.push(...mod.attacks);
  }
  const names = new Set<string>();
  for (const a of all) {
    if (names.has(a.name)) throw new Error(`two attacks are named ${JSON.stringify(a.name)}`);
    names.add(a.name);
  }
  return ONLY ? all.filter((a) => a.name.includes(ONLY)) : all;
}

function countFiles(dir: string): number {
  if (!existsSync(dir)) return 0;
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) n += e.isDirectory() ? countFiles(path.join(dir, e.name)) : 1;
  return n;
}

/** Waits until no background job is queued or running (at most two minutes: a stuck job is reported by its own attack). */
async function settleJobs(dataDir: string): Promise<void> {
  const end = Date.now() + 120_000;
  while (Date.now() < end) {
    const db = new Database(path.join(dataDir, 'studio.db'), { readonly: true, fileMustExist: true });
    try {
      const { n } = db.prepare(`select count(*) as n from jobs where state in ('queued', 'running')`).get() as { n: number };
      if (n === 0) return;
    } finally {
      db.close();
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function main() {
  const started = performance.now();
  const attacks = await loadAttacks();
  const root = mkdtempSync(path.join(os.tmpdir(), 'abuse-'));
  const dataDir = path.join(root, 'data');
  console.log(`test:abuse: ${attacks.length} attacks; data dir ${dataDir}`);
  const { seed, honest } = await seedWorld(dataDir);
  // Loopback is the trusted proxy here, so each attack can speak from its own client address
  // (X-Forwarded-For) and per-address limits of one attack do not spill into the next.
  // The browser import reads folders under IMPORT_ROOT only; a small upload limit keeps its attacks quick.
  const importRoot = path.join(root, 'import-root');
  mkdirSync(importRoot);
  const server = await startServer(dataDir, { TRUST_PROXY: 'loopback', IMPORT_ROOT: importRoot, IMPORT_MAX_BYTES: String(ABUSE_IMPORT_MAX_BYTES) });
  const readers: Database.Database[] = [];
  const writer = await openApp(loadConfig({ DATA_DIR: dataDir, STUDIO_DEMO: '0' }), { log: pino({ level: 'silent' }) });
  let accountSeq = 0;

  const ctx: AbuseCtx = {
    base: server.base,
    port: server.port,
    dataDir,
    env: server.env,
    seed,
    fixtures: existsSync(fixturesRoot) ? fixturesRoot : null,
    call: (as, p, input, opts) => {
      const cookie = as === null ? null : typeof as === 'string' ? seed.accounts[as as AccountName].cookie : as.cookie;
      return trpcCall(server.port, cookie, p, input, opts?.headers);
    },
    raw: (req) => rawRequest(server.port, req),
    fingerprint: () => {
      const db = new Database(path.join(dataDir, 'studio.db'), { readonly: true, fileMustExist: true });
      try {
        const tables = db
          .prepare<[], { name: string }>(`select name from sqlite_master where type = 'table' and name not like 'sqlite_%' and name not like '__drizzle%' order by name`)
          .all()
          .filter((t) => !BOOKKEEPING.includes(t.name));
        const counts = tables.map((t) => {
          const sql = t.name === 'audit_log' ? `select count(*) as n from audit_log where coalesce(actor_id, 0) <> ${honest.id}` : `select count(*) as n from "${t.name}"`;
          return `${t.name}=${(db.prepare(sql).get() as { n: number }).n}`;
        });
        return `${counts.join(',')},store=${countFiles(path.join(dataDir, 'store'))}`;
      } finally {
        db.close();
      }
    },
    db: () => {
      const db = new Database(path.join(dataDir, 'studio.db'), { readonly: true, fileMustExist: true });
      readers.push(db);
      return db;
    },
    cli: (args, opts = {}) =>
      new Promise((resolve, reject) => {
        const t0 = performance.now();
        const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'server/src/cli/index.ts'), ...args], {
          cwd: repoRoot,
          env: { ...process.env, ...server.env, ...opts.env },
          stdio: ['pipe', 'pipe', 'pipe'],
        });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
        child.on('error', reject);
        child.on('close', (code) => {
          clearTimeout(timer);
          resolve({ code, stdout, stderr, ms: performance.now() - t0 });
        });
        child.stdin.end(opts.stdin ?? '');
      }),
    newAccount: async (roles) => addAccount(writer, `abuse-${roles.join('-')}-${++accountSeq}`, roles),
    log: (line) => console.log(`    ${line}`),
  };

  // The honest user: a durable save every 250 ms for the whole run.
  const saves: Save[] = [];
  let stopHonest = false;
  let inflight: Promise<void> = Promise.resolve();
  const honestLoop = (async () => {
    let i = 0;
    while (!stopHonest) {
      const s: Save = { start: performance.now(), end: null, ok: false };
      saves.push(s);
      inflight = trpcCall(server.port, honest.cookie, 'record.profile.set', { nativeness: null, gender: null, ageGroup: null, microphone: i++ % 2 ? 'headset' : 'laptop' })
        .then((r) => {
          s.ok = r.status === 200;
        })
        .catch(() => {})
        .finally(() => {
          s.end = performance.now();
        });
      await inflight;
      await new Promise((r) => setTimeout(r, HONEST_EVERY_MS));
    }
  })();

  // The first save creates the honest user's profile row; attacks compare row counts after that.
  while (!saves.some((s) => s.end !== null)) await new Promise((r) => setTimeout(r, 20));

  let held = 0;
  let worstSave = 0;
  const failures: string[] = [];
  for (const attack of attacks) {
    // Background work an earlier attack queued (the curation job of a CLI import) finishes first:
    // its writes belong to that attack, not inside the next one's before/after fingerprint.
    await settleJobs(dataDir);
    const t0 = performance.now();
    let verdict: string | null = null;
    try {
      const limit = attack.timeoutMs ?? 60_000;
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        attack.run(ctx),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`did not finish within ${limit} ms`)), limit))),
      ]).finally(() => clearTimeout(timer));
    } catch (err) {
      verdict = err instanceof Error ? `${err.name === 'NotHeld' ? '' : `${err.name}: `}${err.message}` : String(err);
    }
    const t1 = performance.now();
    await inflight;
    const during = saves.filter((s) => s.start <= t1 && (s.end ?? performance.now()) >= t0);
    const worst = Math.max(0, ...during.map((s) => (s.end ?? performance.now()) - s.start));
    worstSave = Math.max(worstSave, worst);
    const failedSaves = during.filter((s) => s.end !== null && !s.ok).length;
    if (!verdict && worst > SAVE_BOUND_MS) verdict = `an honest save took ${worst.toFixed(0)} ms while this ran (bound ${SAVE_BOUND_MS} ms)`;
    if (!verdict && failedSaves) verdict = `${failedSaves} honest save(s) failed while this ran`;
    const secs = ((t1 - t0) / 1000).toFixed(1);
    if (verdict) {
      failures.push(`${attack.name}: ${verdict}`);
      console.log(`  ✗ ${attack.name} (${secs} s, worst save ${worst.toFixed(0)} ms)\n      ${verdict}`);
    } else {
      held++;
      console.log(`  ✓ ${attack.name} (${secs} s, worst save ${worst.toFixed(0)} ms)`);
    }
  }

  stopHonest = true;
  await honestLoop;
  for (const db of readers) db.close();
  await writer.close();
  await server.stop();
  const serverLog = readFileSync(server.logFile, 'utf8');
  const internal = serverLog.split('\n').filter((l) => /"level":50|procedure failed|request failed/.test(l));
  if (internal.length) {
    console.log(`\nserver logged ${internal.length} internal error(s); first:\n  ${internal[0]!.slice(0, 400)}`);
  }
  if (failures.length) console.log(`\nnot held:\n${failures.map((f) => `  - ${f}`).join('\n')}`);
  const honestSaves = saves.filter((s) => s.end !== null);
  console.log(`\n${honestSaves.length} honest saves, ${honestSaves.filter((s) => !s.ok).length} failed; ${((performance.now() - started) / 1000).toFixed(0)} s in all; store ${statSync(path.join(dataDir, 'store')).isDirectory() ? countFiles(path.join(dataDir, 'store')) : 0} files`);
  if (!process.env.ABUSE_KEEP) rmSync(root, { recursive: true, force: true });
  else console.log(`kept ${root}`);
  console.log(`test:abuse attacks=${attacks.length} held=${held} worst_save_ms=${worstSave.toFixed(0)}`);
  if (held !== attacks.length || internal.length) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
