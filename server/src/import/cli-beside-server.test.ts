/**
 * The README's promise that the CLI may run while the server runs, checked with real processes:
 * the server (server/src/index.ts) in one, CLI imports in others, a speaker saving over HTTP
 * throughout, an admin looking at the video lists, and one import killed with SIGKILL mid-commit.
 * On both engines: the SQLite file in the data dir, or (test:unit:pg) a throw-away PostgreSQL
 * database that the server and the CLI share.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import pino from 'pino';
import { trpcCall } from '../../../abuse/lib/http.ts';
import { addAccount, startServer, type RunningServer } from '../../../abuse/lib/server.ts';
import type { Account } from '../../../abuse/lib/types.ts';
import { openApp, type App } from '../app.ts';
import { loadConfig } from '../config.ts';
import { DIALECT } from '../db/dialect.ts';
import { repoRoot } from '../paths.ts';
import { writeDavisVideo } from '../testing/davis-builder.ts';
import { fixture } from '../testing/fixtures.ts';
import { createThrowawayPg } from '../testing/pg.ts';

const davis = fixture('davis2017-val-osvos');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Save {
  ms: number;
  ok: boolean;
  status: number;
}

describe('CLI imports beside the running server', () => {
  let root: string;
  let dataDir: string;
  let server: RunningServer;
  let speaker: Account;
  let admin: Account;
  let pgDb: { url: string; drop(): Promise<void> } | null = null;
  /** This process's own connections to the database, for looking at what other connections see. */
  let look: App;

  beforeAll(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'cli-beside-'));
    dataDir = path.join(root, 'data');
    pgDb = DIALECT === 'postgres' ? await createThrowawayPg('cli_beside') : null;
    const dbEnv: Record<string, string> = pgDb ? { DATABASE_URL: pgDb.url } : {};
    look = await openApp(loadConfig({ DATA_DIR: dataDir, STUDIO_DEMO: '0', ...dbEnv }), { log: pino({ level: 'silent' }) });
    speaker = await addAccount(look, 'speaker', ['speaker']);
    admin = await addAccount(look, 'boss', ['admin']);
    server = await startServer(dataDir, dbEnv);
  });
  afterAll(async () => {
    await server?.stop();
    await look?.close();
    await pgDb?.drop();
    rmSync(root, { recursive: true, force: true });
  });

  const count = async (query: string) => Number((await look.db.execute<{ n: number }>(sql.raw(`select count(*) as n from ${query}`))).rows[0]!.n);
  const stagedCount = () => count(`videos where status = 'importing'`);

  /**
   * Another connection that takes the write lock of the tables an import writes, until released:
   * SQLite's one write lock, or PostgreSQL's EXCLUSIVE lock on those tables (reads go on).
   */
  async function holdImportWrites(): Promise<() => Promise<void>> {
    if (!pgDb) {
      const holder = new Database(path.join(dataDir, 'studio.db'), { timeout: 10_000 });
      holder.exec('BEGIN IMMEDIATE');
      return async () => {
        holder.exec('ROLLBACK');
        holder.close();
      };
    }
    const holder = new pg.Client({ connectionString: pgDb.url });
    await holder.connect();
    await holder.query('begin');
    await holder.query('lock table videos, frames, objects, masks in exclusive mode');
    return async () => {
      await holder.query('rollback');
      await holder.end();
    };
  }

  function cli(args: string[]): { child: ChildProcess; done: Promise<{ code: number | null; signal: string | null; out: string }> } {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'server/src/cli/index.ts'), ...args], {
      cwd: repoRoot,
      env: { ...process.env, ...server.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const done = new Promise<{ code: number | null; signal: string | null; out: string }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, out })));
    return { child, done };
  }

  /** A speaker saving their profile (a durable write) one request at a time, ~every 50 ms. */
  function keepSaving() {
    const saves: Save[] = [];
    let stop = false;
    const loop = (async () => {
      for (let i = 0; !stop; i++) {
        const t0 = performance.now();
        const res = await trpcCall(server.port, speaker.cookie, 'record.profile.set', { nativeness: null, gender: null, ageGroup: null, microphone: i % 2 ? 'headset' : 'laptop' }).catch(() => null);
        saves.push({ ms: performance.now() - t0, ok: res?.status === 200, status: res?.status ?? 0 });
        await sleep(50);
      }
    })();
    return async () => {
      stop = true;
      await loop;
      return saves;
    };
  }

  /** An admin listing videos (both lists) back to back; returns the distinct name sets seen. */
  function keepLooking() {
    const seen = new Set<string>();
    const failures: string[] = [];
    let looks = 0;
    let stop = false;
    const loop = (async () => {
      while (!stop) {
        for (const [p, input] of [
          ['videos.list', { limit: 100, offset: 0 }],
          ['admin.curation.list', { limit: 200 }],
        ] as const) {
          const res = await trpcCall<{ videos?: { name: string }[]; rows?: { name: string }[] }>(server.port, admin.cookie, p, input).catch((e: Error) => ({ status: 0, data: undefined, text: e.message }));
          if (res.status !== 200) failures.push(`${p}: ${res.status} ${res.text.slice(0, 200)}`);
          else seen.add(`${p}: ${(res.data!.videos ?? res.data!.rows ?? []).map((v) => v.name).sort().join(',')}`);
          looks++;
        }
        await sleep(10);
      }
    })();
    return async () => {
      stop = true;
      await loop;
      return { seen: [...seen].sort(), failures, looks };
    };
  }

  const summary = (saves: Save[]) => {
    const ms = saves.map((s) => s.ms).sort((a, b) => a - b);
    return `${saves.length} saves, worst ${ms.at(-1)!.toFixed(0)} ms, p50 ${ms[Math.floor(ms.length / 2)]!.toFixed(0)} ms`;
  };

  it.skipIf(!davis.available)('a DAVIS fixture import: every save succeeds, and the videos appear all at once' + davis.skipNote, async () => {
    const stopSaving = keepSaving();
    const stopLooking = keepLooking();
    let staged = 0;
    const probe = setInterval(() => void stagedCount().then((n) => (staged = Math.max(staged, n))), 2);
    const started = performance.now();
    const result = await cli(['import', '--format', 'davis', davis.path]).done;
    const importMs = performance.now() - started;
    await sleep(200);
    clearInterval(probe);
    const saves = await stopSaving();
    const looks = await stopLooking();
    console.log(`DAVIS import beside the server: ${(importMs / 1000).toFixed(1)} s; ${summary(saves)}; ${looks.looks} looks; up to ${staged} staged videos seen`);
    expect(result.code, result.out).toBe(0);
    expect(result.out).toMatch(/4 videos added/);
    expect(saves.filter((s) => !s.ok)).toEqual([]);
    expect(saves.length).toBeGreaterThan(10);
    expect(looks.failures).toEqual([]);
    // Before: nothing; after: all four. Never a part of the import.
    const all = 'horsejump-high,kite-surf,paragliding-launch,soapbox';
    expect(looks.seen).toEqual([`admin.curation.list: `, `admin.curation.list: ${all}`, `videos.list: `, `videos.list: ${all}`]);
  });

  it('an import killed with SIGKILL mid-commit shows nothing; the next import removes its rows and succeeds', async () => {
    // Enough rows (8 videos × 250 frames × 6 objects) that the staging takes several transactions.
    const src = path.join(root, 'generated');
    mkdirSync(src);
    const names = Array.from({ length: 8 }, (_, i) => `gen-${i}`);
    for (const [i, name] of names.entries()) await writeDavisVideo(src, name, { frames: 250, objects: 6, speed: 1 + i });
    const before = (await trpcCall<{ videos: { name: string }[] }>(server.port, admin.cookie, 'videos.list', { limit: 100, offset: 0 })).data!.videos.map((v) => v.name);

    const stopSaving = keepSaving();
    const stopLooking = keepLooking();
    const first = cli(['import', '--format', 'davis', src]);
    // A second connection that takes the write lock as soon as staged rows are committed: the CLI
    // then waits in its next transaction, and is killed there, mid-commit.
    let release: (() => Promise<void>) | null = null;
    let stagedAtKill = 0;
    for (;;) {
      if ((await stagedCount()) > 0) {
        release = await holdImportWrites();
        stagedAtKill = await stagedCount();
        break;
      }
      if (first.child.exitCode !== null) break;
      await sleep(1);
    }
    first.child.kill('SIGKILL');
    const killed = await first.done;
    await release?.();
    expect(killed.signal, killed.out).toBe('SIGKILL');
    expect(stagedAtKill).toBeGreaterThan(0);

    // Left behind, and invisible: the lists show what they showed before.
    const leftover = await stagedCount();
    expect(leftover).toBeGreaterThan(0);
    const during = (await trpcCall<{ videos: { name: string }[] }>(server.port, admin.cookie, 'videos.list', { limit: 100, offset: 0 })).data!.videos.map((v) => v.name);
    expect(during).toEqual(before);

    const second = await cli(['import', '--format', 'davis', src]).done;
    const saves = await stopSaving();
    const looks = await stopLooking();
    console.log(`kill -9 with ${leftover} staged videos left; next import: ${second.out.trim().split('\n').at(-1)}; ${summary(saves)}`);
    expect(second.code, second.out).toBe(0);
    expect(second.out).toMatch(/8 videos added/);
    expect(await stagedCount()).toBe(0);
    expect(await count(`frames f join videos v on v.id = f.video_id where v.name like 'gen-%'`)).toBe(8 * 250);
    // PostgreSQL checks foreign keys on every statement; SQLite is asked.
    if (look.database.dialect === 'sqlite') expect(look.database.reader.prepare('pragma foreign_key_check').all()).toEqual([]);
    expect(saves.filter((s) => !s.ok)).toEqual([]);
    expect(looks.failures).toEqual([]);
    // Every list ever seen held all of the generated videos or none of them.
    for (const s of looks.seen) {
      const gen = s.split(': ')[1]!.split(',').filter((n) => n.startsWith('gen-'));
      expect([0, names.length], s).toContain(gen.length);
    }
  });
});
