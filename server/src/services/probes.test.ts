import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { and, asc, count, eq } from 'drizzle-orm';
import { isProbeSelected, probeFrame } from '#shared/probe/index.ts';
import { ProbeView } from '#shared/schemas/probe.ts';
import { QualityQuery } from '#shared/schemas/quality.ts';
import { annotationSkips, auditLog, expressions, expressionTargets, frames, masks, objects, probes, validations } from '../db/schema/index.ts';
import { lockRow } from '../db/client.ts';
import { DIALECT } from '../db/dialect.ts';
import { callerFor, makeUser, testApp, type TestApp } from '../testing/app.ts';
import { untilSomeoneWaitsForALock } from '../testing/lock-wait.ts';
import { addExpression, addValidation, importVideo } from '../testing/factories.ts';
import { qualityReport } from './agreement.ts';
import { createRelease } from './export/plan.ts';
import { writeRelease } from './export/write.ts';
import { excludeObject } from './objects-admin.ts';
import { answerProbe, makeProbes, nextProbe, probeFrameHash, probeHidesVideo, releaseProbe, releaseProbeStats } from './probes.ts';
import { updateSettings } from './settings.ts';
import { nextSample, validatorStats } from './validation.ts';

const LEASE_MS = 10 * 60_000;

async function objectId(app: TestApp, videoId: number, localId: number): Promise<number> {
  const [o] = await app.db.select({ id: objects.id }).from(objects).where(and(eq(objects.videoId, videoId), eq(objects.localId, localId)));
  return o!.id;
}

async function probeOf(app: TestApp, probeId: number) {
  const [p] = await app.db.select().from(probes).where(eq(probes.id, probeId));
  return p!;
}

async function videoOfProbe(app: TestApp, probeId: number): Promise<number> {
  const [r] = await app.db.select({ v: expressions.videoId }).from(probes).innerJoin(expressions, eq(expressions.id, probes.expressionId)).where(eq(probes.id, probeId));
  return r!.v;
}

async function targetsOfProbe(app: TestApp, probeId: number): Promise<number[]> {
  const p = await probeOf(app, probeId);
  const rows = await app.db
    .select({ localId: objects.localId })
    .from(expressionTargets)
    .innerJoin(objects, eq(objects.id, expressionTargets.objectId))
    .where(eq(expressionTargets.expressionId, p.expressionId))
    .orderBy(asc(objects.localId));
  return rows.map((r) => r.localId);
}

