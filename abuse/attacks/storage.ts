/**
 * The data dir under hostile or careless operators: a restore and a second server pointed at the
 * running server's data dir, two exports of one release version at once, LIKE wildcards typed into
 * searches, and a release exported from the admin page while honest users save.
 */
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../../server/src/paths.ts';
import { writeDavisVideo } from '../../server/src/testing/davis-builder.ts';
import { check, checkRefused, type AbuseCtx, type Attack } from '../lib/types.ts';

/** A scratch folder beside the data dir (the runner removes the whole root). */
const scratch = (ctx: AbuseCtx, prefix: string) => mkdtempSync(path.join(path.dirname(ctx.dataDir), `${prefix}-`));

/** Leftovers a restore would make in the data dir: there must be none after a refused one. */
const restoreTraces = (dataDir: string) => readdirSync(dataDir).filter((n) => n.startsWith('pre-restore-') || n.startsWith('studio.db.restore-'));

async function until(what: string, ok: () => boolean, ms = 30_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    check(Date.now() < end, `${what} did not happen within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const oneLine = (stderr: string) => stderr.trim().split('\n').length === 1;

export const attacks: Attack[] = [
  {
    name: 'storage: restore with the CLI into the running server\'s data dir',
    async run(ctx) {
      const saved = path.join(scratch(ctx, 'backup'), 'b');
      const b = await ctx.cli(['backup', saved, '--with-store']);
      check(b.code === 0, `backup beside the server failed: ${b.stderr.trim().slice(-300)}`);
      const before = ctx.fingerprint();
      for (const args of [['restore', saved, '--force'], ['restore', saved]]) {
        const r = await ctx.cli(args);
        check(r.code === 1, `${args.join(' ')} beside a running server exited ${r.code}: ${r.stdout.trim()} ${r.stderr.trim().slice(-300)}`);
        check(oneLine(r.stderr) && /^error: a server \(or another restore\) is using .*; stop it before restoring$/.test(r.stderr.trim()), `unclear refusal: ${r.stderr.trim().slice(0, 300)}`);
      }
      check(ctx.fingerprint() === before, 'a refused restore changed the database or the store');
      check(restoreTraces(ctx.dataDir).length === 0, `a refused restore left ${restoreTraces(ctx.dataDir).join(', ')}`);
      const res = await ctx.call('admin', 'admin.overview');
      check(res.status === 200, `the server stopped serving after the restore attempt (${res.status})`);
    },
  },
  {
    name: 'storage: a second server started on the same data dir',
    async run(ctx) {
      const before = ctx.fingerprint();
      const port = ctx.port + 1000;
      const child = spawn(process.execPath, ['--import', 'tsx', path.join(repoRoot, 'server/src/index.ts')], {
        cwd: repoRoot,
        env: { ...process.env, ...ctx.env, PORT: String(port) },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.stdout.resume();
      const code = await new Promise<number | null>((resolve) => {
        // A second server that starts anyway is the failure; stop it (we started it) and say so.
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          resolve(null);
        }, 45_000);
        child.once('exit', (c) => {
          clearTimeout(timer);
          resolve(c);
        });
      });
      check(code === 1, `the second server did not refuse to start (exit ${code}): ${stderr.trim().slice(-300)}`);
      check(oneLine(stderr) && /^error: .* is in use by another server \(or a restore\); stop it first, or start this one with another DATA_DIR$/.test(stderr.trim()), `unclear refusal: ${stderr.trim().slice(0, 300)}`);
      check(ctx.fingerprint() === before, 'the refused server wrote to the database or the store');
      const res = await ctx.call('admin', 'admin.overview');
      check(res.status === 200, `the first server stopped serving (${res.status})`);
    },
  },
  {
    name: 'storage: two exports of one release version at once (CLI, CLI and the admin page)',
    timeoutMs: 90_000,
    async run(ctx) {
      // The first export is parked in its flush, as on a slow disk: a `sync` first on its PATH waits
      // for our word. It holds the version's lock there, and no database lock.
      const dir = scratch(ctx, 'export');
      const bin = path.join(dir, 'bin');
      mkdirSync(bin);
      const realSync = spawnSync('sh', ['-c', 'command -v sync'], { encoding: 'utf8' }).stdout.trim();
      check(realSync, 'no sync program on PATH');
      writeFileSync(path.join(bin, 'sync'), `#!/bin/sh\ntouch "${dir}/reached"\nwhile [ ! -e "${dir}/go" ]; do sleep 0.05; done\nexec "${realSync}" "$@"\n`);
      chmodSync(path.join(bin, 'sync'), 0o755);
      const version = 'abuse-storage-1';
      const [outA, outB] = [path.join(dir, 'a'), path.join(dir, 'b')];
      let firstDone = false;
      const first = ctx.cli(['export', '--version', version, '--out', outA], { env: { PATH: `${bin}:${process.env.PATH}` }, timeoutMs: 80_000 }).finally(() => (firstDone = true));
      try {
        await until('the first export reaching its flush', () => existsSync(path.join(dir, 'reached')) || firstDone);
        if (firstDone) check(false, `the first export ended before its flush: ${(await first).stderr.trim().slice(-300)}`);

        const second = await ctx.cli(['export', '--version', version, '--out', outB]);
        check(second.code === 1, `a second CLI export of ${version} was not refused (exit ${second.code}): ${second.stdout.trim()}`);
        check(oneLine(second.stderr) && second.stderr.trim() === `error: release ${version} is being exported by another process right now; wait for it to finish`, `unclear refusal: ${second.stderr.trim().slice(0, 300)}`);
        check(!existsSync(outB) && !readdirSync(dir).some((n) => n.startsWith('b.partial-')), 'the refused export wrote into its folder');
        const page = await ctx.call('admin', 'admin.releases.create', { rebuild: version });
        checkRefused(page, 'an export of the same version from the admin page', { code: 'CONFLICT', message: /being exported by another process/ });
      } finally {
        writeFileSync(path.join(dir, 'go'), '');
      }
      const done = await first;
      check(done.code === 0, `the first export failed: ${done.stderr.trim().slice(-300)}`);
      check(new RegExp(`^created release ${version} `).test(done.stdout.trim()), `unexpected summary: ${done.stdout.trim().slice(0, 200)}`);
      // Complete: every file its manifest lists is there with its size.
      const manifest = JSON.parse(readFileSync(path.join(outA, 'manifest.json'), 'utf8')) as { files: { path: string; bytes: number }[] };
      check(manifest.files.length > 0, 'an empty manifest');
      for (const f of manifest.files) check(existsSync(path.join(outA, f.path)) && statSync(path.join(outA, f.path)).size === f.bytes, `the release lacks ${f.path} or has it at another size`);
    },
  },
  {
    name: 'storage: LIKE wildcards (_ and %) in the curation and audit searches',
    async run(ctx) {
      // A video whose name has an underscore, beside the world's "abuse-…" names (which an
      // unescaped "_" would also match), imported with the CLI as an operator would.
      const src = scratch(ctx, 'import');
      await writeDavisVideo(src, 'abuse_under', { frames: 2 });
      const imp = await ctx.cli(['import', '--format', 'davis', src, '--status', 'excluded']);
      check(imp.code === 0, `importing the underscore video failed: ${imp.stderr.trim().slice(-300)}`);
      const before = ctx.fingerprint();
      const names = async (search: string) => {
        const res = await ctx.call<{ rows: { name: string }[]; total: number }>('admin', 'admin.curation.list', { search, limit: 200 });
        check(res.status === 200, `curation search ${JSON.stringify(search)} failed: ${res.status} ${res.text.slice(0, 200)}`);
        return res.data!.rows.map((r) => r.name).sort();
      };
      const expect = (what: string, got: string[], want: string[]) => check(JSON.stringify(got) === JSON.stringify(want), `${what}: got ${JSON.stringify(got)}, want ${JSON.stringify(want)}`);
      expect('search "_"', await names('_'), ['abuse_under']);
      expect('search "abuse_"', await names('abuse_'), ['abuse_under']);
      expect('search "%"', await names('%'), []);
      expect('search "abuse%video"', await names('abuse%video'), []);
      expect('search "\\\\"', await names('\\'), []);
      expect('search "abuse-v"', await names('abuse-v'), ['abuse-video']);

      const actions = async (action: string) => {
        const res = await ctx.call<{ entries: { action: string }[] }>('admin', 'admin.audit.list', { action, limit: 200 });
        check(res.status === 200, `audit search ${JSON.stringify(action)} failed: ${res.status} ${res.text.slice(0, 200)}`);
        return [...new Set(res.data!.entries.map((e) => e.action))].sort();
      };
      // "video_" with a wildcard "_" would match video.import and video.status.
      expect('audit action "video_"', await actions('video_'), []);
      expect('audit action "%"', await actions('%'), []);
      expect('audit action "_"', await actions('_'), []);
      const videoActions = await actions('video.');
      check(videoActions.length > 0 && videoActions.every((a) => a.startsWith('video.')), `audit action "video." gave ${JSON.stringify(videoActions)}`);
      const after = ctx.fingerprint();
      const changed = after.split(',').filter((part) => !before.split(',').includes(part));
      check(after === before, `searching wrote something (now ${changed.join(', ')})`);
    },
  },
  {
    name: 'storage: an admin exports a release from the page while honest users save',
    timeoutMs: 90_000,
    async run(ctx) {
      const version = 'abuse-page-1';
      const started = await ctx.call<{ state: string }>('admin', 'admin.releases.create', { version, notes: 'exported during test:abuse' });
      check(started.status === 200 && started.data?.state === 'running', `the export did not start: ${started.status} ${started.text.slice(0, 200)}`);
      let row: { version: string; onDisk: boolean; job: { state: string; error: string | null } | null } | undefined;
      const end = Date.now() + 80_000;
      for (;;) {
        const list = await ctx.call<NonNullable<typeof row>[]>('admin', 'admin.releases.list');
        row = list.data?.find((r) => r.version === version);
        if (row?.job?.state !== 'running') break;
        check(Date.now() < end, 'the page export did not finish within 80 s');
        await new Promise((r) => setTimeout(r, 100));
      }
      check(row?.job?.state === 'finished' && row.onDisk, `the page export ended ${JSON.stringify(row?.job)}`);
      const tar = await ctx.raw({ path: `/media/releases/${version}.tar`, headers: { cookie: ctx.seed.accounts.admin.cookie } });
      check(tar.status === 200 && tar.body.subarray(257, 262).toString() === 'ustar', `the release tar did not download (${tar.status})`);
    },
  },
];
