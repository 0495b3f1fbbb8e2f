import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { asc, eq } from 'drizzle-orm';
import { frames, objects, releases, videos } from '../../db/schema/index.ts';
import { runImport } from '../../import/run.ts';
import { makeUser, testApp, type TestApp } from '../../testing/app.ts';
import { writeDavisVideo } from '../../testing/davis-builder.ts';
import { addExpression } from '../../testing/factories.ts';
import { checkReleaseLikeLoader } from '../../testing/release-check.ts';
import { mergeObjects } from '../object-merge.ts';
import { excludeObject } from '../objects-admin.ts';
import { createRelease, getRelease, type ReleaseParams } from './plan.ts';
import { writeRelease } from './write.ts';

const ALL_TRAIN = { train: 1, valid_u: 0, valid: 0, test: 0 };
const hasPython = spawnSync('python3', ['--version']).status === 0;

type Meta = { videos: Record<string, { frames: string[]; frame_map?: Record<string, string>; objects: Record<string, string>; expressions: Record<string, { exp: string; anno_id: string[] }> }> };
const readMeta = (dir: string) => JSON.parse(readFileSync(path.join(dir, 'train/meta_expressions.json'), 'utf8')) as Meta;
const maskKeys = (dir: string) => Object.keys(JSON.parse(readFileSync(path.join(dir, 'train/mask_dict.json'), 'utf8')) as object);

