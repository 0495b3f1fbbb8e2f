import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { MASK_FLAG_LIMITS } from '#shared/schemas/objects.ts';
import { auditLog, maskFlags, objects } from '../db/schema/index.ts';
import { callerFor, makeUser, testApp, type TestApp } from '../testing/app.ts';
import { addExpression, importVideo } from '../testing/factories.ts';

async function objectId(app: TestApp, videoId: number, localId: number): Promise<number> {
  const [o] = await app.db.select({ id: objects.id }).from(objects).where(and(eq(objects.videoId, videoId), eq(objects.localId, localId)));
  return o!.id;
}

describe('"bad mask" flags', () => {
  let app: TestApp;
  beforeEach(async () => (app = await testApp()));
  afterEach(async () => app.cleanup());

  it('an annotator and a validator flag; the admin queue shows them; dismissing and excluding close them, audited', async () => {
    const admin = await makeUser(app, 'boss', ['admin']);
    const ann = await makeUser(app, 'ann', ['annotator']);
    const val = await makeUser(app, 'val', ['validator']);
    const videoId = await importVideo(app, 'flagged', 'accepted', 3);
    const sample = await addExpression(app, { videoId, authorId: ann.id, targets: [1] });

    expect(await callerFor(app, ann).annotate.flagMask({ videoId, localId: 2, note: 'the mask leaks into the wall' })).toEqual({ flagged: true, alreadyFlagged: false });
    expect(await callerFor(app, ann).annotate.flagMask({ videoId, localId: 2, note: 'the mask leaks into the wall' })).toEqual({ flagged: true, alreadyFlagged: true });
    expect((await callerFor(app, val).validate.next())?.expressionId).toBe(sample);
    expect(await callerFor(app, val).validate.flagMask({ localId: 2, note: 'half of it is missing' })).toEqual({ flagged: true, alreadyFlagged: false });
    expect(await callerFor(app, val).validate.flagMask({ localId: 3, note: 'flickers' })).toEqual({ flagged: true, alreadyFlagged: false });

    const queue = await callerFor(app, admin).admin.flags.list({ state: 'open' });
    expect(queue.open).toBe(3);
    expect(queue.flags.map((f) => [f.reporter, f.localId, f.note, f.expressionId, f.videoName, f.firstFrame])).toEqual([
      ['val', 3, 'flickers', sample, 'flagged', 0],
      ['val', 2, 'half of it is missing', sample, 'flagged', 0],
      ['ann', 2, 'the mask leaks into the wall', null, 'flagged', 0],
    ]);
    const page = await callerFor(app, admin).admin.objects.video({ videoId });
    expect(page.objects.map((o) => o.openFlags)).toEqual([0, 2, 1]);
    expect(page.flags).toHaveLength(3);

    const [flickers, half] = queue.flags;
    await callerFor(app, admin).admin.flags.resolve({ flagId: flickers!.id, resolution: 'dismissed' });
    // Excluding #2 closes both flags on it.
    await callerFor(app, admin).admin.flags.resolve({ flagId: half!.id, resolution: 'excluded', note: 'broken mask' });
    expect((await callerFor(app, admin).admin.flags.list({ state: 'open' })).open).toBe(0);
    const closed = await callerFor(app, admin).admin.flags.list({ state: 'resolved' });
    expect(closed.flags.map((f) => [f.localId, f.resolution, f.resolvedBy, f.objectExcluded])).toEqual([
      [3, 'dismissed', 'boss', false],
      [2, 'excluded', 'boss', true],
      [2, 'excluded', 'boss', true],
    ]);
    await expect(callerFor(app, admin).admin.flags.resolve({ flagId: flickers!.id, resolution: 'dismissed' })).rejects.toMatchObject({ code: 'CONFLICT' });
    const actions = (await app.db.select({ action: auditLog.action }).from(auditLog)).map((a) => a.action).filter((a) => a.startsWith('mask') || a.startsWith('object'));
    expect(actions).toEqual(['mask.flag', 'mask.flag', 'mask.flag', 'mask.flag.resolve', 'object.exclude']);
  });

  it('a validator may flag only objects of the video of the sample they hold, and learns nothing about its targets', async () => {
    const ann = await makeUser(app, 'ann', ['annotator']);
    const val = await makeUser(app, 'val', ['validator']);
    const admin = await makeUser(app, 'boss', ['admin']);
    const held = await importVideo(app, 'held', 'accepted', 2);
    const other = await importVideo(app, 'other', 'accepted', 4);
    const me = callerFor(app, val);
    // No sample held: nothing to flag.
    await expect(me.validate.flagMask({ localId: 1, note: 'bad' })).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/hold no sample/) });
    await addExpression(app, { videoId: held, authorId: ann.id, targets: [1] });
    await me.validate.next();
    // #4 exists only on the other video: refused, in the words used for any object not on this one.
    await expect(me.validate.flagMask({ localId: 4, note: 'bad' })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: 'this video has no object #4' });
    // A target and a non-target are flagged alike.
    const target = await me.validate.flagMask({ localId: 1, note: 'bad' });
    const nonTarget = await me.validate.flagMask({ localId: 2, note: 'bad' });
    expect(target).toEqual(nonTarget);
    // An excluded object is answered like one that does not exist.
    await callerFor(app, admin).admin.objects.exclude({ objectId: await objectId(app, held, 2), note: 'out' });
    await expect(me.validate.flagMask({ localId: 2, note: 'still bad' })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: 'this video has no object #2' });
    expect((await app.db.select().from(maskFlags)).map((f) => f.videoId)).toEqual([held, held]);
    expect(other).toBeGreaterThan(0);
  });

  it('an annotator may flag only curated videos; notes are bounded; flags per hour are bounded', async () => {
    const ann = await makeUser(app, 'ann', ['annotator']);
    const videoId = await importVideo(app, 'curated', 'accepted', 2);
    const hidden = await importVideo(app, 'candidate', 'candidate', 2);
    const me = callerFor(app, ann);
    await expect(me.annotate.flagMask({ videoId: hidden, localId: 1, note: 'bad' })).rejects.toMatchObject({ code: 'NOT_FOUND', message: `video ${hidden} not found` });
    await expect(me.annotate.flagMask({ videoId, localId: 1, note: 'x'.repeat(501) })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(me.annotate.flagMask({ videoId, localId: 1, note: '   ' })).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    await expect(me.annotate.flagMask({ videoId, localId: 9, note: 'bad' })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: 'this video has no object #9' });
    // Each new note counts: the same object flagged over and over with new notes stops at the bound.
    for (let i = 0; i < MASK_FLAG_LIMITS.perWindow; i++) await me.annotate.flagMask({ videoId, localId: 1 + (i % 2), note: `note ${i}` });
    await expect(me.annotate.flagMask({ videoId, localId: 1, note: 'one more' })).rejects.toMatchObject({ code: 'TOO_MANY_REQUESTS', message: expect.stringMatching(/please wait/) });
    expect(await app.db.select().from(maskFlags)).toHaveLength(2);
  });
});
