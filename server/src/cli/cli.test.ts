import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DIALECT } from '../db/dialect.ts';
import { repoRoot } from '../paths.ts';
import { PG_BACKUP } from '../services/backup.ts';
import { PG_RESTORE } from '../services/restore.ts';
import { createThrowawayPg } from '../testing/pg.ts';
import { writeDavisVideo } from '../testing/davis-builder.ts';
import { writeMevisSplit } from '../testing/mevis-builder.ts';

const tsx = path.join(repoRoot, 'node_modules/.bin/tsx');
const cli = path.join(repoRoot, 'server/src/cli/index.ts');

describe('studio CLI', () => {
  let dataDir: string;
  // On PostgreSQL (test:unit:pg) the commands run on a throw-away database of this test's own.
  let pgDb: { url: string; drop(): Promise<void> } | null = null;
  const run = (args: string[], input?: string) => {
    const r = spawnSync(tsx, [cli, ...args], { env: { ...process.env, DATA_DIR: dataDir, ...(pgDb && { DATABASE_URL: pgDb.url }) }, input, encoding: 'utf8', timeout: 60_000 });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };

  beforeAll(async () => {
    dataDir = mkdtempSync(path.join(os.tmpdir(), 'studio-cli-'));
    pgDb = DIALECT === 'postgres' ? await createThrowawayPg('cli') : null;
  });
  afterAll(async () => {
    await pgDb?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('adds, lists and disables users', () => {
    const add = run(['user', 'add', 'chief', '--role', 'admin,validator']);
    expect(add.code).toBe(0);
    expect(add.out).toMatch(/created user chief \(id 1\) with roles admin, validator/);
    expect(add.out).toMatch(/password: [A-Za-z0-9]{16}/);
    const stdin = run(['user', 'add', 'ann', '-r', 'annotator', '--password-stdin'], 'a long enough password\n');
    expect(stdin.code).toBe(0);
    expect(stdin.out).not.toContain('password:');
    expect(run(['user', 'disable', 'ann']).out).toContain('ann is now disabled');
    const list = run(['user', 'list']);
    expect(list.out).toMatch(/chief\s+admin,validator\s+active/);
    expect(list.out).toMatch(/ann\s+annotator\s+disabled/);
  });

  it('fails with a one-line reason and a non-zero exit', () => {
    for (const [args, message] of [
      [['user', 'add', 'chief', '--role', 'admin'], 'error: user "chief" already exists'],
      [['user', 'add', 'x2', '--role', 'boss'], 'unknown role "boss"'],
      [['user', 'disable', 'nobody'], 'error: no user named "nobody"'],
      [['import', '--format', 'davis', path.join(dataDir, 'missing')], 'does not exist'],
    ] as const) {
      const r = run([...args]);
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.err.trim().split('\n').at(-1), args.join(' ')).toContain(message);
    }
  });

  it('imports a DAVIS-layout folder and refuses a broken one without writing', async () => {
    const src = path.join(dataDir, 'src');
    mkdirSync(src);
    await writeDavisVideo(src, 'cli-video', { frames: 6, objects: 3 });
    const ok = run(['import', '--format', 'davis', '--status', 'accepted', src]);
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/1 videos added, 0 unchanged; 6 frames, 3 objects, 18 masks/);
    expect(ok.out).toMatch(/curation scores: queued \(job [0-9a-f-]{36}\)/);
    const again = run(['import', '--format', 'davis', src]);
    expect(again.out).toMatch(/0 videos added, 1 unchanged/);
    // No server ran, so the video has no score yet: the re-import queues it again (an upsert, harmless).
    expect(again.out).toMatch(/curation scores: queued/);

    const bad = path.join(dataDir, 'bad');
    mkdirSync(bad);
    await writeDavisVideo(bad, 'broken-video');
    truncateSync(path.join(bad, 'Annotations/broken-video/00001.png'), 40);
    const fail = run(['import', '--format', 'davis', bad]);
    expect(fail.code).toBe(1);
    expect(fail.err.trim().split('\n').at(-1)).toMatch(/^error: Annotations\/broken-video\/00001\.png: unreadable PNG, truncated or corrupt/);
  }, 60_000);

  it('exports a release with progress, and rebuilds it byte for byte by version', async () => {
    expect(run(['export', '--out', path.join(dataDir, 'none')]).err.trim().split('\n').at(-1)).toBe('error: there are no accepted expressions to release');
    const split = path.join(dataDir, 'mevis-split');
    await writeMevisSplit(split);
    expect(run(['import', '--format', 'mevis', split]).code).toBe(0);
    const first = run(['export', '--out', path.join(dataDir, 'rel-v1'), '--notes', 'cli test']);
    expect(first.code).toBe(0);
    expect(first.err).toMatch(/export videos\s+100%/);
    const sha = /created release v1 .* \(manifest sha256 ([0-9a-f]{64})\)/.exec(first.out)?.[1];
    expect(sha).toBeDefined();
    const again = run(['export', '--out', path.join(dataDir, 'rel-v1-again'), '--version', 'v1']);
    expect(again.out).toContain(`rebuilt release v1`);
    expect(again.out).toContain(sha);
    expect(readFileSync(path.join(dataDir, 'rel-v1-again/README.md'), 'utf8')).toContain('Notes: cli test');
    if (pgDb) {
      // Backups of PostgreSQL are pg_dump's job: both commands say so and do nothing.
      for (const [args, message] of [
        [['backup', path.join(dataDir, 'bk')], PG_BACKUP],
        [['restore', path.join(dataDir, 'bk')], PG_RESTORE],
      ] as const) {
        const refused = run([...args]);
        expect(refused.code, args[0]).toBe(1);
        expect(refused.err.trim().split('\n').at(-1), args[0]).toBe(`error: ${message}`);
      }
    } else {
      const saved = run(['backup', path.join(dataDir, 'bk'), '--with-store']);
      expect(saved.out).toMatch(/backup in .*: database [0-9.]+ MB, \d+ store files listed, \d+ copied/);
      const fresh = mkdtempSync(path.join(os.tmpdir(), 'studio-cli-restore-'));
      const restored = spawnSync(tsx, [cli, 'restore', path.join(dataDir, 'bk')], { env: { ...process.env, DATA_DIR: fresh }, encoding: 'utf8', timeout: 60_000 });
      expect(restored.stdout).toMatch(/restored into .*: \d+ store files checked, \d+ added from the backup/);
      const again2 = spawnSync(tsx, [cli, 'export', '--out', path.join(fresh, 'rel'), '--version', 'v1'], { env: { ...process.env, DATA_DIR: fresh }, encoding: 'utf8', timeout: 60_000 });
      // The restored data dir rebuilds the same release: same data, same store.
      expect(again2.stdout).toContain(sha);
      rmSync(fresh, { recursive: true, force: true });
    }
    const taken = run(['export', '--out', path.join(dataDir, 'rel-v1')]);
    expect(taken.code).toBe(1);
    expect(taken.err).toMatch(/is not empty/);
  }, 90_000);
});
