import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { CurationQuery } from '#shared/schemas/curation.ts';
import { leases, videoCuration, videos } from '../db/schema/index.ts';
import { callerFor, makeUser, testApp, type TestApp } from '../testing/app.ts';
import { addExpression, importVideo } from '../testing/factories.ts';
import { nextVideoFor } from './assignment.ts';
import { listAudit } from './audit-log.ts';
import { audit } from './audit.ts';
import { listCuration, setVideoStatus } from './curation-admin.ts';
import { setUserDisabled } from './users.ts';

type User = Awaited<ReturnType<typeof makeUser>>;

describe('curation table, video status, audit log, disabling users', () => {
  let app: TestApp;
  let admin: User;
  const ids: Record<string, number> = {};
  const q = async (input: Partial<CurationQuery> = {}) => await listCuration(app.db, CurationQuery.parse(input));

  beforeAll(async () => {
    app = await testApp();
    admin = await makeUser(app, 'boss', ['admin']);
    for (const name of ['alpha', 'bravo', 'charlie', 'delta']) ids[name] = await importVideo(app, name, 'candidate', 3);
    // Stored scores, as the scorer would leave them (its own tests check the scores themselves).
    const scores: Record<string, [number, number, number]> = { alpha: [5, 3, 2], bravo: [2, 2, 0], charlie: [4, 1, 1], delta: [3, 2, 0] };
    await app.db.transaction(async (tx) => {
      for (const [name, [objects, moving, pairs]] of Object.entries(scores)) {
        await tx.delete(videoCuration).where(eq(videoCuration.videoId, ids[name]!));
        await tx
          .insert(videoCuration)
          .values({ videoId: ids[name]!, objectCount: objects, movingCount: moving, lookalikePairs: pairs, lookalikeDetail: JSON.stringify(pairs ? [{ a: 1, b: 2, distance: 0.1 }] : []), durationSec: 1, scorer: 1, computedAt: 0 });
      }
    });
  });
  afterAll(async () => app.close());

  it('suggests by the rules and says why not, sorts, filters and pages', async () => {
    const all = (await q());
    expect(all.total).toBe(4);
    const byName = Object.fromEntries(all.rows.map((r) => [r.name, r]));
    expect(byName.alpha).toMatchObject({ suggested: true, reasons: [], objectCount: 5, lookalikePairs: 2 });
    expect(byName.delta!.reasons).toEqual(['no look-alike pair']);
    expect(byName.bravo!.reasons).toEqual(['2 objects, fewer than 3', 'no look-alike pair']);
    expect(byName.charlie!.reasons).toEqual(['1 moving object, fewer than 2']);
    expect(byName.delta!.suggested).toBe(true);
    expect((await q({ sort: 'objects', dir: 'desc' })).rows.map((r) => r.name)).toEqual(['alpha', 'charlie', 'delta', 'bravo']);
    expect((await q({ suggested: true })).rows.map((r) => r.name)).toEqual(['alpha', 'delta']);
    expect((await q({ suggested: false, sort: 'moving', dir: 'asc' })).rows.map((r) => r.name)).toEqual(['charlie', 'bravo']);
    expect((await q({ search: 'har' })).rows.map((r) => r.name)).toEqual(['charlie']);
    expect((await q({ search: '%' })).total).toBe(0);
    const page2 = (await q({ limit: 3, offset: 3 }));
    expect([page2.total, page2.rows.length]).toEqual([4, 1]);
  });

  it('follows changed thresholds at once', async () => {
    await callerFor(app, admin).admin.settings.update({ curationMinObjects: 2, curationMinMoving: 1 });
    expect((await q({ suggested: false })).total).toBe(0);
    await callerFor(app, admin).admin.settings.update({ curationMinObjects: 3, curationMinMoving: 2 });
  });

  it('accepts and excludes in bulk, audited; annotators only ever get accepted videos', async () => {
    const annotator = await makeUser(app, 'ann', ['annotator']);
    expect(await nextVideoFor(app.db, annotator.id)).toBeNull();
    expect(await setVideoStatus(app.db, [ids.alpha!, ids.delta!, ids.alpha!], 'accepted', admin.id)).toEqual({ changed: 2 });
    expect(await setVideoStatus(app.db, [ids.alpha!], 'accepted', admin.id)).toEqual({ changed: 0 });
    await expect(setVideoStatus(app.db, [ids.alpha!, 999_999], 'excluded', admin.id)).rejects.toThrow(/unknown video id\(s\): 999999/);
    expect((await app.db.select().from(videos).where(eq(videos.id, ids.alpha!)))[0]!.status).toBe('accepted');
    await setVideoStatus(app.db, [ids.delta!], 'excluded', admin.id);
    for (let i = 0; i < 20; i++) expect(await nextVideoFor(app.db, annotator.id)).toBe(ids.alpha);
    const log = await listAudit(app.db, { action: 'video.status', limit: 10 });
    expect(log.entries.map((e) => [e.actor, e.entityId, JSON.parse(e.data!).to])).toEqual([
      ['boss', String(ids.delta), 'excluded'],
      ['boss', String(ids.delta), 'accepted'],
      ['boss', String(ids.alpha), 'accepted'],
    ]);
    // Keyset paging walks the whole log without repeats.
    const seen = new Set<number>();
    for (let before: number | undefined, guard = 0; guard < 100; guard++) {
      const page = await listAudit(app.db, { before, limit: 4 });
      for (const e of page.entries) {
        expect(seen.has(e.id)).toBe(false);
        seen.add(e.id);
      }
      if (page.nextBefore === null) break;
      before = page.nextBefore;
    }
    expect(seen.size).toBe((await listAudit(app.db, { limit: 200 })).entries.length);
    expect((await listAudit(app.db, { actor: 'nobody', limit: 10 })).entries).toEqual([]);
  });

  it('disabling a validator releases their lease at once; their answers stay', async () => {
    const writer = await makeUser(app, 'writer', ['annotator']);
    const validator = await makeUser(app, 'val', ['validator']);
    await addExpression(app, { videoId: ids.alpha!, authorId: writer.id, status: 'pending', targets: [1], text: 'the object moving right' });
    const sample = await callerFor(app, validator).validate.next();
    expect(sample).not.toBeNull();
    expect((await app.db.select().from(leases).where(eq(leases.validatorId, validator.id)))).toHaveLength(1);
    await setUserDisabled(app.db, validator.id, true, admin.id);
    expect((await app.db.select().from(leases).where(eq(leases.validatorId, validator.id)))).toHaveLength(0);
    expect(JSON.parse((await listAudit(app.db, { action: 'user.disable', limit: 1 })).entries[0]!.data!)).toEqual({ leasesReleased: 1 });
    // Someone else can take the sample now.
    const other = await makeUser(app, 'val2', ['validator']);
    expect((await callerFor(app, other).validate.next())?.expressionId).toBe(sample!.expressionId);
  });
});

