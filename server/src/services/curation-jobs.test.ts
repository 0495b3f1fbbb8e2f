import { and, eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { jobs, videoCuration } from '../db/schema/index.ts';
import { getJob, waitForJob } from '../jobs/records.ts';
import { testApp, type TestApp } from '../testing/app.ts';
import { importVideo } from '../testing/factories.ts';
import { curationRows, videosToScore } from './curation.ts';
import { updateSettingsFromAdmin } from './settings-admin.ts';
import { createUser } from './users.ts';

const curationJobs = (app: TestApp) => app.db.select().from(jobs).where(eq(jobs.kind, 'curation'));

describe('curation scoring runs as background jobs', () => {
  let app: TestApp | undefined;
  afterEach(async () => {
    await app?.cleanup();
    app = undefined;
  });

  it('an import queues the scoring of its videos; the job scores them', async () => {
    app = await testApp();
    const id = await importVideo(app, 'queued-after-import', 'candidate', 3);
    const [job] = await curationJobs(app);
    expect(job).toMatchObject({ key: expect.stringMatching(/^import:\d+$/) });
    const done = await waitForJob(app.db, job!.id);
    expect(done.result).toEqual({ scored: 1, failed: 0 });
    expect((await curationRows(app.db, [id])).get(id)).toMatchObject({ objectCount: 3 });
  });

  it('backfills asked for together (instances starting at once) are one job; a later one finds nothing left', async () => {
    app = await testApp();
    const a = await importVideo(app, 'first', 'candidate');
    const b = await importVideo(app, 'second', 'candidate');
    for (const j of await curationJobs(app)) await waitForJob(app.db, j.id);
    // As if scores were lost (or written by an older scorer): the backfill's work.
    await app.db.transaction(async (tx) => {
      await tx.delete(videoCuration).where(eq(videoCuration.videoId, b));
    });
    expect(await videosToScore(app.db)).toEqual([b]);
    const [one, two] = await Promise.all([app.curation.backfill(), app.curation.backfill()]);
    expect(two).toBe(one);
    expect((await waitForJob(app.db, one)).result).toEqual({ scored: 1, failed: 0 });
    expect(await videosToScore(app.db)).toEqual([]);
    expect([...(await curationRows(app.db, [a, b])).keys()].sort()).toEqual([a, b].sort());
    const later = await app.curation.backfill();
    expect(later).not.toBe(one);
    expect((await waitForJob(app.db, later)).result).toEqual({ scored: 0, failed: 0 });
  });

  it('a changed look-alike distance queues a rescore of every video; an unchanged one queues nothing', async () => {
    app = await testApp();
    const admin = await createUser(app.db, { username: 'admin', roles: ['admin'], password: 'a long enough password' }, null);
    const ids = [await importVideo(app, 'one', 'candidate'), await importVideo(app, 'two', 'accepted')];
    for (const j of await curationJobs(app)) await waitForJob(app.db, j.id);
    const before = await curationRows(app.db, ids);

    await updateSettingsFromAdmin(app, { lookalikeMaxDistance: 0.31 }, admin.id);
    const [rescore] = await app.db
      .select()
      .from(jobs)
      .where(and(eq(jobs.kind, 'curation'), eq(jobs.actorId, admin.id)));
    expect((await getJob(app.db, rescore!.id))?.payload).toEqual({ all: true });
    expect((await waitForJob(app.db, rescore!.id)).result).toEqual({ scored: 2, failed: 0 });
    const after = await curationRows(app.db, ids);
    for (const id of ids) expect(after.get(id)!.computedAt).toBeGreaterThanOrEqual(before.get(id)!.computedAt);

    const count = (await curationJobs(app)).length;
    await updateSettingsFromAdmin(app, { lookalikeMaxDistance: 0.31 }, admin.id);
    expect((await curationJobs(app)).length).toBe(count);
    expect((await getJob(app.db, rescore!.id))?.state).toBe('finished');
  });
});
