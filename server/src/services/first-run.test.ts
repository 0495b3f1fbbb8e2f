import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeUser, callerFor, testApp, type TestApp } from '../testing/app.ts';
import { addExpression, addValidation, importVideo } from '../testing/factories.ts';
import { releases } from '../db/schema/index.ts';
import { projectFacts } from './first-run.ts';

describe('the first-run checklist counts the project', () => {
  let app: TestApp;
  beforeEach(async () => (app = await testApp()));
  afterEach(async () => app.cleanup());

  it('ticks each step from real rows, on both engines', async () => {
    const admin = await makeUser(app, 'boss', ['admin']);
    const api = callerFor(app, admin).admin;
    const ticks = async () => Object.fromEntries((await api.checklist()).steps.map((s) => [s.id, s.done]));
    expect(await ticks()).toEqual({ import: false, curate: false, invite: false, watch: false, export: false });

    const candidate = await importVideo(app, 'first-candidate', 'candidate', 2);
    expect(await ticks()).toMatchObject({ import: true, curate: false });
    const accepted = await importVideo(app, 'first-accepted', 'accepted', 2);
    expect(await ticks()).toMatchObject({ import: true, curate: true });
    expect(candidate).not.toBe(accepted);

    // A second admin is not "people"; a disabled annotator neither; an enabled one is.
    await makeUser(app, 'boss2', ['admin']);
    expect(await ticks()).toMatchObject({ invite: false });
    const ann = await makeUser(app, 'ann', ['annotator', 'admin']);
    expect(await ticks()).toMatchObject({ invite: true });

    // Imported expressions are not work done here; an annotator's is.
    await addExpression(app, { videoId: accepted, authorId: null, status: 'accepted' });
    expect(await ticks()).toMatchObject({ watch: false });
    const e = await addExpression(app, { videoId: accepted, authorId: ann.id });
    expect(await ticks()).toMatchObject({ watch: true });
    const val = await makeUser(app, 'val', ['validator']);
    await addValidation(app, e, val.id);

    await app.db.transaction((tx) => tx.insert(releases).values({ version: 'v1', seed: 1, params: '{}', createdAt: Date.now() }));
    const list = await api.checklist();
    expect(list.doneCount).toBe(5);
    expect(list.next).toBeNull();
    expect(await projectFacts(app.db)).toEqual({ videos: 2, acceptedVideos: 1, demoVideos: 0, people: 2, annotatedExpressions: 1, validations: 1, releases: 1 });
  });
});
