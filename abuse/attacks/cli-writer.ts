/**
 * Another process writing the database while the server runs (the README says the CLI may): an
 * import of real videos, a second import at the same time, and a writer that holds SQLite's write
 * lock for 1.5 s. The server must keep answering (its event loop never waits on the lock), honest
 * saves must succeed (retried until the lock is free), and no half-written import may show.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { repoRoot } from '../../server/src/paths.ts';
import { writeDavisVideo } from '../../server/src/testing/davis-builder.ts';
import { check, type AbuseCtx, type Attack } from '../lib/types.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The DAVIS fixture, or (without fixtures) generated DAVIS-layout videos in a folder of their own. */
async function davisSource(ctx: AbuseCtx, tag: string, count: number, frames: number): Promise<{ dir: string; names: string[] }> {
  const fixture = ctx.fixtures && path.join(ctx.fixtures, 'davis2017-val-osvos');
  if (tag === 'fixture' && fixture && existsSync(fixture)) {
    return { dir: fixture, names: ['horsejump-high', 'kite-surf', 'paragliding-launch', 'soapbox'] };
  }
  const dir = mkdtempSync(path.join(ctx.dataDir, `src-${tag}-`));
  const names = Array.from({ length: count }, (_, i) => `${tag}-${i}`);
  for (const [i, name] of names.entries()) await writeDavisVideo(dir, name, { frames, objects: 5, speed: 1 + i });
  return { dir, names };
}