describe('single-frame probe', () => {
  let app: TestApp;
  beforeEach(async () => (app = await testApp()));
  afterEach(async () => app.cleanup());

  it('probes exactly the accepted target expressions the share selects, with the frame drawn among those showing every target', async () => {
    const ann = await makeUser(app, 'ann', ['annotator']);
    const val = await makeUser(app, 'val', ['validator']);
    const videoIds = [await importVideo(app, 'one', 'accepted', 3), await importVideo(app, 'two', 'accepted', 3)];
    const accepted: number[] = [];
    for (let i = 0; i < 16; i++) {
      accepted.push(await addExpression(app, { videoId: videoIds[i % 2]!, authorId: ann.id, status: 'accepted', targets: i % 3 === 0 ? [1, 2] : [1 + (i % 3)] }));
    }
    const noTarget = await addExpression(app, { videoId: videoIds[0]!, authorId: ann.id, status: 'accepted', targets: [] });
    const pending = await addExpression(app, { videoId: videoIds[0]!, authorId: ann.id, status: 'pending', targets: [1] });
    // Object 2 of video one is hidden on frame 1: a frame without every target is not drawn for [1, 2] there.
    const hidden = await objectId(app, videoIds[0]!, 2);
    await app.db.transaction((tx) => tx.delete(masks).where(and(eq(masks.objectId, hidden), eq(masks.frameIdx, 1))));

    await updateSettings(app.db, { probeShare: 0.5 }, null);
    await callerFor(app, val).probe.overview();
    const half = (await app.db.select().from(probes)).map((p) => p.expressionId).sort((a, b) => a - b);
    expect(half).toEqual(accepted.filter((id) => isProbeSelected(id, 0.5)));
    expect(half.length).toBeGreaterThan(0);
    expect(half.length).toBeLessThan(accepted.length);
    // A larger share adds probes and keeps the earlier ones (and their frames) as they were.
    const framesBefore = new Map((await app.db.select().from(probes)).map((p) => [p.expressionId, p.frameIdx]));
    await updateSettings(app.db, { probeShare: 1 }, null);
    await callerFor(app, val).probe.overview();
    const all = await app.db.select().from(probes);
    expect(all.map((p) => p.expressionId).sort((a, b) => a - b)).toEqual(accepted);
    expect(all.map((p) => p.expressionId)).not.toContain(noTarget);
    expect(all.map((p) => p.expressionId)).not.toContain(pending);
    for (const p of all) if (framesBefore.has(p.expressionId)) expect(p.frameIdx).toBe(framesBefore.get(p.expressionId));
    // Each frame is the shared draw over the expression's visibility as the masks table says.
    for (const p of all) {
      const targets = await app.db.select({ objectId: expressionTargets.objectId }).from(expressionTargets).where(eq(expressionTargets.expressionId, p.expressionId));
      const perFrame = new Map<number, number>();
      for (const t of targets) for (const m of await app.db.select({ f: masks.frameIdx }).from(masks).where(eq(masks.objectId, t.objectId))) perFrame.set(m.f, (perFrame.get(m.f) ?? 0) + 1);
      const vis = [...perFrame].map(([frame, visibleTargets]) => ({ frame, visibleTargets }));
      expect(p.frameIdx).toBe(probeFrame(p.expressionId, vis, targets.length));
      if (targets.length === 2 && (await videoOfProbe(app, p.id)) === videoIds[0]) expect(p.frameIdx).not.toBe(1);
    }
    // Nothing new: a second scan makes nothing.
    expect(await makeProbes(app.db, 1)).toBe(0);
  });

  it('goes only to a validator who has never seen the video, and shows one frame without the video or the answer', async () => {
    const ann = await makeUser(app, 'ann', ['annotator', 'validator']);
    const fresh = await makeUser(app, 'fresh', ['validator']);
    const validated = await makeUser(app, 'validated', ['validator']);
    const leased = await makeUser(app, 'leased', ['validator']);
    const skipped = await makeUser(app, 'skipped', ['validator', 'annotator']);
    const seenVideo = await importVideo(app, 'seen', 'accepted', 3);
    const probed = await addExpression(app, { videoId: seenVideo, authorId: ann.id, status: 'accepted', targets: [2] });
    const other = await addExpression(app, { videoId: seenVideo, authorId: ann.id, status: 'pending', targets: [1] });
    await addValidation(app, other, validated.id);
    await nextSample(app.db, leased.id); // holds `other` under a protocol lease: they have seen the video
    await app.db.transaction((tx) => tx.insert(annotationSkips).values({ userId: skipped.id, videoId: seenVideo, at: Date.now() }));
    await updateSettings(app.db, { probeShare: 1 }, null);

    for (const u of [ann, validated, leased, skipped]) {
      expect(await nextProbe(app.db, u.id), `${u.username} has seen the video`).toBeNull();
      expect((await callerFor(app, u).probe.overview()).waitingForMe).toBe(0);
    }
    expect((await callerFor(app, fresh).probe.overview()).waitingForMe).toBe(1);
    const view = await callerFor(app, fresh).probe.next();
    expect(view).not.toBeNull();
    // The strict view: the sentence, the frame's objects and masks, nothing else.
    expect(Object.keys(view!).sort()).toEqual(['expiresAt', 'height', 'masks', 'objects', 'probeId', 'text', 'width']);
    expect(ProbeView.parse(view)).toEqual(view);
    const p = await probeOf(app, view!.probeId);
    expect(p.expressionId).toBe(probed);
    expect(view!.masks.tracks.every((t) => t.counts.length === 1 && t.counts[0])).toBe(true);
    expect(view!.objects.map((o) => o.localId)).toEqual(view!.masks.tracks.map((t) => t.localId));
    // The frame route gives its holder exactly that frame, and nobody else anything.
    const [f] = await app.db.select({ sha: frames.sha256 }).from(frames).where(and(eq(frames.videoId, seenVideo), eq(frames.idx, p.frameIdx)));
    expect(await probeFrameHash(app.db, fresh.id, p.id)).toBe(f!.sha);
    expect(await probeFrameHash(app.db, validated.id, p.id)).toBeNull();
    // Meanwhile the rest of the video is closed to the holder (same "not found" as a missing video), open to others.
    expect(await probeHidesVideo(app.db, fresh.id, seenVideo)).toBe(true);
    await expect(callerFor(app, fresh).videos.get({ videoId: seenVideo })).rejects.toMatchObject({ code: 'NOT_FOUND', message: `video ${seenVideo} not found` });
    await expect(callerFor(app, fresh).videos.masks({ videoId: seenVideo })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect((await callerFor(app, validated).videos.get({ videoId: seenVideo })).id).toBe(seenVideo);
    // The same probe again while held; its frame is then spent for this validator's blindness.
    expect((await callerFor(app, fresh).probe.next())!.probeId).toBe(view!.probeId);
    await callerFor(app, fresh).probe.answer({ probeId: view!.probeId, answer: { kind: 'no_target' } });
    expect(await probeHidesVideo(app.db, fresh.id, seenVideo)).toBe(false);
    expect(await probeFrameHash(app.db, fresh.id, p.id)).toBeNull();
    // A second probe on the same video does not go to someone who saw a frame of it.
    await addExpression(app, { videoId: seenVideo, authorId: ann.id, status: 'accepted', targets: [3] });
    expect(await nextProbe(app.db, fresh.id)).toBeNull();
  });

  it('is held by one validator at a time; a run-out hold goes to the next, and only the holder answers', async () => {
    const ann = await makeUser(app, 'ann', ['annotator']);
    const [a, b, c] = [await makeUser(app, 'a', ['validator']), await makeUser(app, 'b', ['validator']), await makeUser(app, 'c', ['validator'])];
    const video = await importVideo(app, 'held', 'accepted', 3);
    const expressionId = await addExpression(app, { videoId: video, authorId: ann.id, status: 'accepted', targets: [1] });
    await updateSettings(app.db, { probeShare: 1 }, null);
    const t0 = Date.now();
    const held = await nextProbe(app.db, a.id, { now: t0 });
    expect(held).not.toBeNull();
    expect(held!.expiresAt).toBe(t0 + LEASE_MS);
    expect(await nextProbe(app.db, b.id, { now: t0 + 1000 })).toBeNull();
    // Run out: b takes it over; a's late answer is refused in the words used for a probe that does not exist.
    const taken = await nextProbe(app.db, b.id, { now: t0 + LEASE_MS + 1 });
    expect(taken!.probeId).toBe(held!.probeId);
    const refusal = 'this probe is not assigned to you (or your time ran out and it was handed to someone else); please take the next one';
    await expect(answerProbe(app.db, a.id, held!.probeId, { kind: 'targets', targets: [1] })).rejects.toMatchObject({ code: 'CONFLICT', message: refusal });
    await expect(answerProbe(app.db, a.id, 999_999, { kind: 'targets', targets: [1] })).rejects.toMatchObject({ code: 'CONFLICT', message: refusal });
    // a does not get it back (a frame of it was shown to them).
    expect(await nextProbe(app.db, a.id, { now: t0 + LEASE_MS + 2 })).toBeNull();
    // b lets go; c gets it; b never again.
    expect(await releaseProbe(app.db, b.id)).toEqual({ released: true });
    expect(await releaseProbe(app.db, b.id)).toEqual({ released: false });
    expect(await nextProbe(app.db, b.id)).toBeNull();
    const third = await nextProbe(app.db, c.id);
    expect(third!.probeId).toBe(held!.probeId);
    // One held probe per validator, whatever happens: the index says so too.
    const holders = await app.db.select({ n: count() }).from(probes).where(eq(probes.holderId, c.id));
    expect(holders[0]!.n).toBe(1);
    expect((await probeOf(app, held!.probeId)).expressionId).toBe(expressionId);
    const audits = (await app.db.select({ action: auditLog.action, actor: auditLog.actorId }).from(auditLog).where(eq(auditLog.entity, 'probe')).orderBy(asc(auditLog.id))).map((r) => `${r.action}:${r.actor}`);
    expect(audits).toEqual([`probe.hold:${a.id}`, `probe.hold:${b.id}`, `probe.release:${b.id}`, `probe.hold:${c.id}`]);
  });

  it.runIf(DIALECT === 'postgres')('a hand-out that loses its probe to another validator meanwhile runs again instead of failing', async () => {
    const ann = await makeUser(app, 'ann', ['annotator']);
    const [a, b] = [await makeUser(app, 'a', ['validator']), await makeUser(app, 'b', ['validator'])];
    const video = await importVideo(app, 'raced', 'accepted', 3);
    await addExpression(app, { videoId: video, authorId: ann.id, status: 'accepted', targets: [1] });
    await updateSettings(app.db, { probeShare: 1 }, null);
    const now = Date.now();
    await makeProbes(app.db, 1, now);
    const [probe] = await app.db.select().from(probes);
    let asked: Promise<unknown> | undefined;
    await app.db.transaction(async (tx) => {
      await lockRow(tx, 'probes', probe!.id);
      asked = nextProbe(app.db, a.id, { now });
      asked.catch(() => {});
      // Until a's hand-out waits for this transaction's lock on the probe.
      await untilSomeoneWaitsForALock(app.db);
      await tx.update(probes).set({ holderId: b.id, leaseExpiresAt: now + LEASE_MS }).where(eq(probes.id, probe!.id));
    });
    // a's hand-out lost (its update found the probe taken) and ran again: nothing else to hold.
    expect(await asked).toBeNull();
    expect(await probeOf(app, probe!.id)).toMatchObject({ holderId: b.id });
  });

  it('takes only objects shown on the frame, computes the match, and keeps the answer out of the protocol', async () => {
    const ann = await makeUser(app, 'ann', ['annotator']);
    const admin = await makeUser(app, 'boss', ['admin']);
    const v1 = await makeUser(app, 'v1', ['validator']);
    const v2 = await makeUser(app, 'v2', ['validator']);
    const videos = [await importVideo(app, 'first', 'accepted', 4), await importVideo(app, 'second', 'accepted', 4)];
    for (const videoId of videos) await addExpression(app, { videoId, authorId: ann.id, status: 'accepted', targets: [1, 3] });
    await updateSettings(app.db, { probeShare: 1 }, null);
    const p1 = (await nextProbe(app.db, v1.id))!;
    const p2 = (await nextProbe(app.db, v2.id))!;
    const video1 = await videoOfProbe(app, p1.probeId);
    const { frameIdx } = await probeOf(app, p1.probeId);

    // An object the video does not have, or one missing from this frame, or one an admin excluded: refused, nothing stored.
    await expect(answerProbe(app.db, v1.id, p1.probeId, { kind: 'targets', targets: [9] })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/#9 is not on this frame/) });
    const gone = await objectId(app, video1, 4);
    await app.db.transaction((tx) => tx.delete(masks).where(and(eq(masks.objectId, gone), eq(masks.frameIdx, frameIdx))));
    await expect(answerProbe(app.db, v1.id, p1.probeId, { kind: 'targets', targets: [1, 4] })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/#4 is not on this frame/) });
    await excludeObject(app.db, await objectId(app, video1, 2), 'a bystander', admin.id);
    await expect(answerProbe(app.db, v1.id, p1.probeId, { kind: 'targets', targets: [2] })).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/#2 is not on this frame/) });
    expect((await probeOf(app, p1.probeId)).answeredAt).toBeNull();
    // The view a new request gets leaves them out too.
    expect((await nextProbe(app.db, v1.id))!.objects.map((o) => o.localId)).toEqual([1, 3]);

    const before = { validations: (await app.db.select({ n: count() }).from(validations))[0]!.n, stats: await validatorStats(app.db), quality: await qualityReport(app.db, QualityQuery.parse({})) };
    const truth = await targetsOfProbe(app, p1.probeId);
    expect(truth).toEqual([1, 3]);
    // Order and repeats do not matter: the same set matches.
    expect(await callerFor(app, v1).probe.answer({ probeId: p1.probeId, answer: { kind: 'targets', targets: [3, 1, 3] } })).toEqual({ saved: true, alreadyAnswered: false });
    expect(await callerFor(app, v1).probe.answer({ probeId: p1.probeId, answer: { kind: 'targets', targets: [3, 1] } })).toEqual({ saved: true, alreadyAnswered: true });
    await answerProbe(app.db, v2.id, p2.probeId, { kind: 'targets', targets: [1] });
    const [r1, r2] = [await probeOf(app, p1.probeId), await probeOf(app, p2.probeId)];
    expect([r1.matched, r1.answer, r1.targets, r1.answeredBy, r1.holderId]).toEqual([true, 'targets', '[1,3]', v1.id, null]);
    expect([r2.matched, r2.targets]).toEqual([false, '[1]']);
    expect(r1.durationMs).toBeGreaterThanOrEqual(0);
    // Never a protocol answer: no validation row, the same scores and agreement.
    expect((await app.db.select({ n: count() }).from(validations))[0]!.n).toBe(before.validations);
    expect(await validatorStats(app.db)).toEqual(before.stats);
    const after = await qualityReport(app.db, QualityQuery.parse({}));
    expect(after.overall).toEqual(before.quality.overall);
    expect(after.people).toEqual(before.quality.people);
    expect((await callerFor(app, v1).validate.overview()).answered).toBe(0);
  });

  it('lets the admin keep or reject a flagged expression (V1), audited; and a release states the rate of probes answered before it', async () => {
    const ann = await makeUser(app, 'ann', ['annotator']);
    const admin = await makeUser(app, 'boss', ['admin']);
    const vals = [await makeUser(app, 'v1', ['validator']), await makeUser(app, 'v2', ['validator']), await makeUser(app, 'v3', ['validator']), await makeUser(app, 'v4', ['validator'])];
    const videoIds = [];
    for (const name of ['aa', 'bb', 'cc', 'dd']) videoIds.push(await importVideo(app, name, 'accepted', 3));
    for (const videoId of videoIds) await addExpression(app, { videoId, authorId: ann.id, status: 'accepted', targets: [2] });
    await updateSettings(app.db, { probeShare: 1 }, null);
    const t0 = Date.now() - 60_000;
    const got = [];
    for (const [i, v] of vals.entries()) got.push((await nextProbe(app.db, v.id, { now: t0 + i }))!);
    // v1 and v2 find the target from one frame; v3 does not.
    await answerProbe(app.db, vals[0]!.id, got[0]!.probeId, { kind: 'targets', targets: [2] }, t0 + 10);
    await answerProbe(app.db, vals[1]!.id, got[1]!.probeId, { kind: 'targets', targets: [2] }, t0 + 11);
    await answerProbe(app.db, vals[2]!.id, got[2]!.probeId, { kind: 'no_target' }, t0 + 12);

    const boss = callerFor(app, admin);
    const flagged = await boss.admin.probes.list({ state: 'flagged' });
    expect(flagged.total).toBe(2);
    expect(flagged.probes.map((p) => [p.answerTargets, p.annotatorTargets, p.matched, p.decision])).toEqual([
      [[2], [2], true, null],
      [[2], [2], true, null],
    ]);
    expect(flagged.probes.every((p) => p.masks.tracks.length > 0 && p.masks.tracks.every((t) => t.counts.length === 1))).toBe(true);
    expect(await boss.admin.probes.stats()).toMatchObject({ share: 1, created: 4, open: 1, held: 1, answered: 3, identifiable: 2, rate: 0.667, awaitingDecision: 2 });

    const [keep, reject] = [got[0]!.probeId, got[1]!.probeId];
    // The one the prober missed waits for nothing.
    await expect(boss.admin.probes.decide({ probeId: got[2]!.probeId, decision: 'reject' })).rejects.toMatchObject({ code: 'CONFLICT' });
    expect(await boss.admin.probes.decide({ probeId: keep, decision: 'keep' })).toMatchObject({ expressionStatus: 'accepted', alreadyDecided: false });
    const rejected = await boss.admin.probes.decide({ probeId: reject, decision: 'reject' });
    expect(rejected).toMatchObject({ expressionStatus: 'rejected', alreadyDecided: false });
    expect(await boss.admin.probes.decide({ probeId: reject, decision: 'reject' })).toMatchObject({ alreadyDecided: true });
    await expect(boss.admin.probes.decide({ probeId: keep, decision: 'reject' })).rejects.toMatchObject({ code: 'CONFLICT', message: expect.stringMatching(/decided already/) });
    const exprOf = async (probeId: number) => (await app.db.select().from(expressions).where(eq(expressions.id, (await probeOf(app, probeId)).expressionId)))[0]!;
    expect([(await exprOf(keep)).status, (await exprOf(keep)).rejectReason]).toEqual(['accepted', null]);
    expect([(await exprOf(reject)).status, (await exprOf(reject)).rejectReason]).toEqual(['rejected', 'single_frame']);
    const detail = await boss.admin.expressions.get({ expressionId: (await exprOf(reject)).id });
    expect(detail).toMatchObject({ status: 'rejected', rejectReason: 'single_frame' });
    const logged = await app.db.select({ action: auditLog.action, entity: auditLog.entity, data: auditLog.data }).from(auditLog).where(eq(auditLog.actorId, admin.id)).orderBy(asc(auditLog.id));
    expect(logged.map((l) => `${l.entity}:${l.action}`)).toEqual(['probe:probe.decide', 'expression:expression.status', 'probe:probe.decide']);
    expect(JSON.parse(logged[1]!.data!)).toMatchObject({ from: 'accepted', to: 'rejected', reason: 'single_frame' });
    expect((await boss.admin.probes.list({ state: 'flagged' })).total).toBe(0);
    expect((await boss.admin.probes.list({ state: 'decided' })).probes.map((p) => p.decision).sort()).toEqual(['keep', 'reject']);

    // The release holds the two still accepted; one was found from one frame, one was not.
    const release = await createRelease(app.db, { proportions: { train: 1, valid_u: 0, valid: 0, test: 0 } }, null);
    expect(await releaseProbeStats(app.db, release.id)).toEqual({ probed: 2, identifiable: 1, rate: 0.5 });
    // A probe answered after the release was made (v4 held one since before) does not count: a re-export writes the same bytes.
    const out = path.join(app.config.dataDir, 'out');
    const first = await writeRelease(app.db, app.store, release, path.join(out, 'a'));
    const stats = JSON.parse(readFileSync(path.join(first.dir, 'stats.json'), 'utf8'));
    expect(stats.probe).toEqual({ probed: 2, identifiable: 1, rate: 0.5 });
    expect(readFileSync(path.join(first.dir, 'README.md'), 'utf8')).toContain('for 1 of 2 probed expressions (50.0 %)');
    await answerProbe(app.db, vals[3]!.id, got[3]!.probeId, { kind: 'targets', targets: [2] }, Date.now() + 1000);
    expect((await probeOf(app, got[3]!.probeId)).matched).toBe(true);
    expect(await releaseProbeStats(app.db, release.id)).toEqual({ probed: 2, identifiable: 1, rate: 0.5 });
    const again = await writeRelease(app.db, app.store, release, path.join(out, 'b'));
    expect(readFileSync(path.join(again.dir, 'stats.json'), 'utf8')).toBe(readFileSync(path.join(first.dir, 'stats.json'), 'utf8'));
    expect(readFileSync(path.join(again.dir, 'README.md'), 'utf8')).toBe(readFileSync(path.join(first.dir, 'README.md'), 'utf8'));
  });
});
