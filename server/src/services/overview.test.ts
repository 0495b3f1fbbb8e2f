import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeUser, testApp, type TestApp } from '../testing/app.ts';
import { addExpression, addRecording, addValidation, importVideo } from '../testing/factories.ts';
import { adminOverview, annotatorOverview, speakerOverview, validatorOverview } from './overview.ts';
import { listVideos } from './videos.ts';
import { updateSettings } from './settings.ts';

describe('role overviews and video lists count what they claim', () => {
  let app: TestApp;
  beforeEach(async () => (app = await testApp()));
  afterEach(async () => app.cleanup());

  it('counts per role from real rows', async () => {
    const ann = await makeUser(app, 'ann', ['annotator']);
    const ann2 = await makeUser(app, 'ann2', ['annotator']);
    const v1 = await makeUser(app, 'v1', ['validator']);
    const sp = await makeUser(app, 'sp', ['speaker']);
    const a = await importVideo(app, 'vid-a', 'accepted', 3);
    const b = await importVideo(app, 'vid-b', 'candidate', 2);
    const e1 = await addExpression(app, { videoId: a, authorId: ann.id });
    await addExpression(app, { videoId: a, authorId: ann.id, status: 'second_round' });
    await addExpression(app, { videoId: a, authorId: ann2.id });
    await addExpression(app, { videoId: a, authorId: v1.id }); // written by the validator: not theirs to validate
    const acc1 = await addExpression(app, { videoId: a, authorId: ann2.id, status: 'accepted' });
    await addExpression(app, { videoId: a, authorId: null, status: 'accepted', targets: [] });
    await addValidation(app, e1, v1.id);
    await addRecording(app, acc1, sp.id);

    expect(await adminOverview(app.db)).toMatchObject({
      videos: { accepted: 1, candidate: 1, excluded: 0 },
      objects: 5,
      expressions: { pending: 3, second_round: 1, accepted: 2, discarded: 0, rejected: 0 },
      recordings: 1,
      users: 4,
    });
    expect(await annotatorOverview(app.db, ann.id)).toEqual({ acceptedVideos: 1, myExpressions: { pending: 1, second_round: 1, accepted: 0, discarded: 0, rejected: 0 }, batches: [] });
    // v1 wrote for vid-a, so by default none of its samples are theirs to validate.
    expect(await validatorOverview(app.db, v1.id)).toEqual({ waitingForMe: 0, answered: 1 });
    await updateSettings(app.db, { validatorSkipsOwnVideos: false }, null);
    // Then: pending/second-round, not their own, not already answered by them.
    expect(await validatorOverview(app.db, v1.id)).toEqual({ waitingForMe: 2, answered: 1 });
    expect(await validatorOverview(app.db, ann.id)).toEqual({ waitingForMe: 2, answered: 0 });
    expect(await speakerOverview(app.db, sp.id)).toEqual({ needAudio: 1, myRecordings: 1 });

    const all = await listVideos(app.db, { limit: 10, offset: 0 }, { onlyAccepted: false });
    expect(all.total).toBe(2);
    expect(all.videos.map((v) => [v.name, v.objectCount, v.expressionCount])).toEqual([
      ['vid-a', 3, 6],
      ['vid-b', 2, 0],
    ]);
    const curated = await listVideos(app.db, { limit: 10, offset: 0 }, { onlyAccepted: true });
    expect(curated.videos.map((v) => v.id)).toEqual([a]);
    expect((await listVideos(app.db, { limit: 1, offset: 1 }, { onlyAccepted: false })).videos.map((v) => v.id)).toEqual([b]);
  });
});