/** Starts the CLI with output as it comes (ctx.cli hands it over only at the end). */
function startCli(ctx: AbuseCtx, args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'server/src/cli/index.ts'), ...args], {
    cwd: repoRoot,
    env: { ...process.env, ...ctx.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const listeners: (() => void)[] = [];
  const onData = (d: Buffer) => {
    out += d.toString();
    for (const l of listeners) l();
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  const done = new Promise<{ code: number | null; out: string }>((resolve) => child.on('close', (code) => resolve({ code, out })));
  /** Resolves once the output matches. */
  const saw = (re: RegExp) =>
    new Promise<void>((resolve, reject) => {
      const look = () => (re.test(out) ? resolve() : child.exitCode !== null ? reject(new Error(`the CLI ended without printing ${re}: ${out.slice(-300)}`)) : undefined);
      listeners.push(look);
      void done.then(look);
      look();
    });
  return { child, done, saw, output: () => out };
}

/** An admin listing videos until stopped: every answer a 200, and of `names` always all or none. */
function watchLists(ctx: AbuseCtx, names: string[]) {
  const problems: string[] = [];
  let looks = 0;
  let stop = false;
  const loop = (async () => {
    while (!stop) {
      const res = await ctx.call<{ videos: { name: string; status: string }[] }>('admin', 'videos.list', { limit: 100, offset: 0 });
      looks++;
      if (res.status !== 200) problems.push(`videos.list answered ${res.status}: ${res.text.slice(0, 200)}`);
      else {
        const shown = res.data!.videos.filter((v) => names.includes(v.name));
        if (shown.length !== 0 && shown.length !== names.length) problems.push(`a part of the import was listed: ${shown.map((v) => v.name).join(', ')}`);
      }
      await sleep(20);
    }
  })();
  return async () => {
    stop = true;
    await loop;
    return { problems, looks };
  };
}

export const attacks: Attack[] = [
  {
    name: 'cli-writer: a DAVIS import by the CLI beside the running server',
    timeoutMs: 180_000,
    async run(ctx) {
      const src = await davisSource(ctx, 'fixture', 4, 60);
      const stopWatching = watchLists(ctx, src.names);
      const res = await ctx.cli(['import', '--format', 'davis', src.dir], { timeoutMs: 170_000 });
      const watched = await stopWatching();
      ctx.log(`import: ${res.stdout.trim().split('\n').at(-1)} (${(res.ms / 1000).toFixed(1)} s; ${watched.looks} looks at the list meanwhile)`);
      check(res.code === 0, `the import failed (${res.code}): ${(res.stderr || res.stdout).slice(-400)}`);
      check(new RegExp(`${src.names.length} videos added`).test(res.stdout), `expected ${src.names.length} videos added: ${res.stdout.slice(-300)}`);
      check(watched.problems.length === 0, watched.problems.slice(0, 3).join('; '));
      const after = await ctx.call<{ videos: { name: string; status: string }[] }>('admin', 'videos.list', { limit: 100, offset: 0 });
      const listed = after.data?.videos.filter((v) => src.names.includes(v.name)) ?? [];
      check(listed.length === src.names.length && listed.every((v) => v.status === 'candidate'), `after the import the list shows ${JSON.stringify(listed)}`);
    },
  },
  {
    name: 'cli-writer: a second import while one runs is refused at once',
    timeoutMs: 120_000,
    async run(ctx) {
      const first = await davisSource(ctx, 'first', 3, 8);
      const second = await davisSource(ctx, 'second', 1, 4);
      // One frame of the first import is a named pipe: its reader waits (off the event loop) until
      // the bytes are written, so the first import is certainly running, lock held, meanwhile.
      const pipe = path.join(first.dir, 'JPEGImages', 'first-0', '00001.jpg');
      const bytes = readFileSync(pipe);
      rmSync(pipe);
      execFileSync('mkfifo', [pipe]);
      const a = startCli(ctx, ['import', '--format', 'davis', first.dir]);
      await a.saw(/frames \+ masks/);
      const b = await ctx.cli(['import', '--format', 'davis', second.dir]);
      const aStillRunning = a.child.exitCode === null;
      await writeFile(pipe, bytes);
      const aDone = await a.done;
      ctx.log(`second import: exit ${b.code} after ${(b.ms / 1000).toFixed(1)} s: ${b.stderr.trim().split('\n').at(-1)}`);
      check(aStillRunning, 'the first import was not running any more');
      check(b.code !== 0, `the second import ran beside the first: ${b.stdout.slice(-300)}`);
      check(/another import is running/.test(b.stderr), `the refusal does not say why: ${b.stderr.slice(-300)}`);
      check(aDone.code === 0 && /3 videos added/.test(aDone.out), `the first import did not complete: ${aDone.out.slice(-300)}`);
      const videos = ctx.db().prepare(`select name, status from videos where name like 'second-%' or name like 'first-%'`).all() as { name: string; status: string }[];
      check(videos.length === 3 && videos.every((v) => v.name.startsWith('first-') && v.status === 'candidate'), `videos after both: ${JSON.stringify(videos)}`);
    },
  },
  {
    name: 'cli-writer: another process holds the write lock for 1.5 s',
    timeoutMs: 60_000,
    async run(ctx) {
      const HOLD_MS = 1500;
      // A small program that does what a CLI's long transaction does: take the lock and sit on it.
      const holder = spawn(
        process.execPath,
        [
          '-e',
          `const db = new (require('better-sqlite3'))(process.argv[1], { timeout: 5000 });
           db.exec('BEGIN IMMEDIATE'); console.log('locked');
           setTimeout(() => { const at = Date.now(); db.exec('COMMIT'); console.log('released ' + at); db.close(); }, ${HOLD_MS});`,
          path.join(ctx.dataDir, 'studio.db'),
        ],
        { cwd: repoRoot, stdio: ['ignore', 'pipe', 'inherit'] },
      );
      let out = '';
      let releasedAt = 0;
      const locked = new Promise<void>((resolve, reject) => {
        holder.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('locked')) resolve();
          if (out.includes('released') && !releasedAt) releasedAt = performance.now();
        });
        holder.on('exit', () => (out.includes('locked') ? undefined : reject(new Error(`the lock holder ended: ${out}`))));
      });
      const exited = new Promise((r) => holder.on('exit', r));
      await locked;
      const lockedAt = performance.now();
      // During the hold: a save (waits for the lock, then succeeds), and requests that need no lock.
      const save = ctx.call('speaker', 'record.profile.set', { nativeness: null, gender: null, ageGroup: null, microphone: 'usb' }).then((r) => ({ r, at: performance.now() }));
      const answered: { what: string; status: number; ms: number; duringHold: boolean }[] = [];
      for (let i = 0; i < 5; i++) {
        const h = await ctx.raw({ path: '/healthz' });
        answered.push({ what: 'healthz', status: h.status, ms: h.ms, duringHold: !releasedAt });
        const list = await ctx.call('admin', 'videos.list', { limit: 10, offset: 0 });
        answered.push({ what: 'videos.list', status: list.status, ms: list.ms, duringHold: !releasedAt });
        await sleep(100);
      }
      const saved = await save;
      await exited;
      const during = answered.filter((a) => a.duringHold);
      ctx.log(
        `during the ${HOLD_MS} ms hold: ${during.length} reads answered${during.length ? `, slowest ${Math.max(...during.map((a) => a.ms)).toFixed(0)} ms` : ''}; ` +
          `the save was answered ${(saved.at - lockedAt).toFixed(0)} ms after the lock was taken (${(saved.at - releasedAt).toFixed(0)} ms after its release)`,
      );
      check(during.length >= 6 && during.every((a) => a.status === 200), `reads during the hold: ${JSON.stringify(during)}`);
      check(
        during.every((a) => a.ms < HOLD_MS / 2),
        `the server stalled while another process held the lock: ${JSON.stringify(during.filter((a) => a.ms >= HOLD_MS / 2))}`,
      );
      check(saved.r.status === 200, `a save during the hold failed: ${saved.r.status} ${saved.r.text.slice(0, 200)}`);
      // Written by a try after the release (the holder noted the time just before its COMMIT).
      const releasedWall = Number(/released (\d+)/.exec(out)?.[1]);
      const row = ctx.db().prepare('select updated_at as at, microphone from speaker_profiles where user_id = ?').get(ctx.seed.accounts.speaker.id) as { at: number; microphone: string } | undefined;
      check(row?.microphone === 'usb' && row.at >= releasedWall, `the save during the hold: ${JSON.stringify(row)}, lock released at ${releasedWall}`);
    },
  },
];
