import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DIALECT } from './db/dialect.ts';
import { repoRoot } from './paths.ts';

/** The real server in its own process on loopback, as `npm start` runs it (without demo data). */
function startServer(dataDir: string, port: number): { child: ChildProcess; stderr: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'server/src/index.ts')], {
    cwd: repoRoot,
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', STUDIO_DEMO: '0', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, stderr: () => err, exited };
}

async function healthy(port: number, within = 60_000): Promise<boolean> {
  const end = Date.now() + within;
  while (Date.now() < end) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/healthz`)).ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return false;
}

function studio(dataDir: string, args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'server/src/cli/index.ts'), ...args], { cwd: repoRoot, env: { ...process.env, DATA_DIR: dataDir }, encoding: 'utf8', timeout: 60_000 });
  return { code: r.status, out: r.stdout.trim(), err: r.stderr.trim() };
}

// About the SQLite file in the data dir: on PostgreSQL several servers share a database (no data
// dir lock) and backups are pg_dump's, so there is nothing here to check.
describe.skipIf(DIALECT === 'postgres')('one server per data dir; restore only without one', () => {
  let work: string;
  let dataDir: string;
  const started: ChildProcess[] = [];
  const port = () => 3900 + Math.floor(Math.random() * 90);

  beforeAll(() => {
    work = mkdtempSync(path.join(os.tmpdir(), 'studio-server-lock-'));
    dataDir = path.join(work, 'data');
  });
  afterAll(() => {
    for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    rmSync(work, { recursive: true, force: true });
  });

  it('refuses a second server and a restore while one runs; a killed server leaves no stale lock', async () => {
    const p1 = port();
    const first = startServer(dataDir, p1);
    started.push(first.child);
    expect(await healthy(p1), first.stderr()).toBe(true);
    const saved = studio(dataDir, ['backup', path.join(work, 'backup'), '--with-store']);
    expect(saved.code, saved.err).toBe(0);

    const p2 = p1 + 100;
    const second = startServer(dataDir, p2);
    started.push(second.child);
    expect(await second.exited).toBe(1);
    expect(second.stderr().trim()).toBe(`error: ${dataDir} is in use by another server (or a restore); stop it first, or start this one with another DATA_DIR`);

    const refused = studio(dataDir, ['restore', path.join(work, 'backup'), '--force']);
    expect(refused.code).toBe(1);
    expect(refused.err).toBe(`error: a server (or another restore) is using ${dataDir}; stop it before restoring`);
    expect(await healthy(p1, 2000)).toBe(true);

    // kill -9: the operating system drops the lock with the process, so a new server starts.
    first.child.kill('SIGKILL');
    await first.exited;
    const third = startServer(dataDir, p2);
    started.push(third.child);
    expect(await healthy(p2), third.stderr()).toBe(true);
    third.child.kill('SIGTERM');
    expect(await third.exited).toBe(0);

    const restored = studio(dataDir, ['restore', path.join(work, 'backup'), '--force']);
    expect(restored.code, restored.err).toBe(0);
    expect(restored.out).toMatch(/^restored into .*: \d+ store files checked, 0 added from the backup; the previous database is kept in .*pre-restore-/);
  }, 120_000);
});
