import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TRPCError } from '@trpc/server';
import { count, eq } from 'drizzle-orm';
import { auditLog, expressions, expressionTargets, objects } from '../db/schema/index.ts';
import { callerFor, makeUser, testApp, type TestApp } from '../testing/app.ts';
import { importVideo } from '../testing/factories.ts';

const uid = () => crypto.randomUUID();

describe('annotation: submitting expressions', () => {
  let app: TestApp;
  let videoId: number;
  let ann: Awaited<ReturnType<typeof makeUser>>;
  let caller: ReturnType<typeof callerFor>;
  beforeEach(async () => {
    app = await testApp();
    videoId = await importVideo(app, 'clip', 'accepted', 3);
    ann = await makeUser(app, 'ann', ['annotator']);
    caller = callerFor(app, ann);
  });
  afterEach(async () => app.cleanup());

  const expressionCount = async () => (await app.db.select({ n: count() }).from(expressions))[0]!.n;

  it('edit and resubmit: a new expression linked to the old one, only from its own rejected or discarded one; the motion moment is kept', async () => {
    const other = await makeUser(app, 'other', ['annotator']);
    const v1 = await makeUser(app, 'val1', ['validator']);
    const theirs = await callerFor(app, other).annotate.submit({ uid: uid(), videoId, targets: [1], text: 'the sheep running off to the left', acknowledged: ['static_target'] });
    const open = await caller.annotate.submit({ uid: uid(), videoId, targets: [2], text: 'the sheep that turns around', acknowledged: ['static_target'] });
    const first = await caller.annotate.submit({ uid: uid(), videoId, targets: [1], text: 'the sheep walking past the others', acknowledged: ['static_target'] });
    // A validator rejects it with a note.
    const v = callerFor(app, v1);
    for (;;) {
      const s = await v.validate.next();
      if (!s) break;
      await v.validate.answer({ expressionId: s.expressionId, answer: s.expressionId === first.expressionId ? { kind: 'reject', reason: 'single_frame', note: 'visible in frame 1 already' } : { kind: 'targets', targets: [3] } });
    }
    const refused = async (revisionOf: number) =>
      expect(caller.annotate.submit({ uid: uid(), videoId, targets: [1], text: 'the sheep walking past the others, then stopping', acknowledged: ['static_target'], revisionOf })).rejects.toThrow(/not one of your rejected or discarded expressions/);
    await refused(theirs.expressionId);
    await refused(open.expressionId); // in the second round now, not decided
    await refused(999_999);
    const again = await caller.annotate.submit({
      uid: uid(),
      videoId,
      targets: [1],
      text: 'the sheep walking past the others, then stopping',
      acknowledged: ['static_target'],
      revisionOf: first.expressionId,
      motionFrames: { start: 1, end: 3 },
    });
    await expect(caller.annotate.submit({ uid: uid(), videoId, targets: [1], text: 'the sheep walking off at the very end', acknowledged: ['static_target'], motionFrames: { start: 2, end: 999 } })).rejects.toThrow(/has \d+ frames/);
    const list = new Map((await caller.annotate.mine({ limit: 10 })).expressions.map((e) => [e.id, e]));
    expect(list.get(first.expressionId)).toMatchObject({ status: 'rejected', rejectReason: 'single_frame', rejectNote: 'visible in frame 1 already', validatorPicks: [] });
    expect(list.get(again.expressionId)).toMatchObject({ status: 'pending', revisionOf: first.expressionId, motionFrames: { start: 1, end: 3 }, validatorPicks: null, rejectNote: null });
    expect(list.get(open.expressionId)).toMatchObject({ status: 'second_round', validatorPicks: null });
  });

  it('stores a pending expression with its targets and derived kind, and audits it', async () => {
    const r = await caller.annotate.submit({ uid: uid(), videoId, targets: [3, 1], text: '  the sheep   moving to the right ', motionReasoning: true, acknowledged: [] });
    expect(r).toMatchObject({ status: 'pending', alreadySubmitted: false });
    const row = (await app.db.select().from(expressions).where(eq(expressions.id, r.expressionId)))[0]!;
    expect(row).toMatchObject({ text: 'the sheep moving to the right', kind: 'multi', status: 'pending', origin: 'annotated', authorId: ann.id, motionReasoning: true });
    const targets = (
      await app.db
        .select({ localId: objects.localId })
        .from(expressionTargets)
        .innerJoin(objects, eq(objects.id, expressionTargets.objectId))
        .where(eq(expressionTargets.expressionId, r.expressionId))
    )
      .map((t) => t.localId)
      .sort();
    expect(targets).toEqual([1, 3]);
    expect((await app.db.select().from(auditLog).where(eq(auditLog.action, 'expression.submit')))).toHaveLength(1);
  });

  it('a retry with the same uid returns the stored expression and creates nothing', async () => {
    const input = { uid: uid(), videoId, targets: [2], text: 'the sheep moving right quickly', motionReasoning: false, acknowledged: [] };
    const first = await caller.annotate.submit(input);
    const again = await caller.annotate.submit(input);
    expect(again).toEqual({ ...first, alreadySubmitted: true });
    expect((await expressionCount())).toBe(1);
    // The same uid from another annotator is not theirs to claim.
    const other = callerFor(app, await makeUser(app, 'other', ['annotator']));
    await expect(other.annotate.submit(input)).rejects.toThrow('this submission id belongs to another expression');
  });

  it('refuses a no-target expression without a motion verb, with the findings in the error', async () => {
    const err = await caller.annotate.submit({ uid: uid(), videoId, targets: [], text: 'the purple elephant near the tree', motionReasoning: false, acknowledged: [] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TRPCError);
    expect((err as TRPCError).code).toBe('BAD_REQUEST');
    const details = ((err as TRPCError).cause as { details?: { findings: { code: string }[] } }).details;
    expect(details?.findings.map((f) => f.code)).toContain('no_target_without_motion');
    expect((await expressionCount())).toBe(0);
    // With a motion verb the same kind of expression is fine.
    await caller.annotate.submit({ uid: uid(), videoId, targets: [], text: 'the elephant running away from the tree', motionReasoning: false, acknowledged: [] });
    expect((await expressionCount())).toBe(1);
  });

  it('refuses an expression with targets but no motion word (A1), even with every warning acknowledged', async () => {
    for (const text of ['the sheep near the fence', 'the person on the sheep']) {
      const err = await caller.annotate
        .submit({ uid: uid(), videoId, targets: [1], text, motionReasoning: false, acknowledged: ['static_target', 'static_attributes', 'target_without_motion'] })
        .catch((e: unknown) => e);
      expect(err, text).toBeInstanceOf(TRPCError);
      expect((err as TRPCError).code).toBe('BAD_REQUEST');
      expect((err as TRPCError).message).toMatch(/^A1: .*how they move/);
      const details = ((err as TRPCError).cause as { details?: { findings: { code: string; severity: string }[] } }).details;
      expect(details?.findings).toContainEqual(expect.objectContaining({ code: 'target_without_motion', severity: 'error' }));
    }
    expect((await expressionCount())).toBe(0);
    // The same targets with the motion described go through.
    await caller.annotate.submit({ uid: uid(), videoId, targets: [1], text: 'the sheep walking along the fence', motionReasoning: false, acknowledged: [] });
    expect((await expressionCount())).toBe(1);
  });

  it('requires warnings to be acknowledged and stores the acknowledgement', async () => {
    const base = { videoId, targets: [1], text: 'the big red sheep moving to the right', motionReasoning: false };
    const err = await caller.annotate.submit({ ...base, uid: uid(), acknowledged: [] }).catch((e: unknown) => e);
    expect((err as TRPCError).code).toBe('PRECONDITION_FAILED');
    expect((err as TRPCError).message).toMatch(/please confirm: .*red/);
    const r = await caller.annotate.submit({ ...base, uid: uid(), acknowledged: ['static_attributes'] });
    const row = (await app.db.select().from(expressions).where(eq(expressions.id, r.expressionId)))[0]!;
    expect(JSON.parse(row.acknowledged!)).toEqual(['static_attributes']);
  });

  it('refuses exact and near duplicates on the same video, but not on another video', async () => {
    await caller.annotate.submit({ uid: uid(), videoId, targets: [1], text: 'the sheep moving slowly to the right', motionReasoning: false, acknowledged: [] });
    await expect(caller.annotate.submit({ uid: uid(), videoId, targets: [2], text: 'The sheep moving slowly to the right!', motionReasoning: false, acknowledged: [] })).rejects.toThrow(/already written for this video/);
    await expect(caller.annotate.submit({ uid: uid(), videoId, targets: [2], text: 'a sheep moves slowly to the right', motionReasoning: false, acknowledged: [] })).rejects.toThrow(/Almost the same as/);
    const other = await importVideo(app, 'other-clip', 'accepted', 2);
    await caller.annotate.submit({ uid: uid(), videoId: other, targets: [1], text: 'the sheep moving slowly to the right', motionReasoning: false, acknowledged: [] });
    expect((await expressionCount())).toBe(2);
  });

  it('refuses objects the video does not have and videos that are not curated', async () => {
    await expect(caller.annotate.submit({ uid: uid(), videoId, targets: [9], text: 'the sheep moving to the left', motionReasoning: false, acknowledged: [] })).rejects.toThrow(`video ${videoId} has no object #9`);
    const hidden = await importVideo(app, 'hidden', 'excluded');
    await expect(caller.annotate.submit({ uid: uid(), videoId: hidden, targets: [1], text: 'the sheep moving to the left', motionReasoning: false, acknowledged: [] })).rejects.toThrow(`video ${hidden} not found`);
    await expect(caller.annotate.submit({ uid: 'not-a-uuid', videoId, targets: [1], text: 'x', motionReasoning: false, acknowledged: [] })).rejects.toThrow(/invalid input at uid/);
    expect((await expressionCount())).toBe(0);
  });

  it('shows the annotator their own expressions with outcomes and a score', async () => {
    const a = await caller.annotate.submit({ uid: uid(), videoId, targets: [1], text: 'the sheep moving to the right', motionReasoning: false, acknowledged: [] });
    const b = await caller.annotate.submit({ uid: uid(), videoId, targets: [], text: 'the duck jumping up and down', motionReasoning: false, acknowledged: [] });
    await app.db.transaction((tx) => tx.update(expressions).set({ status: 'accepted', decidedAt: Date.now() }).where(eq(expressions.id, a.expressionId)));
    await app.db.transaction((tx) => tx.update(expressions).set({ status: 'rejected', rejectReason: 'single_frame', decidedAt: Date.now() }).where(eq(expressions.id, b.expressionId)));
    const mine = await caller.annotate.mine({ limit: 10 });
    expect(mine.score).toEqual({ submitted: 2, pending: 0, accepted: 1, discarded: 0, rejected: 1, acceptanceRate: 0.5 });
    expect(mine.expressions.map((e) => [e.text, e.targets, e.status, e.rejectReason])).toEqual([
      ['the duck jumping up and down', [], 'rejected', 'single_frame'],
      ['the sheep moving to the right', [1], 'accepted', null],
    ]);
    // Another annotator sees none of it.
    const other = callerFor(app, await makeUser(app, 'other', ['annotator']));
    expect((await other.annotate.mine({ limit: 10 })).expressions).toEqual([]);
  });

  it('gives the annotation view with motion per object and existing texts, never targets', async () => {
    await caller.annotate.submit({ uid: uid(), videoId, targets: [2], text: 'the sheep moving right quickly', motionReasoning: false, acknowledged: [] });
    const view = await caller.annotate.video({ videoId });
    expect(view.video.name).toBe('clip');
    expect(view.motion.map((m) => m.localId)).toEqual([1, 2, 3]);
    expect(view.motion.every((m) => typeof m.moving === 'boolean')).toBe(true);
    expect(view.existingTexts).toEqual(['the sheep moving right quickly']);
    expect(JSON.stringify(view)).not.toMatch(/target/i);
  });
});
