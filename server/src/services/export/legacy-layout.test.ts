import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callerFor, makeUser, testApp, type TestApp } from '../../testing/app.ts';
import { addExpression, importVideo } from '../../testing/factories.ts';
import { checkReleaseLikeLoader } from '../../testing/release-check.ts';
import { lockExport } from './lock.ts';
import { readManifest, type ManifestEntry } from './output.ts';

const ALL_VALID = { train: 0, valid_u: 0, valid: 1, test: 0 };
const HOUR = 3600_000;

describe('releases written with their ground truth inside (the earlier layout): separated at start', () => {
  let app: TestApp;
  let adminId: number;
  let fresh: { publicManifest: string; groundTruthManifest: string };
  const releaseDir = () => app.exports.dirOf('v1');
  const gtDir = () => app.exports.groundTruthDirOf('v1');
  const read = (file: string) => readFileSync(file, 'utf8');

  /**
   * Turns the written v1 into what the earlier writer left: ground_truth/<split>/ (meta, mask_dict,
   * tracking/) inside the release, listed in its manifest ({version, files}), no package beside it.
   */
  function toEarlierLayout(opts: { keepPackage?: boolean; manifestDone?: boolean } = {}): void {
    const pub = readManifest(releaseDir())!;
    const truth = JSON.parse(fresh.groundTruthManifest) as { files: ManifestEntry[] };
    const files = pub.files.slice();
    for (const f of truth.files) {
      if (f.path === 'README.md' || f.path.endsWith('meta_expressions_v2.json')) continue;
      const [head, split, ...rest] = f.path.split('/');
      const legacy = head === 'tracking' ? ['ground_truth', split, 'tracking', ...rest].join('/') : ['ground_truth', head, split, ...rest].join('/');
      mkdirSync(path.dirname(path.join(releaseDir(), legacy)), { recursive: true });
      copyFileSync(path.join(gtDir(), f.path), path.join(releaseDir(), legacy));
      files.push({ ...f, path: legacy });
    }
    files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    if (!opts.manifestDone) writeFileSync(path.join(releaseDir(), 'manifest.json'), JSON.stringify({ version: 'v1', files }, null, 1) + '\n');
    if (!opts.keepPackage) rmSync(gtDir(), { recursive: true });
  }

  const expectSeparated = () => {
    expect(existsSync(path.join(releaseDir(), 'ground_truth'))).toBe(false);
    // Byte for byte what an export of the release writes now: both manifests, so every file.
    expect(read(path.join(releaseDir(), 'manifest.json'))).toBe(fresh.publicManifest);
    expect(read(path.join(gtDir(), 'manifest.json'))).toBe(fresh.groundTruthManifest);
    expect(checkReleaseLikeLoader(releaseDir(), { groundTruthDir: gtDir() }).problems).toEqual([]);
  };

  beforeAll(async () => {
    app = await testApp();
    adminId = (await makeUser(app, 'boss', ['admin'])).id;
    const author = await makeUser(app, 'ann', ['annotator']);
    const bear = await importVideo(app, 'bear', 'accepted', 3);
    await addExpression(app, { videoId: bear, authorId: author.id, status: 'accepted', targets: [2], text: 'the bear walking away' });
    await addExpression(app, { videoId: bear, authorId: author.id, status: 'accepted', targets: [], text: 'the bird flying over the bears' });
    await app.exports.start({ proportions: ALL_VALID }, adminId);
    expect((await app.exports.wait('v1'))?.state).toBe('finished');
    fresh = { publicManifest: read(path.join(releaseDir(), 'manifest.json')), groundTruthManifest: read(path.join(gtDir(), 'manifest.json')) };
  });
  afterAll(async () => app.cleanup());

  it('moves ground_truth/ into a package of its own, once; the challenge server then finds it', async () => {
    toEarlierLayout();
    const settings = {
      title: 'on an earlier release',
      releaseVersion: 'v1',
      split: 'valid' as const,
      phases: [{ phase: 'development' as const, opensAt: Date.now() - HOUR, closesAt: Date.now() + HOUR }],
      maxPerDay: 5,
      maxTotal: 5,
      maxUploadMb: 1,
      leaderboardPublic: false,
      rankBy: 'combined' as const,
      pick: 'best' as const,
    };
    const admin = callerFor(app, { id: adminId, username: 'boss', roles: ['admin'] });
    // Before: the public .tar would carry the withheld masks, and scoring finds no package.
    expect(app.exports.manifest('v1')!.files.some((f) => f.path.startsWith('ground_truth/valid/mask_dict.json'))).toBe(true);
    await expect(admin.challenge.admin.create(settings)).rejects.toThrow(/ground truth of release v1 \(valid\) is not on the server/);

    expect(await app.exports.separateLegacyGroundTruth()).toEqual(['v1']);
    expectSeparated();
    expect(app.exports.groundTruthManifest('v1')).toMatchObject({ version: 'v1', package: 'ground-truth' });
    expect(await admin.challenge.admin.create(settings)).toMatchObject({ releaseVersion: 'v1', split: 'valid' });
    // Nothing left to do at the next start.
    expect(await app.exports.separateLegacyGroundTruth()).toEqual([]);
    expectSeparated();
  });

  it('goes on where a crash stopped it: after the package was renamed, after the manifest was replaced', async () => {
    toEarlierLayout({ keepPackage: true });
    expect(await app.exports.separateLegacyGroundTruth()).toEqual(['v1']);
    expectSeparated();
    toEarlierLayout({ keepPackage: true, manifestDone: true });
    expect(await app.exports.separateLegacyGroundTruth()).toEqual(['v1']);
    expectSeparated();
  });

  it('leaves a release another process is exporting for the next start, and a folder that is not its package alone', async () => {
    toEarlierLayout();
    const held = lockExport(app.config.dataDir, 'v1');
    try {
      expect(await app.exports.separateLegacyGroundTruth()).toEqual([]);
      expect(existsSync(path.join(releaseDir(), 'ground_truth'))).toBe(true);
    } finally {
      held.release();
    }
    mkdirSync(gtDir(), { recursive: true });
    writeFileSync(path.join(gtDir(), 'notes.txt'), 'somebody else’s');
    expect(await app.exports.separateLegacyGroundTruth()).toEqual([]);
    expect(existsSync(path.join(releaseDir(), 'ground_truth/valid/mask_dict.json'))).toBe(true);
    rmSync(gtDir(), { recursive: true });
    expect(await app.exports.separateLegacyGroundTruth()).toEqual(['v1']);
    expectSeparated();
  });
});
