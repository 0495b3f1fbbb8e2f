import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TRPCError } from '@trpc/server';
import type { AnswerInput } from '#shared/schemas/validate.ts';
import { callerFor, makeUser, testApp, type TestApp } from '../testing/app.ts';
import { addExpression, importVideo } from '../testing/factories.ts';
import { updateSettings } from './settings.ts';

describe('an expression with its targets and every answer, for the admin', () => {
  let app: TestApp;
  beforeEach(async () => (app = await testApp()));
  afterEach(async () => app.cleanup());

  it('shows targets and each answer (validator, picks, verdict, note, time) in order', async () => {
    const admin = await makeUser(app, 'boss', ['admin']);
    const ann = await makeUser(app, 'ann', ['annotator']);
    const v1 = await makeUser(app, 'v1', ['validator']);
    const v2 = await makeUser(app, 'v2', ['validator']);
    const video = await importVideo(app, 'detail-video', 'accepted', 3);
    const id = await addExpression(app, { videoId: video, authorId: ann.id, targets: [1, 2], text: 'the two objects racing apart', motionFrames: { start: 1, end: 3 } });
    // Two validators answer through the real protocol: one picks differently, one rejects.
    const answers: [typeof v1, AnswerInput][] = [
      [v1, { kind: 'targets', targets: [2] }],
      [v2, { kind: 'reject', reason: 'ambiguous', note: 'which two?' }],
    ];
    for (const [v, answer] of answers) {
      const s = await callerFor(app, v).validate.next();
      expect(s?.expressionId).toBe(id);
      await callerFor(app, v).validate.answer({ expressionId: id, answer });
    }
    const d = await callerFor(app, admin).admin.expressions.get({ expressionId: id });
    expect(d).toMatchObject({
      id,
      videoId: video,
      videoName: 'detail-video',
      videoStatus: 'accepted',
      text: 'the two objects racing apart',
      kind: 'multi',
      author: 'ann',
      motionFrames: { start: 1, end: 3 },
      targets: [1, 2],
      answerCount: 2,
      hiddenBecause: null,
    });
    expect(d.answers!.map((a) => [a.validator, a.round, a.answer, a.picks, a.agrees, a.rejectReason, a.note])).toEqual([
      ['v1', 1, 'targets', [2], false, null, null],
      ['v2', 2, 'reject', null, false, 'ambiguous', 'which two?'],
    ]);
    expect(d.answers![0]!.durationMs).toBeGreaterThanOrEqual(0);
    expect(d.answers![0]!.createdAt).toBeGreaterThan(0);
  });

  it('an admin who also validates does not see an undecided sample\'s answer until they gave theirs', async () => {
    await updateSettings(app.db, { validatorSkipsOwnVideos: false }, null);
    const both = await makeUser(app, 'both', ['admin', 'validator']);
    const ann = await makeUser(app, 'ann', ['annotator']);
    const v1 = await makeUser(app, 'v1', ['validator']);
    const video = await importVideo(app, 'blind-video', 'accepted', 2);
    const id = await addExpression(app, { videoId: video, authorId: ann.id, targets: [1] });
    await callerFor(app, v1).validate.next();
    await callerFor(app, v1).validate.answer({ expressionId: id, answer: { kind: 'targets', targets: [2] } });
    const hidden = await callerFor(app, both).admin.expressions.get({ expressionId: id });
    expect(hidden).toMatchObject({ status: 'second_round', targets: null, answers: null, answerCount: 1 });
    expect(hidden.hiddenBecause).toMatch(/you also validate/);
    // Once they answered, they see it all (the sample is decided now anyway).
    await callerFor(app, both).validate.next();
    await callerFor(app, both).validate.answer({ expressionId: id, answer: { kind: 'targets', targets: [1] } });
    const shown = await callerFor(app, both).admin.expressions.get({ expressionId: id });
    expect(shown).toMatchObject({ status: 'accepted', targets: [1], hiddenBecause: null });
    expect(shown.answers!.map((a) => [a.validator, a.picks, a.agrees])).toEqual([
      ['v1', [2], false],
      ['both', [1], true],
    ]);
  });

  it('refuses non-admins and unknown ids alike', async () => {
    const ann = await makeUser(app, 'ann', ['annotator']);
    const admin = await makeUser(app, 'boss', ['admin']);
    const video = await importVideo(app, 'other-video', 'candidate', 2);
    const id = await addExpression(app, { videoId: video, authorId: ann.id });
    await expect(callerFor(app, ann).admin.expressions.get({ expressionId: id })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const err = await callerFor(app, admin).admin.expressions.get({ expressionId: 987_654 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TRPCError);
    expect(err).toMatchObject({ code: 'NOT_FOUND', message: 'expression 987654 not found' });
  });
});
