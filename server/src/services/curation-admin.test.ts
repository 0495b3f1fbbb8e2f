import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { CurationQuery } from '#shared/schemas/curation.ts';
import { leases, videoCuration, videos } from '../db/schema/index.ts';
import { callerFor, makeUser, testApp, type TestApp } from '../testing/app.ts';
import { addExpression, importVideo } from '../testing/factories.ts';
import { nextVideoFor } from './assignment.ts';
import { listAudit } from './audit-log.ts';
import { listCuration, setVideoStatus } from './curation-admin.ts';
import { setUserDisabled } from './users.ts';

type User = Awaited<ReturnType<typeof makeUser>>;

describe('curation table, video status, audit log, disabling users', () => {
  let app: TestApp;
  let admin: User;
  const ids: Record<string, number> = {};
  const q = (input: Partial<CurationQuery> = {}) => listCuration(app.db, CurationQuery.parse(input));

  beforeAll(async () => {
    app = testApp();
    admin = await makeUser(app, 'boss', ['admin']);
    for (const name of ['alpha', 'bravo', 'charlie', 'delta']) ids[name] = await importVideo(app, name, 'candidate', 3);
    // Stored scores, as the scorer would leave them (its own tests check the scores themselves).
    const scores: Record<string, [number, number, number]> = { alpha: [5, 3, 2], bravo: [2, 2, 0], charlie: [4, 1, 1], delta: [3, 2, 0] };
    for (const [name, [objects, moving, pairs]] of Object.entries(scores)) {
      app.db.delete(videoCuration).where(eq(videoCuration.videoId, ids[name]!)).run();
      app.db
        .insert(videoCuration)
        .values({ videoId: ids[name]!, objectCount: objects, movingCount: moving, lookalikePairs: pairs, lookalikeDetail: JSON.stringify(pairs ? [{ a: 1, b: 2, distance: 0.1 }] : []), durationSec: 1, scorer: 1, computedAt: 0 })
        .run();
    }
  });
  afterAll(() => app.close());

  it('suggests by the rules and says why not, sorts, filters and pages', () => {
    const all = q();
    expect(all.total).toBe(4);
    const byName = Object.fromEntries(all.rows.map((r) => [r.name, r]));
    expect(byName.alpha).toMatchObject({ suggested: true, reasons: [], objectCount: 5, lookalikePairs: 2 });
    expect(byName.delta!.reasons).toEqual(['no look-alike pair']);
    expect(byName.bravo!.reasons).toEqual(['2 objects, fewer than 3', 'no look-alike pair']);
    expect(byName.charlie!.reasons).toEqual(['1 moving object, fewer than 2']);
    expect(byName.delta!.suggested).toBe(true);
    expect(q({ sort: 'objects', dir: 'desc' }).rows.map((r) => r.name)).toEqual(['alpha', 'charlie', 'delta', 'bravo']);
    expect(q({ suggested: true }).rows.map((r) => r.name)).toEqual(['alpha', 'delta']);
    expect(q({ suggested: false, sort: 'moving', dir: 'asc' }).rows.map((r) => r.name)).toEqual(['charlie', 'bravo']);
    expect(q({ search: 'har' }).rows.map((r) => r.name)).toEqual(['charlie']);
    expect(q({ search: '%' }).total).toBe(0);
    const page2 = q({ limit: 3, offset: 3 });
    expect([page2.total, page2.rows.length]).toEqual([4, 1]);
  });

  it('follows changed thresholds at once', async () => {
    await callerFor(app, admin).admin.settings.update({ curationMinObjects: 2, curationMinMoving: 1 });
    expect(q({ suggested: false }).total).toBe(0);
    await callerFor(app, admin).admin.settings.update({ curationMinObjects: 3, curationMinMoving: 2 });
  });

  it('accepts and excludes in bulk, audited; annotators only ever get accepted videos', async () => {
    const annotator = await makeUser(app, 'ann', ['annotator']);
    expect(nextVideoFor(app.db, annotator.id)).toBeNull();
    expect(setVideoStatus(app.db, [ids.alpha!, ids.delta!, ids.alpha!], 'accepted', admin.id)).toEqual({ changed: 2 });
    expect(setVideoStatus(app.db, [ids.alpha!], 'accepted', admin.id)).toEqual({ changed: 0 });
    expect(() => setVideoStatus(app.db, [ids.alpha!, 999_999], 'excluded', admin.id)).toThrow(/unknown video id\(s\): 999999/);
    expect(app.db.select().from(videos).where(eq(videos.id, ids.alpha!)).get()!.status).toBe('accepted');
    setVideoStatus(app.db, [ids.delta!], 'excluded', admin.id);
    for (let i = 0; i < 20; i++) expect(nextVideoFor(app.db, annotator.id)).toBe(ids.alpha);
    const log = listAudit(app.db, { action: 'video.status', limit: 10 });
    expect(log.entries.map((e) => [e.actor, e.entityId, JSON.parse(e.data!).to])).toEqual([
      ['boss', String(ids.delta), 'excluded'],
      ['boss', String(ids.delta), 'accepted'],
      ['boss', String(ids.alpha), 'accepted'],
    ]);
    // Keyset paging walks the whole log without repeats.
    const seen = new Set<number>();
    for (let before: number | undefined, guard = 0; guard < 100; guard++) {
      const page = listAudit(app.db, { before, limit: 4 });
      for (const e of page.entries) expect(seen.has(e.id)).toBe(false), seen.add(e.id);
      if (page.nextBefore === null) break;
      before = page.nextBefore;
    }
    expect(seen.size).toBe(listAudit(app.db, { limit: 200 }).entries.length);
    expect(listAudit(app.db, { actor: 'nobody', limit: 10 }).entries).toEqual([]);
  });

  it('disabling a validator releases their lease at once; their answers stay', async () => {
    const writer = await makeUser(app, 'writer', ['annotator']);
    const validator = await makeUser(app, 'val', ['validator']);
    addExpression(app, { videoId: ids.alpha!, authorId: writer.id, status: 'pending', targets: [1], text: 'the object moving right' });
    const sample = await callerFor(app, validator).validate.next();
    expect(sample).not.toBeNull();
    expect(app.db.select().from(leases).where(eq(leases.validatorId, validator.id)).all()).toHaveLength(1);
    setUserDisabled(app.db, validator.id, true, admin.id);
    expect(app.db.select().from(leases).where(eq(leases.validatorId, validator.id)).all()).toHaveLength(0);
    expect(JSON.parse(listAudit(app.db, { action: 'user.disable', limit: 1 }).entries[0]!.data!)).toEqual({ leasesReleased: 1 });
    // Someone else can take the sample now.
    const other = await makeUser(app, 'val2', ['validator']);
    expect((await callerFor(app, other).validate.next())?.expressionId).toBe(sample!.expressionId);
  });
});