describe('identifiers a user can trace: source frame names, frame_map, stable anno_id', () => {
  let app: TestApp;
  let out: (name: string) => string;
  const ids: Record<string, number> = {};
  const objectId = async (video: string, localId: number) =>
    (await app.db.select({ id: objects.id, localId: objects.localId }).from(objects).where(eq(objects.videoId, ids[video]!))).find((o) => o.localId === localId)!.id;

  beforeAll(async () => {
    app = await testApp();
    out = (name) => path.join(app.config.dataDir, 'out', name);
    const root = path.join(app.config.dataDir, 'src-names');
    // YouTube-VOS keeps every 5th frame; a tool writes frame_000000…; a clip may start past 00000.
    await writeDavisVideo(root, 'yt-stride', { frames: 4, objects: 3, frameName: (f) => String(5 * f).padStart(5, '0') });
    await writeDavisVideo(root, 'tool-names', { frames: 4, objects: 3, frameName: (f) => `frame_${String(f).padStart(6, '0')}` });
    await writeDavisVideo(root, 'late-start', { frames: 3, objects: 1, frameName: (f) => String(693 + 5 * f).padStart(8, '0') });
    await runImport(app, { format: 'davis', dir: root, status: 'accepted' });
    for (const v of await app.db.select({ id: videos.id, name: videos.name }).from(videos)) ids[v.name] = v.id;
    const author = (await makeUser(app, 'ann', ['annotator'])).id;
    await addExpression(app, { videoId: ids['yt-stride']!, authorId: author, status: 'accepted', targets: [1], text: 'the first square moving right' });
    await addExpression(app, { videoId: ids['tool-names']!, authorId: author, status: 'accepted', targets: [2, 3], text: 'the two squares moving together' });
    await addExpression(app, { videoId: ids['late-start']!, authorId: author, status: 'accepted', targets: [1], text: 'the square sliding along' });
  });
  afterAll(async () => app.cleanup());

  it('writes safe, sorted source names as they are and renumbers the rest with a frame_map', async () => {
    const v1 = await createRelease(app.db, { proportions: ALL_TRAIN }, null);
    const res = await writeRelease(app.db, app.store, v1, out('v1'));
    const meta = readMeta(res.dir);
    expect(meta.videos['yt-stride']!.frames).toEqual(['00000', '00005', '00010', '00015']);
    expect(meta.videos['yt-stride']!.frame_map).toBeUndefined();
    expect(existsSync(path.join(res.dir, 'train/JPEGImages/yt-stride/00015.jpg'))).toBe(true);
    expect(meta.videos['tool-names']!.frames).toEqual(['00000', '00001', '00002', '00003']);
    expect(meta.videos['tool-names']!.frame_map).toEqual({ '00000': 'frame_000000', '00001': 'frame_000001', '00002': 'frame_000002', '00003': 'frame_000003' });
    expect(meta.videos['late-start']!.frame_map).toEqual({ '00000': '00000693', '00001': '00000698', '00002': '00000703' });
    // The stored source names are what the map says (frames.name, in frame order).
    const stored = await app.db.select({ name: frames.name }).from(frames).where(eq(frames.videoId, ids['tool-names']!)).orderBy(asc(frames.idx));
    expect(Object.values(meta.videos['tool-names']!.frame_map!)).toEqual(stored.map((f) => f.name));
    expect(checkReleaseLikeLoader(res.dir).problems).toEqual([]);
    expect(readFileSync(path.join(res.dir, 'README.md'), 'utf8')).toContain('an object has the same `anno_id` in every release of the project');
  });

  it.skipIf(!hasPython)('passes the Python loader check with kept names and frame maps' + (hasPython ? '' : ' (skipped: python3 not installed)'), () => {
    const run = spawnSync('python3', ['scripts/check-release.py', out('v1')], { encoding: 'utf8' });
    expect(run.stdout + run.stderr).toMatch(/check-release ok splits=1 expressions=3 /);
    expect(run.status).toBe(0);
  });

  it('is caught by both release checks when a frame_map does not trace every frame', () => {
    const broken = out('v1-broken-map');
    cpSync(out('v1'), broken, { recursive: true });
    for (const file of ['meta_expressions.json', 'meta_expressions_v2.json']) {
      const meta = readMeta(broken);
      delete meta.videos['tool-names']!.frame_map!['00003'];
      writeFileSync(path.join(broken, 'train', file), JSON.stringify(meta));
    }
    expect(checkReleaseLikeLoader(broken).problems).toEqual(['train: tool-names: frame_map must map every listed frame, in order, to its source frame name']);
    if (hasPython) {
      const run = spawnSync('python3', ['scripts/check-release.py', broken], { encoding: 'utf8' });
      expect(run.stdout + run.stderr).toContain('tool-names: frame_map must map every listed frame, in order, to its source frame name');
      expect(run.status).not.toBe(0);
    }
  });

  it('imports its own release back under the source frame names: the same videos, content hash and all', async () => {
    const copy = await testApp();
    try {
      await runImport(copy, { format: 'mevis', dir: path.join(out('v1'), 'train') });
      const of = async (a: TestApp, name: string) => {
        const [v] = await a.db.select({ id: videos.id, hash: videos.contentHash }).from(videos).where(eq(videos.name, name));
        const names = await a.db.select({ name: frames.name }).from(frames).where(eq(frames.videoId, v!.id)).orderBy(asc(frames.idx));
        return { hash: v!.hash, frames: names.map((f) => f.name) };
      };
      for (const name of ['yt-stride', 'tool-names', 'late-start']) expect(await of(copy, name)).toEqual(await of(app, name));
    } finally {
      await copy.cleanup();
    }
  });

  it('keeps every object\'s anno_id across releases, with a merge and an exclusion in between', async () => {
    const before = readMeta(out('v1'));
    const admin = (await makeUser(app, 'boss', ['admin'])).id;
    // tool-names: object 3 is the same thing as object 2; yt-stride: object 3 is a bystander.
    await mergeObjects(app.db, await objectId('tool-names', 2), await objectId('tool-names', 3), admin);
    await excludeObject(app.db, await objectId('yt-stride', 3), 'a bystander', admin);
    const v2 = await createRelease(app.db, { proportions: ALL_TRAIN }, null);
    const res = await writeRelease(app.db, app.store, v2, out('v2'));
    const after = readMeta(res.dir);
    // Every object still in the dataset has the anno_id it had; the merged and excluded ones are gone, not renumbered.
    for (const video of ['yt-stride', 'tool-names', 'late-start']) {
      const was = before.videos[video]!.objects;
      const now = after.videos[video]!.objects;
      for (const [localId, anno] of Object.entries(now)) expect(anno).toBe(was[localId]);
    }
    expect(Object.keys(after.videos['tool-names']!.objects)).toEqual(['1', '2']);
    expect(Object.keys(after.videos['yt-stride']!.objects)).toEqual(['1', '2']);
    expect(maskKeys(res.dir).every((k) => maskKeys(out('v1')).includes(k))).toBe(true);
    expect(maskKeys(res.dir)).not.toContain(before.videos['tool-names']!.objects['3']);
    // The anno_id is the object's id in the project, so the expression now names object 2 alone, by the same key.
    expect(after.videos['tool-names']!.expressions['0']!.anno_id).toEqual([before.videos['tool-names']!.objects['2']]);
    expect(before.videos['tool-names']!.expressions['0']!.anno_id).toEqual([before.videos['tool-names']!.objects['2'], before.videos['tool-names']!.objects['3']]);
    expect(after.videos['tool-names']!.objects['2']).toBe(String(await objectId('tool-names', 2)));
  });

  it('rebuilds a release made before source names and split counts exactly as it was written then', async () => {
    const legacy = await createRelease(app.db, { version: 'legacy', proportions: ALL_TRAIN }, null);
    // As such a release was recorded: none of issue 18's parameters.
    const { keepSplits: _k, splitCounts: _c, frameNames: _f, ...old } = legacy.params;
    await app.db.transaction((tx) => tx.update(releases).set({ params: JSON.stringify(old) }).where(eq(releases.id, legacy.id)));
    const res = await writeRelease(app.db, app.store, (await getRelease(app.db, 'legacy'))!, out('legacy'));
    const meta = readMeta(res.dir);
    expect(meta.videos['yt-stride']!.frames).toEqual(['00000', '00001', '00002', '00003']);
    expect(Object.values(meta.videos).some((v) => v.frame_map)).toBe(false);
    const card = readFileSync(path.join(res.dir, 'README.md'), 'utf8');
    expect(card).toContain('- split seed: 2006; proportions: train 100.00 %, valid_u 0.00 %, valid 0.00 %, test 0.00 % (a video keeps the split it first got)');
    expect(card).toContain('frames, 5-digit names from 00000');
    const again = await writeRelease(app.db, app.store, (await getRelease(app.db, 'legacy'))!, out('legacy-again'));
    expect(again.manifestSha256).toBe(res.manifestSha256);
    expect(((await getRelease(app.db, 'legacy'))!.params as ReleaseParams).frameNames).toBeUndefined();
  });
});
