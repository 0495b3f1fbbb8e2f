import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { parseMotLines } from '#shared/export/tracking.ts';
import { decodeRle } from '#shared/rle/index.ts';
import { expressions, expressionTargets, masks, objects, releaseVideos, videos } from '../../db/schema/index.ts';
import { runImport } from '../../import/run.ts';
import { makeUser, testApp, type TestApp } from '../../testing/app.ts';
import { addExpression, importVideo } from '../../testing/factories.ts';
import { checkReleaseLikeLoader, loadMaskLikeLoader } from '../../testing/release-check.ts';
import { createRelease, getRelease } from './plan.ts';
import { groundTruthDirFor } from './jobs.ts';
import { writeRelease } from './write.ts';

const ALL_TRAIN = { train: 1, valid_u: 0, valid: 0, test: 0 };
const hasPython = spawnSync('python3', ['--version']).status === 0;

describe('release export', () => {
  let app: TestApp;
  let out: (name: string) => string;
  const videoIds: number[] = [];

  beforeAll(async () => {
    app = await testApp();
    out = (name) => path.join(app.config.dataDir, 'out', name);
    const author = await makeUser(app, 'ann', ['annotator']);
    for (const name of ['bear', 'cows', 'dogs']) videoIds.push(await importVideo(app, name, 'accepted', 3));
    await addExpression(app, { videoId: videoIds[0]!, authorId: author.id, status: 'accepted', targets: [2], text: 'the bear walking away' });
    await addExpression(app, { videoId: videoIds[0]!, authorId: author.id, status: 'accepted', targets: [3, 1], text: 'the two bears moving left' });
    await addExpression(app, { videoId: videoIds[0]!, authorId: author.id, status: 'accepted', targets: [], text: 'the bird flying over the bears' });
    await addExpression(app, { videoId: videoIds[0]!, authorId: author.id, status: 'rejected', targets: [1], text: 'a rejected one' });
    await addExpression(app, { videoId: videoIds[1]!, authorId: author.id, status: 'accepted', targets: [1], text: 'the cow turning around' });
    await addExpression(app, { videoId: videoIds[2]!, authorId: author.id, status: 'pending', targets: [1], text: 'not decided yet' });
  });
  afterAll(async () => app.cleanup());

  it('writes a release the MeViS loaders read, with masks equal to the stored ones', async () => {
    const release = await createRelease(app.db, { proportions: ALL_TRAIN, notes: 'first' }, null);
    expect(release.version).toBe('v1');
    const res = await writeRelease(app.db, app.store, release, out('v1'));
    const report = checkReleaseLikeLoader(res.dir);
    expect(report.problems).toEqual([]);
    expect(report.splits.train).toMatchObject({ videos: 2, expressions: 4, noTarget: 1 });

    type Meta = { videos: Record<string, { frames: string[]; expressions: Record<string, { exp: string; obj_id: number[]; anno_id: string[]; kind: string }> }> };
    const meta = JSON.parse(readFileSync(path.join(res.dir, 'train/meta_expressions.json'), 'utf8')) as Meta;
    expect(readFileSync(path.join(res.dir, 'train/meta_expressions_v2.json'), 'utf8')).toBe(JSON.stringify(meta));
    // Only accepted expressions, on videos that have one; exp ids 0.. per video; obj_id sorted.
    expect(Object.keys(meta.videos)).toEqual(['bear', 'cows']);
    const bear = meta.videos.bear!;
    expect(bear.frames).toEqual(['00000', '00001', '00002', '00003']);
    expect(Object.values(bear.expressions).map((e) => [e.exp, e.obj_id, e.kind])).toEqual([
      ['the bear walking away', [2], 'single'],
      ['the two bears moving left', [1, 3], 'multi'],
      ['the bird flying over the bears', [], 'none'],
    ]);
    expect(bear.expressions['2']!.anno_id).toEqual([]);

    // Pixel for pixel: the exported mask of expression 1 on frame 2 is the union of its targets' stored masks.
    const got = loadMaskLikeLoader(res.dir, 'train', 'bear', '1', 2)!;
    const objs = await app.db.select().from(objects).where(eq(objects.videoId, videoIds[0]!));
    const v = (await app.db.select().from(videos).where(eq(videos.id, videoIds[0]!)))[0]!;
    const want = new Uint8Array(v.width * v.height);
    for (const o of objs.filter((o) => o.localId === 1 || o.localId === 3)) {
      const m = (await app.db.select().from(masks).where(eq(masks.objectId, o.id))).find((r) => r.frameIdx === 2);
      if (m) decodeRle({ size: [v.height, v.width], counts: m.counts }).forEach((px, i) => (want[i] ||= px));
    }
    expect(want.some((px) => px)).toBe(true);
    expect(Buffer.compare(Buffer.from(got.map((px) => (px ? 1 : 0))), Buffer.from(want))).toBe(0);

    // Tracking boxes and the rest of the layout.
    const rows = parseMotLines(readFileSync(path.join(res.dir, 'tracking/train/bear/1.txt'), 'utf8'));
    expect(new Set(rows.map((r) => r.objId))).toEqual(new Set([1, 3]));
    expect(readFileSync(path.join(res.dir, 'tracking/train/bear/2.txt'), 'utf8')).toBe('');
    const stats = JSON.parse(readFileSync(path.join(res.dir, 'stats.json'), 'utf8'));
    expect(stats.total).toMatchObject({ videos: 2, expressions: 4, single: 2, multi: 1, noTarget: 1, objects: 6, objectsPerVideo: 3, targetsPerExpression: 1.33 });
    expect(readFileSync(path.join(res.dir, 'README.md'), 'utf8')).toContain('| train | 2 | 6 | 4 |');
    const manifest = JSON.parse(readFileSync(path.join(res.dir, 'manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ version: 'v1', package: 'public' });
    expect(manifest.files.length).toBe(res.files - 1);
    expect(manifest.files.map((f: { path: string }) => f.path)).toContain('train/JPEGImages/bear/00003.jpg');
    // Nothing withheld, so no ground-truth package, and the card's layout names only what is there.
    expect(res.groundTruth).toBeNull();
    expect(existsSync(`${res.dir}.ground-truth`)).toBe(false);
    const card = readFileSync(path.join(res.dir, 'README.md'), 'utf8');
    expect(card).toMatch(/<split>\/mask_dict\.json +train: /);
    const layout = card.slice(card.indexOf('## Layout'), card.indexOf('## Parameters'));
    expect(layout).toContain('(splits: train)');
    // (audio/validated.tsv and invalidated.tsv are clip lists, always there: not the valid split.)
    expect(layout).not.toMatch(/ground.truth|audio\/<split>|\bvalid(_u)?\b|test/);
    // No half releases lying around.
    expect(readdirSync(path.dirname(res.dir)).filter((n) => n.includes('.partial-'))).toEqual([]);
  });

  it.skipIf(!hasPython)('passes the Python loader check (json.load, int/str ids, rleFrString)' + (hasPython ? '' : ' (skipped: python3 not installed)'), () => {
    const run = spawnSync('python3', ['scripts/check-release.py', out('v1')], { encoding: 'utf8' });
    expect(run.stdout + run.stderr).toMatch(/check-release ok splits=1 expressions=4 masks=\d+/);
    expect(run.status).toBe(0);
  });

  it('rebuilds an existing version byte for byte after the database has grown', async () => {
    const first = JSON.parse(readFileSync(path.join(out('v1'), 'manifest.json'), 'utf8'));
    const author = await makeUser(app, 'ann2', ['annotator']);
    await addExpression(app, { videoId: videoIds[2]!, authorId: author.id, status: 'accepted', targets: [1, 2], text: 'two dogs running together', motionFrames: { start: 1, end: 3 } });
    const again = await writeRelease(app.db, app.store, (await getRelease(app.db, 'v1'))!, out('v1-again'));
    expect(JSON.parse(readFileSync(path.join(again.dir, 'manifest.json'), 'utf8'))).toEqual(first);

    const v2 = await createRelease(app.db, { seed: 99, proportions: { train: 0, valid_u: 0, valid: 0, test: 1 } }, null);
    expect(v2.version).toBe('v2');
    const res2 = await writeRelease(app.db, app.store, v2, out('v2'));
    expect(res2.manifestSha256).not.toBe(again.manifestSha256);
    // Videos keep the split they first got; only the new one follows the new proportions.
    const splits = Object.fromEntries(
      (await app.db.select({ name: videos.name, split: releaseVideos.split }).from(releaseVideos).innerJoin(videos, eq(videos.id, releaseVideos.videoId)).where(eq(releaseVideos.releaseId, v2.id))).map((r) => [r.name, r.split]),
    );
    expect(splits).toEqual({ bear: 'train', cows: 'train', dogs: 'test' });
    // A withheld split publishes sentences only; its ground truth is a package of its own.
    const test = JSON.parse(readFileSync(path.join(res2.dir, 'test/meta_expressions.json'), 'utf8'));
    expect(test.videos.dogs.expressions['0']).toEqual({ exp: 'two dogs running together', motion_reasoning: false, audio: null });
    const publicFiles = (JSON.parse(readFileSync(path.join(res2.dir, 'manifest.json'), 'utf8')) as { files: { path: string }[] }).files.map((f) => f.path);
    expect(publicFiles.filter((f) => /ground_truth|^test\/mask_dict|^tracking\/test/.test(f))).toEqual([]);
    expect(readdirSync(res2.dir).sort()).toEqual(['CHANGELOG.md', 'README.md', 'audio', 'figures', 'manifest.json', 'stats.json', 'test', 'tracking', 'train']);
    expect(readdirSync(path.join(res2.dir, 'tracking'))).toEqual(['train']);
    const gtDir = res2.groundTruth!.dir;
    expect(gtDir).toBe(`${res2.dir}.ground-truth`);
    const gtManifest = JSON.parse(readFileSync(path.join(gtDir, 'manifest.json'), 'utf8')) as { version: string; package: string; files: { path: string }[] };
    expect(gtManifest).toMatchObject({ version: 'v2', package: 'ground-truth' });
    expect(gtManifest.files.map((f) => f.path)).toEqual(['README.md', 'test/mask_dict.json', 'test/meta_expressions.json', 'test/meta_expressions_v2.json', 'tracking/test/dogs/0.txt']);
    const gt = JSON.parse(readFileSync(path.join(gtDir, 'test/meta_expressions.json'), 'utf8'));
    expect(gt.videos.dogs.expressions['0'].obj_id).toEqual([1, 2]);
    // The marked moment of the motion: an additive field with the ground truth, not in the public file.
    expect(gt.videos.dogs.expressions['0'].motion_frames).toEqual([1, 3]);
    expect(parseMotLines(readFileSync(path.join(gtDir, 'tracking/test/dogs/0.txt'), 'utf8')).map((r) => r.objId)).toContain(2);
    expect(checkReleaseLikeLoader(res2.dir, { groundTruthDir: gtDir })).toMatchObject({ problems: [], splits: { test: { videos: 1, expressions: 1 } } });
    expect(loadMaskLikeLoader(res2.dir, 'test', 'dogs', '0', 1, gtDir)!.some((px) => px)).toBe(true);
    // The cards say which package is which, and list only what each holds.
    const card = readFileSync(path.join(res2.dir, 'README.md'), 'utf8');
    expect(card).toContain('Ground truth of test (targets, masks, tracking boxes) is not in this package: it is distributed separately');
    expect(card).toMatch(/<split>\/mask_dict\.json +train: /);
    expect(card).not.toContain('ground_truth/');
    const gtCard = readFileSync(path.join(gtDir, 'README.md'), 'utf8');
    expect(gtCard).toContain('# Ground truth of MeViS-format release v2');
    expect(gtCard).toContain("release v2 (test), for the benchmark server: not for participants, not for publication");
    // Both packages rebuild byte for byte.
    const v2again = await writeRelease(app.db, app.store, (await getRelease(app.db, 'v2'))!, { dir: out('v2-again'), groundTruthDir: out('gt-elsewhere/v2') });
    expect(v2again.manifestSha256).toBe(res2.manifestSha256);
    expect(v2again.groundTruth).toMatchObject({ dir: out('gt-elsewhere/v2'), manifestSha256: res2.groundTruth!.manifestSha256 });
  });

  it.skipIf(!hasPython)('passes the Python check with the ground-truth package given separately' + (hasPython ? '' : ' (skipped: python3 not installed)'), () => {
    const run = spawnSync('python3', ['scripts/check-release.py', out('v2'), '--ground-truth', `${out('v2')}.ground-truth`], { encoding: 'utf8' });
    expect(run.stdout + run.stderr).toMatch(/^test: videos=1 expressions=1 no_target=0 masks=[1-9]/m);
    expect(run.stdout + run.stderr).toMatch(/check-release ok splits=2 /);
    expect(run.status).toBe(0);
  });

  it('replaces a ground-truth package a crash left without its release, and refuses a folder holding anything else', async () => {
    const v2 = (await getRelease(app.db, 'v2'))!;
    // As a run that died between its two renames leaves it: the ground truth in place, no release.
    const orphan = out('v2-orphan.ground-truth');
    cpSync(`${out('v2')}.ground-truth`, orphan, { recursive: true });
    writeFileSync(path.join(orphan, 'test/mask_dict.json'), '{}');
    const res = await writeRelease(app.db, app.store, v2, out('v2-orphan'));
    expect(res.groundTruth!.dir).toBe(orphan);
    expect(readFileSync(path.join(orphan, 'test/mask_dict.json'), 'utf8')).not.toBe('{}');
    // Another version's package, or anything else, is not ours to replace.
    mkdirSync(out('v2-taken.ground-truth'), { recursive: true });
    writeFileSync(path.join(out('v2-taken.ground-truth'), 'notes.txt'), 'mine');
    await expect(writeRelease(app.db, app.store, v2, out('v2-taken'))).rejects.toThrow(/v2-taken\.ground-truth is not empty/);
    await expect(writeRelease(app.db, app.store, v2, { dir: out('v2-nested'), groundTruthDir: out('v2-nested/gt') })).rejects.toThrow(/folder of its own/);
    expect(existsSync(out('v2-taken'))).toBe(false);
  });

  it('puts the ground truth beside a release by default, and in DATA_DIR/ground-truth for the server\'s own releases', () => {
    const dataDir = app.config.dataDir;
    expect(groundTruthDirFor(dataDir, path.join(dataDir, 'releases', 'v7'))).toBe(path.join(dataDir, 'ground-truth', 'v7'));
    expect(groundTruthDirFor(dataDir, path.join(dataDir, 'out', 'v7'))).toBe(path.join(dataDir, 'out', 'v7.ground-truth'));
    expect(groundTruthDirFor(dataDir, path.join(dataDir, 'releases', 'v7', 'nested'))).toBe(path.join(dataDir, 'releases', 'v7', 'nested.ground-truth'));
  });

  it('clears what an interrupted export of the same folder left behind', async () => {
    const leftover = path.join(path.dirname(out('v1-third')), 'v1-third.partial-dead');
    mkdirSync(path.join(leftover, 'train'), { recursive: true });
    await writeRelease(app.db, app.store, (await getRelease(app.db, 'v1'))!, out('v1-third'));
    expect(existsSync(leftover)).toBe(false);
  });

  it('refuses a taken version, a non-empty folder and releases with nothing in them', async () => {
    await expect(createRelease(app.db, { version: 'v1' }, null)).rejects.toThrow(/exists already/);
    await expect(createRelease(app.db, { version: '../x' }, null)).rejects.toThrow(/release version/);
    await expect(createRelease(app.db, { requireAudio: true }, null)).rejects.toThrow(/verified clip/);
    await expect(writeRelease(app.db, app.store, (await getRelease(app.db, 'v1'))!, out('v1'))).rejects.toThrow(/not empty/);
  });

  it('round trip: importing the exported train split reproduces videos, objects, masks and expressions', async () => {
    const copy = await testApp();
    try {
      await runImport(copy, { format: 'mevis', dir: path.join(out('v1'), 'train') });
      const names = (a: TestApp) => a.db.select({ name: videos.name, frames: videos.frameCount, w: videos.width, h: videos.height }).from(videos).orderBy(videos.name);
      expect(await names(copy)).toEqual((await names(app)).filter((v) => v.name !== 'dogs'));
      for (const name of ['bear', 'cows']) {
        const tracks = async (a: TestApp) => {
          const [vid] = await a.db.select().from(videos).where(eq(videos.name, name));
          return a.db
            .select({ local: objects.localId, frame: masks.frameIdx, counts: masks.counts })
            .from(masks)
            .innerJoin(objects, eq(objects.id, masks.objectId))
            .where(eq(objects.videoId, vid!.id))
            .orderBy(objects.localId, masks.frameIdx);
        };
        expect(await tracks(copy)).toEqual(await tracks(app));
      }
      const accepted = async (a: TestApp, only?: string[]) => {
        const rows = await a.db
          .select({ text: expressions.text, video: videos.name, id: expressions.id })
          .from(expressions)
          .innerJoin(videos, eq(videos.id, expressions.videoId))
          .where(eq(expressions.status, 'accepted'));
        const out = [];
        for (const e of rows.filter((e) => !only || only.includes(e.video))) {
          const targets = await a.db
            .select({ local: objects.localId })
            .from(expressionTargets)
            .innerJoin(objects, eq(objects.id, expressionTargets.objectId))
            .where(eq(expressionTargets.expressionId, e.id));
          out.push({ text: e.text, video: e.video, targets: targets.map((t) => t.local).sort() });
        }
        return out.sort((x, y) => x.text.localeCompare(y.text));
      };
      expect(await accepted(copy)).toEqual(await accepted(app, ['bear', 'cows']));
    } finally {
      await copy.cleanup();
    }
  });
});
