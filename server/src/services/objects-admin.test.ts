import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { auditLog, objects } from '../db/schema/index.ts';
import { callerFor, makeUser, testApp, type TestApp } from '../testing/app.ts';
import { addExpression, importVideo } from '../testing/factories.ts';
import { createRelease } from './export/plan.ts';
import { writeRelease } from './export/write.ts';

/** The database id of a video's object with this local id. */
async function objectId(app: TestApp, videoId: number, localId: number): Promise<number> {
  const [o] = await app.db.select({ id: objects.id }).from(objects).where(and(eq(objects.videoId, videoId), eq(objects.localId, localId)));
  return o!.id;
}

describe('excluding and restoring objects', () => {
  let app: TestApp;
  beforeEach(async () => (app = await testApp()));
  afterEach(async () => app.cleanup());

  it('an excluded object is gone for annotators and validators, stays on the admin page, and comes back when restored', async () => {
    const admin = await makeUser(app, 'boss', ['admin']);
    const ann = await makeUser(app, 'ann', ['annotator']);
    const val = await makeUser(app, 'val', ['validator']);
    const videoId = await importVideo(app, 'bystander', 'accepted', 3);
    const two = await objectId(app, videoId, 2);
    const asAdmin = callerFor(app, admin);

    const r = await asAdmin.admin.objects.exclude({ objectId: two, note: '  a bystander, never moves ' });
    expect(r).toEqual({ objectId: two, videoId, changed: true, flagsResolved: 0 });
    // A retry changes nothing and logs nothing more.
    expect(await asAdmin.admin.objects.exclude({ objectId: two, note: 'again' })).toMatchObject({ changed: false });

    for (const who of [ann, val]) {
      const video = await callerFor(app, who).videos.get({ videoId, withExcluded: true });
      expect(video.objects.map((o) => o.localId)).toEqual([1, 3]);
      const masks = await callerFor(app, who).videos.masks({ videoId, withExcluded: true });
      expect(masks.tracks.map((t) => t.localId)).toEqual([1, 3]);
    }
    const view = await callerFor(app, ann).annotate.video({ videoId });
    expect(view.video.objects.map((o) => o.localId)).toEqual([1, 3]);
    expect(view.motion.map((m) => m.localId)).toEqual([1, 3]);
    expect((await callerFor(app, ann).videos.list({ limit: 10, offset: 0 })).videos[0]!.objectCount).toBe(2);
    // An annotator cannot name it; the message says why.
    await expect(
      callerFor(app, ann).annotate.submit({ uid: crypto.randomUUID(), videoId, targets: [2], text: 'the one walking away to the left', acknowledged: ['static_target', 'static_attributes'] }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/object #2 of video \d+ was taken out of annotation/) });

    // The admin's own page asks for every object and says which are out.
    expect((await asAdmin.videos.masks({ videoId, withExcluded: true })).tracks.map((t) => t.localId)).toEqual([1, 2, 3]);
    expect((await asAdmin.videos.masks({ videoId })).tracks.map((t) => t.localId)).toEqual([1, 3]);
    const page = await asAdmin.admin.objects.video({ videoId });
    expect(page.objects.map((o) => [o.localId, o.excluded?.note ?? null, o.excluded?.by ?? null])).toEqual([
      [1, null, null],
      [2, 'a bystander, never moves', 'boss'],
      [3, null, null],
    ]);

    expect(await asAdmin.admin.objects.restore({ objectId: two })).toEqual({ objectId: two, videoId, changed: true, flagsResolved: 0 });
    expect((await callerFor(app, ann).videos.get({ videoId })).objects.map((o) => o.localId)).toEqual([1, 2, 3]);
    const log = await app.db.select({ action: auditLog.action, data: auditLog.data }).from(auditLog).where(eq(auditLog.entity, 'object'));
    expect(log.map((l) => l.action)).toEqual(['object.exclude', 'object.restore']);
    expect(JSON.parse(log[0]!.data!)).toMatchObject({ videoId, localId: 2, note: 'a bystander, never moves' });
  });

  it('a validator cannot answer with an excluded object, whatever the targets', async () => {
    const admin = await makeUser(app, 'boss', ['admin']);
    const ann = await makeUser(app, 'ann', ['annotator']);
    const val = await makeUser(app, 'val', ['validator']);
    const videoId = await importVideo(app, 'answers', 'accepted', 3);
    const id = await addExpression(app, { videoId, authorId: ann.id, targets: [1] });
    await callerFor(app, admin).admin.objects.exclude({ objectId: await objectId(app, videoId, 3), note: 'broken mask' });
    expect((await callerFor(app, val).validate.next())?.expressionId).toBe(id);
    await expect(callerFor(app, val).validate.answer({ expressionId: id, answer: { kind: 'targets', targets: [1, 3] } })).rejects.toMatchObject({
      code: 'BAD_REQUEST',
      message: 'object #3 was taken out of annotation by an admin and cannot be named; please reload the sample',
    });
    // The lease is still theirs: a right answer goes through.
    expect(await callerFor(app, val).validate.answer({ expressionId: id, answer: { kind: 'targets', targets: [1] } })).toMatchObject({ agreed: true });
  });

  it('a sample whose target was excluded is not handed to validators until the object is back', async () => {
    const admin = await makeUser(app, 'boss', ['admin']);
    const ann = await makeUser(app, 'ann', ['annotator']);
    const val = await makeUser(app, 'val', ['validator']);
    const videoId = await importVideo(app, 'held-back', 'accepted', 3);
    const id = await addExpression(app, { videoId, authorId: ann.id, targets: [2] });
    const two = await objectId(app, videoId, 2);
    await callerFor(app, admin).admin.objects.exclude({ objectId: two, note: 'bystander' });
    expect(await callerFor(app, val).validate.next()).toBeNull();
    expect(await callerFor(app, val).validate.overview()).toMatchObject({ waitingForMe: 0 });
    await callerFor(app, admin).admin.objects.restore({ objectId: two });
    expect((await callerFor(app, val).validate.next())?.expressionId).toBe(id);
  });

  it('lists expressions that name an excluded object for a decision, hiding undecided ones from an admin who validates', async () => {
    const admin = await makeUser(app, 'boss', ['admin']);
    const both = await makeUser(app, 'both', ['admin', 'validator']);
    const ann = await makeUser(app, 'ann', ['annotator']);
    const videoId = await importVideo(app, 'named', 'accepted', 3);
    const accepted = await addExpression(app, { videoId, authorId: ann.id, status: 'accepted', targets: [2, 3], text: 'the two running' });
    const pending = await addExpression(app, { videoId, authorId: ann.id, status: 'pending', targets: [2], text: 'the one running' });
    await addExpression(app, { videoId, authorId: ann.id, status: 'accepted', targets: [1], text: 'the other one' });
    await callerFor(app, admin).admin.objects.exclude({ objectId: await objectId(app, videoId, 2), note: 'bystander' });
    const page = await callerFor(app, admin).admin.objects.video({ videoId });
    expect(page.affected).toEqual([
      { id: accepted, text: 'the two running', status: 'accepted', excludedTargets: [2] },
      { id: pending, text: 'the one running', status: 'pending', excludedTargets: [2] },
    ]);
    expect(page.affectedHidden).toBe(false);
    const blind = await callerFor(app, both).admin.objects.video({ videoId });
    expect(blind.affected.map((e) => e.id)).toEqual([accepted]);
    expect(blind.affectedHidden).toBe(true);
  });

  it('exports leave excluded objects and the expressions naming them out', async () => {
    const admin = await makeUser(app, 'boss', ['admin']);
    const ann = await makeUser(app, 'ann', ['annotator']);
    const videoId = await importVideo(app, 'export-me', 'accepted', 3);
    await addExpression(app, { videoId, authorId: ann.id, status: 'accepted', targets: [1], text: 'the first one walking' });
    await addExpression(app, { videoId, authorId: ann.id, status: 'accepted', targets: [1, 3], text: 'the first and the bystander' });
    const three = await objectId(app, videoId, 3);
    await callerFor(app, admin).admin.objects.exclude({ objectId: three, note: 'bystander' });
    const release = await createRelease(app.db, { proportions: { train: 1, valid_u: 0, valid: 0, test: 0 } }, admin.id);
    const res = await writeRelease(app.db, app.store, release, path.join(app.config.dataDir, 'out'));
    const meta = JSON.parse(readFileSync(path.join(res.dir, 'train/meta_expressions.json'), 'utf8')) as {
      videos: Record<string, { objects: Record<string, string>; expressions: Record<string, { exp: string; obj_id: number[] }> }>;
    };
    const v = meta.videos['export-me']!;
    expect(Object.keys(v.objects)).toEqual(['1', '2']);
    expect(Object.values(v.expressions).map((e) => [e.exp, e.obj_id])).toEqual([['the first one walking', [1]]]);
    const maskDict = JSON.parse(readFileSync(path.join(res.dir, 'train/mask_dict.json'), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(maskDict)).not.toContain(String(three));
    expect(Object.keys(maskDict)).toHaveLength(2);
  });

  it('refuses unknown objects, a restore of a merged one, and non-admins', async () => {
    const admin = await makeUser(app, 'boss', ['admin']);
    const ann = await makeUser(app, 'ann', ['annotator']);
    const videoId = await importVideo(app, 'refusals', 'accepted', 2);
    const [one, two] = [await objectId(app, videoId, 1), await objectId(app, videoId, 2)];
    await expect(callerFor(app, admin).admin.objects.exclude({ objectId: 987_654, note: 'x' })).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'object 987654 not found' });
    await expect(callerFor(app, admin).admin.objects.exclude({ objectId: one, note: '   ' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(callerFor(app, admin).admin.objects.exclude({ objectId: one, note: 'x'.repeat(501) })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(callerFor(app, ann).admin.objects.exclude({ objectId: one, note: 'mine now' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await callerFor(app, admin).admin.objects.merge({ objectId: one, fromObjectId: two });
    await expect(callerFor(app, admin).admin.objects.restore({ objectId: two })).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/merged into #1.*not undone/) });
    const [row] = await app.db.select().from(objects).where(eq(objects.id, two));
    expect(row).toMatchObject({ mergedIntoId: one, exclusionNote: 'merged into #1' });
  });
});
