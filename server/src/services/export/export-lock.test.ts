import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { releases } from '../../db/schema/index.ts';
import { repoRoot } from '../../paths.ts';
import { callerFor, makeUser, testApp, type TestApp } from '../../testing/app.ts';
import { addExpression, importVideo } from '../../testing/factories.ts';
import { lockExport } from './lock.ts';

const cli = path.join(repoRoot, 'server/src/cli/index.ts');

describe('one export per release version and per folder, across processes', () => {
  let app: TestApp;
  const out = (name: string) => path.join(app.config.dataDir, 'out', name);
  /** `studio export` in its own process, beside this one (as an admin's shell beside the server). */
  const cliExport = (args: string[]) => {
    // On PostgreSQL the CLI goes to this test's throw-away database, not the run's base one.
    const env = { ...process.env, DATA_DIR: app.config.dataDir, ...(app.config.databaseUrl ? { DATABASE_URL: app.config.databaseUrl } : {}) };
    const r = spawnSync(process.execPath, ['--import', 'tsx', cli, 'export', ...args], { cwd: repoRoot, env, encoding: 'utf8', timeout: 60_000 });
    return { code: r.status, out: r.stdout, err: r.stderr.trim() };
  };
  const releaseCount = async () => (await app.db.select().from(releases)).length;

  beforeAll(async () => {
    app = await testApp();
    const u = await makeUser(app, 'ann', ['annotator']);
    const v = await importVideo(app, 'bear', 'accepted', 2);
    await addExpression(app, { videoId: v, authorId: u.id, status: 'accepted', targets: [1], text: 'the bear walking away' });
  });
  afterAll(async () => app.cleanup());

  it('refuses a second export of a version at once, in the CLI and on the admin page, and writes nothing', async () => {
    // The first export of v1, holding its locks as a running export does.
    const first = lockExport(app.config.dataDir, 'v1', out('first'));
    try {
      const second = cliExport(['--version', 'v1', '--out', out('second')]);
      expect(second.code).toBe(1);
      expect(second.err).toBe('error: release v1 is being exported by another process right now; wait for it to finish');
      expect(existsSync(out('second'))).toBe(false);

      const admin = callerFor(app, await makeUser(app, 'boss', ['admin']));
      await expect(admin.admin.releases.create({ version: 'v1' })).rejects.toMatchObject({ code: 'CONFLICT', message: 'release v1 is being exported by another process right now; wait for it to finish' });
      // Without a version the page takes the next one, which is the one being exported.
      await expect(admin.admin.releases.create({})).rejects.toMatchObject({ code: 'CONFLICT' });
      expect(await releaseCount()).toBe(0);
    } finally {
      first.release();
    }
    // Once the first is over, the same command goes through.
    const after = cliExport(['--version', 'v1', '--out', out('second')]);
    expect(after.code).toBe(0);
    expect(after.out).toMatch(/^created release v1 /);
    expect(existsSync(path.join(out('second'), 'manifest.json'))).toBe(true);
  }, 60_000);

  it('refuses a second export into the same folder whatever its version (they would delete each other\'s partial folders)', () => {
    const first = lockExport(app.config.dataDir, 'v7', out('shared'));
    try {
      const second = cliExport(['--version', 'v1', '--out', out('shared')]);
      expect(second.code).toBe(1);
      expect(second.err).toBe(`error: another export is writing into ${out('shared')} right now; wait for it to finish or choose another folder`);
    } finally {
      first.release();
    }
    // And the version lock of the refused one was given back: v1 can be exported elsewhere.
    expect(cliExport(['--version', 'v1', '--out', out('third')]).code).toBe(0);
  }, 60_000);
});
