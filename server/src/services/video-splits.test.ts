import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { and, asc, eq } from 'drizzle-orm';
import { MEVIS_PROPORTIONS } from '#shared/export/splits.ts';
import { auditLog, releaseVideos, videos } from '../db/schema/index.ts';
import { runImport } from '../import/run.ts';
import { callerFor, makeUser, testApp, type TestApp } from '../testing/app.ts';
import { addExpression, importVideo } from '../testing/factories.ts';
import { writeMevisSplit } from '../testing/mevis-builder.ts';
import { checkReleaseLikeLoader } from '../testing/release-check.ts';
import { createRelease, getRelease } from './export/plan.ts';
import { writeRelease } from './export/write.ts';
import { parseSplitCsv, setVideoSplits } from './video-splits.ts';

/** Each video's split in a release, by name. */
async function splitsOf(app: TestApp, releaseId: number): Promise<Record<string, string>> {
  const rows = await app.db
    .select({ name: videos.name, split: releaseVideos.split })
    .from(releaseVideos)
    .innerJoin(videos, eq(videos.id, releaseVideos.videoId))
    .where(eq(releaseVideos.releaseId, releaseId))
    .orderBy(asc(videos.name));
  return Object.fromEntries(rows.map((r) => [r.name, r.split]));
}

const sourceSplitOf = async (app: TestApp, name: string) => (await app.db.select({ s: videos.sourceSplit }).from(videos).where(eq(videos.name, name)))[0]?.s;

