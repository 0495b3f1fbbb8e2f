import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TRPCError } from '@trpc/server';
import { and, eq, isNull } from 'drizzle-orm';
import { isUniqueViolation } from '../db/busy.ts';
import { videos, workBatches, workBatchVideos } from '../db/schema/index.ts';
import { callerFor, makeUser, testApp, type TestApp } from '../testing/app.ts';
import { addExpression, importVideo } from '../testing/factories.ts';
import { nextVideoFor } from './assignment.ts';
import { listAudit } from './audit-log.ts';
import { setUserDisabled } from './users.ts';

type User = Awaited<ReturnType<typeof makeUser>>;

const uid = () => crypto.randomUUID();
/** A text that passes the guideline checks on the generated videos (objects are "object"s). */
const submission = (videoId: number, text = 'the object that moves to the right') => ({ uid: uid(), videoId, targets: [1], text, motionReasoning: false, acknowledged: ['static_target', 'static_attributes'] });

async function refusal(p: Promise<unknown>): Promise<TRPCError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err, 'expected a refusal').toBeInstanceOf(TRPCError);
  return err as TRPCError;
}

describe('work batches', () => {
  let app: TestApp;
  let boss: User;
  let boss2: User;
  let ann: User;
  let other: User;
  let validator: User;
  const ids: Record<string, number> = {};
  const names = ['v1', 'v2', 'v3', 'v4', 'v5'];

  beforeAll(async () => {
    app = await testApp();
    boss = await makeUser(app, 'boss', ['admin']);
    boss2 = await makeUser(app, 'boss2', ['admin']);
    ann = await makeUser(app, 'ann', ['annotator']);
    other = await makeUser(app, 'other', ['annotator']);
    validator = await makeUser(app, 'val', ['validator']);
    for (const n of names) ids[n] = await importVideo(app, n);
    ids.candidate = await importVideo(app, 'cand', 'candidate');
  });
  afterAll(async () => app.cleanup());

  // Each test starts with every batch closed (their history stays).
  beforeEach(async () => {
    const admin = callerFor(app, boss).admin.batches;
    for (const b of await admin.list()) if (b.closedAt === null) await admin.close({ batchId: b.id });
  });

  it('hands a batch video to no other annotator, from the lottery or asked for by id', async () => {
    const admin = callerFor(app, boss).admin.batches;
    const batch = await admin.create({ name: 'first two', annotatorId: ann.id, videos: { videoIds: [ids.v1!, ids.v2!] } });
    expect(batch).toMatchObject({ name: 'first two', annotator: 'ann', annotatorActive: true, createdBy: 'boss', videos: 2, videosStarted: 0, closedAt: null });
    for (let i = 0; i < 200; i++) expect([ids.v1, ids.v2]).not.toContain(await nextVideoFor(app.db, other.id));
    const them = callerFor(app, other);
    for (const videoId of [ids.v1!, ids.v2!]) {
      for (const call of [() => them.annotate.video({ videoId }), () => them.annotate.submit(submission(videoId)), () => them.annotate.skip({ videoId })]) {
        const err = await refusal(call());
        expect(err.code).toBe('FORBIDDEN');
        expect(err.message).toBe(`video ${videoId} is set aside for another annotator's work batch`);
      }
    }
    // Their list and their count leave the held videos out; the batch's annotator still sees them.
    const listed = (await them.videos.list({ limit: 100, offset: 0 })).videos.map((v) => v.id);
    expect(listed).not.toContain(ids.v1);
    expect(listed).toContain(ids.v3);
    expect((await them.annotate.overview()).acceptedVideos).toBe(names.length - 2);
    expect((await callerFor(app, ann).annotate.overview()).acceptedVideos).toBe(names.length);
    // Validators still watch it (they judge what the batch's annotator wrote).
    expect((await callerFor(app, validator).videos.get({ videoId: ids.v1! })).id).toBe(ids.v1);
    // Nothing was written by the refused calls.
    expect((await listAudit(app.db, { actor: 'other', limit: 10 })).entries).toEqual([]);
  });

  it('gives the batch owner their batch videos first, until each has an expression; a skip puts one behind the rest', async () => {
    const admin = callerFor(app, boss).admin.batches;
    const batch = await admin.create({ name: 'owner first', annotatorId: ann.id, videos: { videoIds: [ids.v3!, ids.v4!] } });
    const me = callerFor(app, ann);
    for (let i = 0; i < 50; i++) expect([ids.v3, ids.v4]).toContain((await me.annotate.nextVideo({})).videoId);
    // A skip: the other batch video comes next, every time.
    expect((await me.annotate.skip({ videoId: ids.v3! })).videoId).toBe(ids.v4);
    for (let i = 0; i < 20; i++) expect(await nextVideoFor(app.db, ann.id)).toBe(ids.v4);
    await me.annotate.submit(submission(ids.v4!));
    let progress = (await admin.get({ batchId: batch.id }));
    expect(progress).toMatchObject({ videos: 2, videosStarted: 1, expressionsWritten: 1, expressionsAccepted: 0 });
    expect(progress.lastActivityAt).not.toBeNull();
    expect((await me.annotate.overview()).batches).toEqual([{ id: batch.id, name: 'owner first', videos: 2, videosStarted: 1 }]);
    // Both started or skipped: back to the whole lottery (which still holds the batch's videos for them).
    const seen = new Set<number>();
    for (let i = 0; i < 300; i++) seen.add((await nextVideoFor(app.db, ann.id))!);
    expect(seen.size).toBeGreaterThan(2);
    // Expressions from before the batch do not count for it: v5 is "to do" in a new batch.
    await addExpression(app, { videoId: ids.v5!, authorId: ann.id, status: 'accepted' });
    await admin.close({ batchId: batch.id });
    const later = await admin.create({ name: 'v5 again', annotatorId: ann.id, videos: { videoIds: [ids.v5!] } });
    expect(later).toMatchObject({ videosStarted: 0, expressionsWritten: 0 });
    for (let i = 0; i < 20; i++) expect(await nextVideoFor(app.db, ann.id)).toBe(ids.v5);
    await me.annotate.submit(submission(ids.v5!, 'the object that moves to the left'));
    progress = await admin.get({ batchId: later.id });
    expect(progress).toMatchObject({ videos: 1, videosStarted: 1, expressionsWritten: 1, expressionsAccepted: 0 });
    expect(progress.videoList).toEqual([{ id: ids.v5, name: 'v5', status: 'accepted', expressionsWritten: 1, expressionsAccepted: 0 }]);
  });

  it('closing returns the videos to the lottery and keeps the batch as history; removing returns one', async () => {
    const admin = callerFor(app, boss).admin.batches;
    const batch = await admin.create({ name: 'to close', annotatorId: ann.id, videos: { videoIds: [ids.v1!, ids.v2!] } });
    const expressionId = await addExpression(app, { videoId: ids.v1!, authorId: ann.id, status: 'accepted' });
    expect(expressionId).toBeGreaterThan(0);
    expect(await admin.get({ batchId: batch.id })).toMatchObject({ videos: 2, videosStarted: 1, expressionsWritten: 1, expressionsAccepted: 1 });

    // Removing v2: the other annotator may have it again; the batch counts one video.
    const after = await admin.removeVideos({ batchId: batch.id, videoIds: [ids.v2!] });
    expect(after.videoList.map((v) => v.id)).toEqual([ids.v1]);
    expect((await callerFor(app, other).annotate.video({ videoId: ids.v2! })).video.id).toBe(ids.v2);

    const closed = await admin.close({ batchId: batch.id });
    expect(closed.closedAt).not.toBeNull();
    // History: the counts as they were at closing, later work not counted.
    expect(closed).toMatchObject({ videos: 1, videosStarted: 1, expressionsWritten: 1, expressionsAccepted: 1 });
    await addExpression(app, { videoId: ids.v1!, authorId: ann.id, status: 'accepted' });
    expect(await admin.get({ batchId: batch.id })).toMatchObject({ videos: 1, expressionsWritten: 1 });
    expect((await admin.list()).find((b) => b.id === batch.id)?.closedAt).toBe(closed.closedAt);
    // The other annotator is given v1 again, and may open it.
    const seen = new Set<number>();
    for (let i = 0; i < 300; i++) seen.add((await nextVideoFor(app.db, other.id))!);
    expect(seen).toContain(ids.v1);
    expect((await callerFor(app, other).annotate.video({ videoId: ids.v1! })).video.id).toBe(ids.v1);
    // A closed batch is closed for good.
    expect((await refusal(admin.close({ batchId: batch.id }))).code).toBe('CONFLICT');
    expect((await refusal(admin.addVideos({ batchId: batch.id, videos: { videoIds: [ids.v3!] } }))).message).toMatch(/batch "to close" is closed/);
    expect((await refusal(admin.removeVideos({ batchId: batch.id, videoIds: [ids.v1!] }))).code).toBe('CONFLICT');
    // Every admin action is in the audit log.
    const actions = (await listAudit(app.db, { action: 'batch.', entityId: String(batch.id), limit: 10 })).entries.map((e) => e.action);
    expect(actions).toEqual(['batch.close', 'batch.removeVideos', 'batch.create']);
  });

  it('two admins racing to put one video in two batches: one wins, the other gets a clear error naming the video', async () => {
    const a = callerFor(app, boss).admin.batches;
    const b = callerFor(app, boss2).admin.batches;
    for (let round = 0; round < 3; round++) {
      const results = await Promise.allSettled([
        a.create({ name: `race a${round}`, annotatorId: ann.id, videos: { videoIds: [ids.v3!] } }),
        b.create({ name: `race b${round}`, annotatorId: other.id, videos: { videoIds: [ids.v4!, ids.v3!] } }),
      ]);
      const won = results.filter((r) => r.status === 'fulfilled');
      const lost = results.filter((r) => r.status === 'rejected');
      expect(won).toHaveLength(1);
      expect(lost).toHaveLength(1);
      const err = lost[0]!.reason as TRPCError;
      expect(err.code).toBe('CONFLICT');
      expect(err.message).toMatch(new RegExp(`video "v3" \\(id ${ids.v3}, batch "race [ab]${round}" of (ann|other)\\) is already in an open batch`));
      const open = await app.db.select().from(workBatchVideos).where(and(eq(workBatchVideos.videoId, ids.v3!), isNull(workBatchVideos.releasedAt)));
      expect(open).toHaveLength(1);
      // The loser wrote nothing: no batch, no v4 held.
      expect((await a.list()).filter((x) => x.closedAt === null)).toHaveLength(1);
      for (const x of await a.list()) if (x.closedAt === null) await a.close({ batchId: x.id });
    }
    // Adding to two open batches at once: the same.
    const x = await a.create({ name: 'x', annotatorId: ann.id, videos: { videoIds: [ids.v1!] } });
    const y = await b.create({ name: 'y', annotatorId: other.id, videos: { videoIds: [ids.v2!] } });
    const adds = await Promise.allSettled([a.addVideos({ batchId: x.id, videos: { videoIds: [ids.v5!] } }), b.addVideos({ batchId: y.id, videos: { videoIds: [ids.v5!] } })]);
    expect(adds.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(((adds.find((r) => r.status === 'rejected') as PromiseRejectedResult).reason as Error).message).toMatch(/video "v5" \(id \d+, batch "[xy]" of \w+\) is already in an open batch/);
  });

  it('the index itself refuses a second open batch for a video, on this engine, as a unique violation', async () => {
    const admin = callerFor(app, boss).admin.batches;
    const held = await admin.create({ name: 'held', annotatorId: ann.id, videos: { videoIds: [ids.v1!] } });
    const err = await app.db
      .transaction(async (tx) => {
        const [row] = await tx.insert(workBatches).values({ name: 'sneaky', annotatorId: other.id, createdAt: Date.now() }).returning({ id: workBatches.id });
        await tx.insert(workBatchVideos).values({ batchId: row!.id, videoId: ids.v1! });
      })
      .then(
        () => null,
        (e: unknown) => e,
      );
    expect(isUniqueViolation(err)).toBe(true);
    expect((await admin.get({ batchId: held.id })).videos).toBe(1);
  });

  it('"the next N unassigned videos": the neediest curated videos no open batch holds', async () => {
    const admin = callerFor(app, boss).admin.batches;
    await admin.create({ name: 'holds v1', annotatorId: ann.id, videos: { videoIds: [ids.v1!] } });
    const page = await admin.unassigned({ limit: 50, offset: 0 });
    expect(page.videos.map((v) => v.id)).not.toContain(ids.v1);
    expect(page.videos.map((v) => v.id)).not.toContain(ids.candidate);
    expect(page.total).toBe(names.length - 1);
    // Fewest accepted expressions first.
    const counts = page.videos.map((v) => v.acceptedExpressions);
    expect(counts).toEqual([...counts].sort((p, q) => p - q));
    const next = await admin.create({ name: 'next two', annotatorId: other.id, videos: { next: 2 } });
    expect((await admin.get({ batchId: next.id })).videoList.map((v) => v.id).sort()).toEqual(page.videos.slice(0, 2).map((v) => v.id).sort());
    // Asking for more than are left takes what is left; none left is an error.
    const rest = await admin.create({ name: 'the rest', annotatorId: other.id, videos: { next: 100 } });
    expect(rest.videos).toBe(names.length - 3);
    expect((await refusal(admin.create({ name: 'nothing', annotatorId: other.id, videos: { next: 1 } }))).message).toMatch(/none is left to assign/);
    expect((await admin.unassigned({ limit: 50, offset: 0 })).total).toBe(0);
  });

  it('refuses a non-annotator, unknown or disabled assignee, unknown or uncurated videos, and leaves no half-made batch', async () => {
    const admin = callerFor(app, boss).admin.batches;
    const before = (await admin.list()).length;
    const make = (annotatorId: number, videoIds: number[]) => refusal(admin.create({ name: 'bad', annotatorId, videos: { videoIds } }));
    expect(await make(validator.id, [ids.v1!])).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/val is not an annotator/) });
    expect(await make(boss.id, [ids.v1!])).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/boss is not an annotator/) });
    expect(await make(987_654, [ids.v1!])).toMatchObject({ code: 'NOT_FOUND', message: 'user 987654 not found' });
    expect(await make(ann.id, [ids.v1!, 987_654, 987_655])).toMatchObject({ code: 'NOT_FOUND', message: 'videos 987654, 987655 not found' });
    expect(await make(ann.id, [ids.v1!, ids.candidate!])).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/only curated \(accepted\) videos can be assigned: "cand" \(id \d+\) is candidate/) });
    const quitter = await makeUser(app, 'quitter', ['annotator']);
    await setUserDisabled(app.db, quitter.id, true, boss.id);
    expect(await make(quitter.id, [ids.v1!])).toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/quitter is disabled/) });
    expect((await admin.list()).length).toBe(before);
    const batch = await admin.create({ name: 'ok', annotatorId: ann.id, videos: { videoIds: [ids.v1!] } });
    expect(await refusal(admin.removeVideos({ batchId: batch.id, videoIds: [ids.v2!] }))).toMatchObject({ code: 'BAD_REQUEST', message: `video ${ids.v2} is not in batch "ok"` });
    expect(await refusal(admin.get({ batchId: 987_654 }))).toMatchObject({ code: 'NOT_FOUND', message: 'batch 987654 not found' });
    // Adding what it holds already is no change; a video of another open batch is refused.
    expect((await admin.addVideos({ batchId: batch.id, videos: { videoIds: [ids.v1!] } })).videos).toBe(1);
    // An annotator who leaves: the batch says so.
    await setUserDisabled(app.db, ann.id, true, boss.id);
    expect((await admin.get({ batchId: batch.id })).annotatorActive).toBe(false);
    await setUserDisabled(app.db, ann.id, false, boss.id);
    // A video whose curation changed while in a batch stays listed with its status, and is not served.
    await app.db.transaction((tx) => tx.update(videos).set({ status: 'excluded' }).where(eq(videos.id, ids.v1!)));
    try {
      expect((await admin.get({ batchId: batch.id })).videoList[0]!.status).toBe('excluded');
      for (let i = 0; i < 20; i++) expect(await nextVideoFor(app.db, ann.id)).not.toBe(ids.v1);
    } finally {
      await app.db.transaction((tx) => tx.update(videos).set({ status: 'accepted' }).where(eq(videos.id, ids.v1!)));
    }
  });

  it('is for admins only', async () => {
    for (const who of [ann, validator]) {
      const err = await refusal(callerFor(app, who).admin.batches.create({ name: 'mine', annotatorId: who.id, videos: { next: 5 } }));
      expect(err.code).toBe('FORBIDDEN');
    }
  });
});
