import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { and, asc, eq } from 'drizzle-orm';
import { decodeRle, rleArea, rleBbox } from '#shared/rle/index.ts';
import { auditLog, expressions, expressionTargets, masks, objects, validations, videos } from '../db/schema/index.ts';
import { callerFor, makeUser, testApp, type TestApp } from '../testing/app.ts';
import { addExpression, importVideo } from '../testing/factories.ts';
import { inconsistentSamples } from './validation.ts';

async function objectId(app: TestApp, videoId: number, localId: number): Promise<number> {
  const [o] = await app.db.select({ id: objects.id }).from(objects).where(and(eq(objects.videoId, videoId), eq(objects.localId, localId)));
  return o!.id;
}

/** Decoded masks of an object by frame. */
async function decoded(app: TestApp, objectIdValue: number, size: [number, number]): Promise<Map<number, Uint8Array>> {
  const rows = await app.db.select().from(masks).where(eq(masks.objectId, objectIdValue)).orderBy(asc(masks.frameIdx));
  return new Map(rows.map((r) => [r.frameIdx, decodeRle({ size, counts: r.counts })]));
}

const targetsOf = async (app: TestApp, expressionId: number) =>
  (
    await app.db
      .select({ localId: objects.localId })
      .from(expressionTargets)
      .innerJoin(objects, eq(objects.id, expressionTargets.objectId))
      .where(eq(expressionTargets.expressionId, expressionId))
  )
    .map((t) => t.localId)
    .sort((a, b) => a - b);