describe('searching with %, _ and \\ finds exactly what was typed', () => {
  let app: TestApp;
  // Each name with a special character has a twin the character would match as a wildcard.
  const NAMES = ['cat_1', 'catx1', 'dog%2', 'dogxx2', 'back\\slash', 'backslash'];
  const ACTIONS = ['snap_shot', 'snapxshot', 'pct%done', 'pctxxdone', 'back\\slash', 'backslash'];

  beforeAll(async () => {
    app = await testApp();
    // Straight rows: the importer's name rule admits "_" but not "%" or "\"; search must not care.
    for (const [i, name] of NAMES.entries()) {
      await app.db.transaction(async (tx) => { await tx.insert(videos).values({ name, source: i % 2 ? 'mevis' : 'demo', status: 'candidate', width: 8, height: 8, frameCount: 2, fps: 6, contentHash: `hash-${i}`, createdAt: 0 }); });
    }
    await app.db.transaction(async (tx) => {
      for (const action of ACTIONS) await audit(tx, { actorId: null, action, entity: 'test', entityId: action });
    });
  });
  afterAll(async () => app.close());

  it('in the curation table (a substring)', async () => {
    const names = async (search: string) => (await listCuration(app.db, CurationQuery.parse({ search }))).rows.map((r) => r.name);
    expect(await names('_')).toEqual(['cat_1']);
    expect(await names('t_1')).toEqual(['cat_1']);
    expect(await names('%')).toEqual(['dog%2']);
    expect(await names('g%2')).toEqual(['dog%2']);
    expect(await names('\\')).toEqual(['back\\slash']);
    expect(await names('k\\s')).toEqual(['back\\slash']);
    expect(await names('cat')).toEqual(['cat_1', 'catx1']);
  });

  it('in the audit log (a prefix of the action)', async () => {
    const actions = async (action: string) => (await listAudit(app.db, { action, limit: 50 })).entries.map((e) => e.action);
    expect(await actions('snap_')).toEqual(['snap_shot']);
    expect(await actions('pct%')).toEqual(['pct%done']);
    expect(await actions('back\\')).toEqual(['back\\slash']);
    expect(await actions('_')).toEqual([]);
    expect((await actions('snap')).sort()).toEqual(['snap_shot', 'snapxshot']);
  });

  it('marks the demo videos in the table', async () => {
    const rows = (await listCuration(app.db, CurationQuery.parse({ search: 'cat' }))).rows;
    expect(rows.map((r) => [r.name, r.source])).toEqual([
      ['cat_1', 'demo'],
      ['catx1', 'mevis'],
    ]);
  });
});