describe('splits the admin controls: a MeViS valid_u import keeps its split, the rest by quota', () => {
  let app: TestApp;
  let authorId: number;
  let mevisDir: string;
  const own = ['own-a', 'own-b', 'own-c', 'own-d'];

  beforeAll(async () => {
    app = await testApp();
    authorId = (await makeUser(app, 'ann', ['annotator'])).id;
    // A MeViS split folder named as the official release names it: valid_u.
    mevisDir = path.join(app.config.dataDir, 'mevis-src', 'valid_u');
    mkdirSync(mevisDir, { recursive: true });
    await writeMevisSplit(mevisDir, ['mv-one', 'mv-two', 'mv-three']);
    await runImport(app, { format: 'mevis', dir: mevisDir, status: 'accepted' });
    // The project's own videos: no source split.
    for (const name of own) {
      const id = await importVideo(app, name, 'accepted', 2);
      await addExpression(app, { videoId: id, authorId, status: 'accepted', targets: [1], text: `the first object of ${name} moving right` });
    }
  });
  afterAll(async () => app.cleanup());

  it('records the source split on import, and a re-import changes no split', async () => {
    expect(await sourceSplitOf(app, 'mv-one')).toBe('valid_u');
    expect(await sourceSplitOf(app, 'own-a')).toBeNull();
    // An admin moves one before any release; importing the same folder again leaves that choice.
    await setVideoSplits(app.db, { by: 'name', splits: new Map([['mv-two', 'train']]) }, null);
    const again = await runImport(app, { format: 'mevis', dir: mevisDir, status: 'accepted' });
    expect(again.stats).toMatchObject({ videosAdded: 0, videosUnchanged: 3 });
    expect(await sourceSplitOf(app, 'mv-two')).toBe('train');
    expect(await sourceSplitOf(app, 'mv-three')).toBe('valid_u');
  });

  it('keeps source and chosen splits, gives each split one of the four own videos, and the card says so', async () => {
    const release = await createRelease(app.db, { proportions: MEVIS_PROPORTIONS }, null);
    const splits = await splitsOf(app, release.id);
    expect(splits).toMatchObject({ 'mv-one': 'valid_u', 'mv-two': 'train', 'mv-three': 'valid_u' });
    // Four videos without a split, four splits with a share: one each (the old name hash left valid_u empty here).
    expect(own.map((n) => splits[n]).sort()).toEqual(['test', 'train', 'valid', 'valid_u']);
    const quotaTrain = own.find((n) => splits[n] === 'train')!;
    expect(release.params).toMatchObject({ keepSplits: true, frameNames: 'source' });
    expect(release.params.splitCounts).toEqual({ train: { explicit: 1, quota: 1 }, valid_u: { source: 2, quota: 1 }, valid: { quota: 1 }, test: { quota: 1 } });

    const res = await writeRelease(app.db, app.store, release, path.join(app.config.dataDir, 'out', release.version));
    const validU = JSON.parse(readFileSync(path.join(res.dir, 'valid_u/meta_expressions.json'), 'utf8')) as { videos: Record<string, unknown> };
    expect(Object.keys(validU.videos).sort()).toEqual(['mv-one', 'mv-three', own.find((n) => splits[n] === 'valid_u')!].sort());
    const train = JSON.parse(readFileSync(path.join(res.dir, 'train/meta_expressions.json'), 'utf8')) as { videos: Record<string, unknown> };
    expect(Object.keys(train.videos).sort()).toEqual(['mv-two', quotaTrain].sort());
    const card = readFileSync(path.join(res.dir, 'README.md'), 'utf8');
    expect(card).toContain('  - train: 2 (1 chosen by an admin, 1 by quota)\n  - valid_u: 3 (2 as their source had them, 1 by quota)\n  - valid: 1 (1 by quota)\n  - test: 1 (1 by quota)\n');
    expect(card).toContain('- quota: 4 video(s) without a split');
    expect(card).not.toContain('split seed:');
    expect(checkReleaseLikeLoader(res.dir, { groundTruthDir: res.groundTruth!.dir }).problems).toEqual([]);
    // The admin page lists the counts too.
    const admin = callerFor(app, await makeUser(app, 'boss', ['admin']));
    expect((await admin.admin.releases.list()).find((r) => r.version === release.version)?.splits).toEqual(release.params.splitCounts);
  });

  it('refuses a split choice once a release has pinned the video, naming it, and writes nothing', async () => {
    const admin = callerFor(app, await makeUser(app, 'chief', ['admin']));
    const [one] = await app.db.select({ id: videos.id }).from(videos).where(eq(videos.name, 'mv-one'));
    expect(await admin.admin.splits.get({ videoId: one!.id })).toMatchObject({ sourceSplit: 'valid_u', origin: 'source', pinned: { split: 'valid_u', version: 'v1' } });
    await expect(admin.admin.splits.set({ videoIds: [one!.id], split: 'train' })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: 'a video keeps the split of the first release that included it; already released: mv-one (valid_u since release v1)',
    });
    await expect(setVideoSplits(app.db, { by: 'name', splits: new Map([['mv-one', 'test'], ['no-such-video', 'test']]) }, null)).rejects.toThrow(/^video "no-such-video" not found$/);
    expect(await sourceSplitOf(app, 'mv-one')).toBe('valid_u');
    // Only mv-two's choice of the first test is in the log: the refused requests wrote nothing.
    expect((await app.db.select({ id: auditLog.id }).from(auditLog).where(eq(auditLog.action, 'video.split'))).length).toBe(1);
  });

  it('lets an admin choose on a new video from the page, audited; a later release keeps it, and pinned ones never move', async () => {
    const boss = await makeUser(app, 'page-admin', ['admin']);
    const admin = callerFor(app, boss);
    const id = await importVideo(app, 'own-late', 'accepted', 2);
    await addExpression(app, { videoId: id, authorId, status: 'accepted', targets: [1], text: 'the first object moving away late' });
    expect(await admin.admin.splits.get({ videoId: id })).toEqual({ videoId: id, sourceSplit: null, origin: null, pinned: null });
    expect(await admin.admin.splits.set({ videoIds: [id], split: 'valid_u' })).toEqual({ changed: ['own-late'], unchanged: [] });
    expect(await admin.admin.splits.get({ videoId: id })).toMatchObject({ sourceSplit: 'valid_u', origin: 'explicit', pinned: null });
    const [entry] = await app.db.select().from(auditLog).where(and(eq(auditLog.action, 'video.split'), eq(auditLog.entityId, String(id))));
    expect(entry).toMatchObject({ actorId: boss.id, entity: 'video' });
    expect(JSON.parse(entry!.data!)).toEqual({ name: 'own-late', from: null, to: 'valid_u' });
    // Everything goes by quota to test now; pinned videos stay, the chosen one keeps its choice.
    const v1 = await splitsOf(app, (await getRelease(app.db, 'v1'))!.id);
    const v2 = await createRelease(app.db, { proportions: { train: 0, valid_u: 0, valid: 0, test: 1 } }, null);
    expect(await splitsOf(app, v2.id)).toEqual({ ...v1, 'own-late': 'valid_u' });
    expect(v2.params.splitCounts!.valid_u).toEqual({ pinned: 3, explicit: 1 });
  });

  it('reads name,split lines for the CLI, refusing unknown splits and contradictions', () => {
    expect([...parseSplitCsv('name,split\nmv-one, valid_u\n\nown-a,none\n')]).toEqual([
      ['mv-one', 'valid_u'],
      ['own-a', null],
    ]);
    expect(() => parseSplitCsv('a,val\n')).toThrow(/line 1: expected "<video name>,<split>"/);
    expect(() => parseSplitCsv('a,train\na,test\n')).toThrow(/line 2: a is given two splits/);
  });
});

describe('--no-keep-splits: source splits go by quota, an admin choice still holds', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await testApp();
    const dir = path.join(app.config.dataDir, 'mevis-src', 'valid_u');
    mkdirSync(dir, { recursive: true });
    await writeMevisSplit(dir, ['q-one', 'q-two']);
    await runImport(app, { format: 'mevis', dir, status: 'accepted' });
    // Choosing the split the source gave is a choice too.
    await setVideoSplits(app.db, { by: 'name', splits: new Map([['q-two', 'valid_u']]) }, null);
  });
  afterAll(async () => app.cleanup());

  it('places the source-split video by the proportions and keeps the chosen one', async () => {
    const release = await createRelease(app.db, { proportions: { train: 1, valid_u: 0, valid: 0, test: 0 }, keepSplits: false }, null);
    expect(await splitsOf(app, release.id)).toEqual({ 'q-one': 'train', 'q-two': 'valid_u' });
    expect(release.params).toMatchObject({ keepSplits: false, splitCounts: { train: { quota: 1 }, valid_u: { explicit: 1 } } });
    const res = await writeRelease(app.db, app.store, release, path.join(app.config.dataDir, 'out', 'nokeep'));
    expect(readFileSync(path.join(res.dir, 'README.md'), 'utf8')).toContain('- source splits: not kept');
  });
});