describe('merging two ids that are one object', () => {
  let app: TestApp;
  beforeEach(async () => (app = await testApp()));
  afterEach(async () => app.cleanup());

  it("unites B's masks into A pixel for pixel, renames targets and answers, and excludes B", async () => {
    const admin = await makeUser(app, 'boss', ['admin']);
    const ann = await makeUser(app, 'ann', ['annotator']);
    const val = await makeUser(app, 'val', ['validator']);
    const videoId = await importVideo(app, 'split-track', 'accepted', 3);
    const [v] = await app.db.select().from(videos).where(eq(videos.id, videoId));
    const size: [number, number] = [v!.height, v!.width];
    const [a, b] = [await objectId(app, videoId, 1), await objectId(app, videoId, 2)];
    // A loses its first two frames: there, B's mask is moved over as it is.
    await app.db.transaction((tx) => tx.delete(masks).where(and(eq(masks.objectId, a), eq(masks.frameIdx, 0))));
    await app.db.transaction((tx) => tx.delete(masks).where(and(eq(masks.objectId, a), eq(masks.frameIdx, 1))));
    const beforeA = await decoded(app, a, size);
    const beforeB = await decoded(app, b, size);

    const onlyB = await addExpression(app, { videoId, authorId: ann.id, targets: [2], text: 'the one that runs' });
    const both = await addExpression(app, { videoId, authorId: ann.id, targets: [1, 2], text: 'the two halves' });
    const other = await addExpression(app, { videoId, authorId: ann.id, targets: [3], text: 'the third' });
    // A validator agreed with the annotator's {2} before the merge: still agreeing with {1} after.
    expect((await callerFor(app, val).validate.next())?.expressionId).toBe(onlyB);
    await callerFor(app, val).validate.answer({ expressionId: onlyB, answer: { kind: 'targets', targets: [2] } });

    const r = await callerFor(app, admin).admin.objects.merge({ objectId: a, fromObjectId: b });
    expect(r).toMatchObject({ objectId: a, fromObjectId: b, videoId, changed: true, framesAdded: 2, targetsRewritten: 2, answersRewritten: 1 });
    expect(r.framesUnited).toBe(beforeB.size - 2);

    const afterA = await decoded(app, a, size);
    const frames = new Set([...beforeA.keys(), ...beforeB.keys()]);
    expect([...afterA.keys()].sort((x, y) => x - y)).toEqual([...frames].sort((x, y) => x - y));
    for (const f of frames) {
      const want = new Uint8Array(size[0] * size[1]);
      for (const m of [beforeA.get(f), beforeB.get(f)]) m?.forEach((px, i) => (want[i] ||= px));
      expect(Buffer.compare(Buffer.from(afterA.get(f)!), Buffer.from(want)), `frame ${f}`).toBe(0);
    }
    // Area and box follow the united mask (tracking and curation read them without decoding).
    for (const row of await app.db.select().from(masks).where(eq(masks.objectId, a))) {
      const rle = { size, counts: row.counts };
      expect([row.area, row.bboxX, row.bboxY, row.bboxW, row.bboxH]).toEqual([rleArea(rle), ...rleBbox(rle)]);
    }

    expect(await targetsOf(app, onlyB)).toEqual([1]);
    expect(await targetsOf(app, both)).toEqual([1]);
    expect(await targetsOf(app, other)).toEqual([3]);
    const kinds = await app.db.select({ id: expressions.id, kind: expressions.kind }).from(expressions).orderBy(asc(expressions.id));
    expect(kinds.map((k) => k.kind)).toEqual(['single', 'single', 'single']);
    const [answer] = await app.db.select().from(validations).where(eq(validations.expressionId, onlyB));
    expect([answer!.targets, answer!.agrees]).toEqual(['[1]', true]);
    expect(await inconsistentSamples(app.db)).toEqual([]);

    const [bRow] = await app.db.select().from(objects).where(eq(objects.id, b));
    expect(bRow).toMatchObject({ mergedIntoId: a, excludedBy: admin.id, exclusionNote: 'merged into #1' });
    expect((await callerFor(app, ann).videos.get({ videoId })).objects.map((o) => o.localId)).toEqual([1, 3]);
    const [log] = await app.db.select().from(auditLog).where(eq(auditLog.action, 'object.merge'));
    expect(JSON.parse(log!.data!)).toMatchObject({ into: 1, from: 2, fromObjectId: b, framesAdded: 2, targetsRewritten: 2 });
    // Asked again: already done, nothing written.
    expect(await callerFor(app, admin).admin.objects.merge({ objectId: a, fromObjectId: b })).toMatchObject({ changed: false });
  });

  it('is refused where a validator told the two apart, naming the expressions', async () => {
    const admin = await makeUser(app, 'boss', ['admin']);
    const ann = await makeUser(app, 'ann', ['annotator']);
    const val = await makeUser(app, 'val', ['validator']);
    const videoId = await importVideo(app, 'told-apart', 'accepted', 3);
    const id = await addExpression(app, { videoId, authorId: ann.id, targets: [1] });
    await callerFor(app, val).validate.next();
    // Picked #2 where the annotator meant #1: a disagreement that a merge would turn into agreement.
    await callerFor(app, val).validate.answer({ expressionId: id, answer: { kind: 'targets', targets: [2] } });
    const err = await callerFor(app, admin)
      .admin.objects.merge({ objectId: await objectId(app, videoId, 1), fromObjectId: await objectId(app, videoId, 2) })
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(new RegExp(`told #1 and #2 apart in expression #${id}`)) });
    // Nothing changed.
    expect(await targetsOf(app, id)).toEqual([1]);
    expect((await app.db.select().from(objects).where(eq(objects.videoId, videoId))).every((o) => o.excludedAt === null)).toBe(true);
    expect(await app.db.select().from(auditLog).where(eq(auditLog.action, 'object.merge'))).toEqual([]);
    // #3 was never confused with #1: that merge goes through.
    await callerFor(app, admin).admin.objects.merge({ objectId: await objectId(app, videoId, 1), fromObjectId: await objectId(app, videoId, 3) });
  });

  it('refuses a merge across videos, into an excluded object, or into itself', async () => {
    const admin = await makeUser(app, 'boss', ['admin']);
    const first = await importVideo(app, 'first', 'accepted', 2);
    const second = await importVideo(app, 'second', 'accepted', 2);
    const caller = callerFor(app, admin);
    const [a, b, c] = [await objectId(app, first, 1), await objectId(app, first, 2), await objectId(app, second, 1)];
    await expect(caller.admin.objects.merge({ objectId: a, fromObjectId: c })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/different videos/) });
    await expect(caller.admin.objects.merge({ objectId: a, fromObjectId: a })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/into itself/) });
    await caller.admin.objects.exclude({ objectId: a, note: 'bystander' });
    await expect(caller.admin.objects.merge({ objectId: a, fromObjectId: b })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/restore it before merging/) });
    await expect(caller.admin.objects.merge({ objectId: 987_654, fromObjectId: b })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
