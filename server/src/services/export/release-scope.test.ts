import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { releaseVideos, videos } from '../../db/schema/index.ts';
import { callerFor, makeUser, testApp, type TestApp } from '../../testing/app.ts';
import { addExpression, importVideo } from '../../testing/factories.ts';
import { createRelease, getRelease } from './plan.ts';
import { writeRelease } from './write.ts';

const ALL_TRAIN = { train: 1, valid_u: 0, valid: 0, test: 0 };

describe('what a release may hold: no demo content unless asked, no video still being imported', () => {
  let app: TestApp;
  let authorId: number;
  const inRelease = async (id: number) =>
    (await app.db.select({ name: videos.name }).from(releaseVideos).innerJoin(videos, eq(videos.id, releaseVideos.videoId)).where(eq(releaseVideos.releaseId, id)))
      .map((r) => r.name)
      .sort();
  const video = async (name: string, status: 'candidate' | 'accepted' | 'excluded', set: Partial<typeof videos.$inferInsert> = {}) => {
    const id = await importVideo(app, name, status, 2);
    if (Object.keys(set).length) await app.db.transaction((tx) => tx.update(videos).set(set).where(eq(videos.id, id)));
    await addExpression(app, { videoId: id, authorId, status: 'accepted', targets: [1], text: `the first object of ${name} moving` });
    return id;
  };

  beforeAll(async () => {
    app = await testApp();
    authorId = (await makeUser(app, 'ann', ['annotator'])).id;
  });
  afterAll(async () => app.cleanup());

  it('says why a release from demo work alone is empty', async () => {
    // As the first start leaves them: imported by the demo importer, accepted.
    await video('demo-sheep', 'accepted', { source: 'demo' });
    await expect(createRelease(app.db, { proportions: ALL_TRAIN }, null)).rejects.toThrow(
      /^there are no accepted expressions to release \(demo videos are left out unless included: --include-demo, or the "include demo content" box\)$/,
    );
  });

  it('leaves out demo videos by default and keeps the choice in the release parameters', async () => {
    await video('real-cars', 'accepted');
    await video('real-candidate', 'candidate');
    await video('real-excluded', 'excluded');
    // A video an import is still writing: invisible until that import completes.
    await video('real-staged', 'accepted', { status: 'importing' });

    const plain = await createRelease(app.db, { proportions: ALL_TRAIN }, null);
    expect(await inRelease(plain.id)).toEqual(['real-candidate', 'real-cars']);
    expect((await getRelease(app.db, plain.version))!.params.includeDemo).toBe(false);

    const withDemo = await createRelease(app.db, { proportions: ALL_TRAIN, includeDemo: true }, null);
    expect(await inRelease(withDemo.id)).toEqual(['demo-sheep', 'real-candidate', 'real-cars']);
    expect((await getRelease(app.db, withDemo.version))!.params.includeDemo).toBe(true);

    const out = (name: string) => path.join(app.config.dataDir, 'out', name);
    const a = await writeRelease(app.db, app.store, plain, out('plain'));
    const meta = JSON.parse(readFileSync(path.join(a.dir, 'train/meta_expressions.json'), 'utf8')) as { videos: Record<string, unknown> };
    expect(Object.keys(meta.videos).sort()).toEqual(['real-candidate', 'real-cars']);
    expect(readFileSync(path.join(a.dir, 'README.md'), 'utf8')).not.toMatch(/demo/);
    const b = await writeRelease(app.db, app.store, withDemo, out('demo'));
    expect(readFileSync(path.join(b.dir, 'README.md'), 'utf8')).toContain('- expressions: all accepted; the synthetic demo videos included');
    // The choice is recorded, not re-decided: a rebuild is the same release, byte for byte.
    expect((await writeRelease(app.db, app.store, (await getRelease(app.db, withDemo.version))!, out('demo-again'))).manifestSha256).toBe(b.manifestSha256);
  });

  it('takes the choice from the admin page', async () => {
    const admin = callerFor(app, await makeUser(app, 'boss', ['admin']));
    const job = await admin.admin.releases.create({ version: 'page-demo', includeDemo: true });
    expect(await app.exports.wait(job.version)).toMatchObject({ state: 'finished' });
    const plain = await admin.admin.releases.create({ version: 'page-plain' });
    expect(await app.exports.wait(plain.version)).toMatchObject({ state: 'finished' });
    const listed = Object.fromEntries((await admin.admin.releases.list()).map((r) => [r.version, r]));
    expect(listed['page-demo']).toMatchObject({ includeDemo: true, videos: 3, onDisk: true });
    expect(listed['page-plain']).toMatchObject({ includeDemo: false, videos: 2, onDisk: true });
  });
});
