import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { eq, inArray, sql, type SQL } from 'drizzle-orm';
import pino from 'pino';
import { openApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { DIALECT } from '../db/dialect.ts';
import { frames, videos } from '../db/schema/index.ts';
import { LockBusyError } from '../locks.ts';
import { callerFor, makeUser, testApp, type TestApp } from '../testing/app.ts';
import { writeDavisVideo } from '../testing/davis-builder.ts';
import { saveMevisSplit, writeMevisSplit } from '../testing/mevis-builder.ts';
import { dataSnapshot } from '../testing/snapshot.ts';
import { runImport } from './run.ts';

// One write step per transaction and a pause after each: the staging spans many transactions, and
// the test's probes look between and during them, seeing what another connection would.
const SLICES = { sliceMs: 0, gapMs: 3 };

const countOf = async (app: TestApp, query: SQL) => Number((await app.db.execute<{ n: number }>(query)).rows[0]!.n);
const stagedCount = (app: TestApp) => countOf(app, sql`select count(*) as n from videos where status = 'importing'`);

/**
 * Runs `look` again and again, one at a time and 1 ms apart, until the returned function is called
 * (which waits for the last look). One at a time: overlapping looks would pile up on PostgreSQL's
 * pool and starve the import of connections.
 */
function keepLooking(look: () => Promise<void>): () => Promise<void> {
  let stop = false;
  const loop = (async () => {
    while (!stop) {
      await look();
      await new Promise((r) => setTimeout(r, 1));
    }
  })();
  return async () => {
    stop = true;
    await loop;
  };
}

describe('imports in bounded transactions', () => {
  let app: TestApp;
  beforeEach(async () => (app = await testApp()));
  afterEach(async () => app.cleanup());

  async function davisRoot(name: string, videoNames: string[], opts: { frames?: number; objects?: number; speed?: number } = {}): Promise<string> {
    const root = path.join(app.dir, name);
    mkdirSync(root, { recursive: true });
    for (const v of videoNames) await writeDavisVideo(root, v, { frames: 12, objects: 3, ...opts });
    return root;
  }

  it('shows no video to anyone, admins included, until the whole import is in', async () => {
    const admin = callerFor(app, await makeUser(app, 'boss', ['admin']));
    const root = await davisRoot('src', ['alpha', 'bravo', 'charlie']);
    let probes = 0;
    let stagedSeen = 0;
    const leaks: string[] = [];
    const stopProbing = keepLooking(() =>
      (async () => {
        stagedSeen = Math.max(stagedSeen, await stagedCount(app));
        const staged = await app.db.select({ id: videos.id }).from(videos).where(eq(videos.status, 'importing'));
        const listed = (await admin.videos.list({ limit: 100, offset: 0 })).videos.map((v) => v.name);
        const curation = (await admin.admin.curation.list({})).rows.map((r) => r.name);
        const overview = await admin.admin.overview();
        const dash = await admin.admin.dashboard();
        const shown = Object.values(overview.videos).reduce((a, b) => a + b, 0) + Object.values(dash.counts.videos).reduce((a, b) => a + b, 0);
        const served: number[] = [];
        for (const { id } of staged) {
          await admin.videos.get({ videoId: id }).then(
            () => served.push(id),
            () => {},
          );
        }
        // Read after the looks: the import's row comes in the transaction that shows its videos, so
        // anything seen while there is none yet was seen too early.
        const finished = await countOf(app, sql`select count(*) as n from imports`);
        const seen = listed.length || curation.length || shown || overview.objects || overview.masks;
        if (seen && !finished) leaks.push(`list=${listed} curation=${curation} counts=${shown} objects=${overview.objects}`);
        if (served.length && !finished) leaks.push(`videos ${served} served`);
        probes++;
      })().catch((e: unknown) => void leaks.push(String(e))),
    );
    const { stats } = await runImport(app, { format: 'davis', dir: root, status: 'accepted' }, undefined, { slices: SLICES }).finally(stopProbing);
    console.log(`${probes} probes during the import; up to ${stagedSeen} staged videos seen by the database`);
    expect(stats.videosAdded).toBe(3);
    // The probes ran while videos were staged: otherwise this test would prove nothing.
    expect(stagedSeen).toBeGreaterThan(0);
    expect(leaks).toEqual([]);
    expect((await admin.videos.list({ limit: 100, offset: 0 })).videos.map((v) => [v.name, v.status])).toEqual([
      ['alpha', 'accepted'],
      ['bravo', 'accepted'],
      ['charlie', 'accepted'],
    ]);
    expect(await stagedCount(app)).toBe(0);
  });

  it('removes what it staged when it fails at the end, leaving rows and files as they were', async () => {
    const dir = path.join(app.dir, 'split');
    mkdirSync(dir);
    await writeMevisSplit(dir, ['m-one']);
    await runImport(app, { format: 'mevis', dir });
    const before = await dataSnapshot(app);
    // A later split: m-one unchanged but one expression's text changed (refused at the last
    // transaction), and a new video that is staged first.
    const later = path.join(app.dir, 'later');
    mkdirSync(later);
    const split = await writeMevisSplit(later, ['m-one', 'm-two']);
    split.meta.videos['m-one']!.expressions['0']!.exp = 'a different sentence for the same expression';
    saveMevisSplit(later, split);
    let stagedSeen = 0;
    const stopProbing = keepLooking(async () => void (stagedSeen = Math.max(stagedSeen, await stagedCount(app))));
    await expect(runImport(app, { format: 'mevis', dir: later }, undefined, { slices: SLICES }).finally(stopProbing)).rejects.toThrow(
      /expression 0 was imported before with different text/,
    );
    expect(stagedSeen).toBeGreaterThan(0);
    expect(await stagedCount(app)).toBe(0);
    expect(await dataSnapshot(app)).toEqual(before);
  });

  it('refuses a second import at once while one runs', async () => {
    const first = runImport(app, { format: 'davis', dir: await davisRoot('one', ['one-a', 'one-b']) }, undefined, { slices: { sliceMs: 0, gapMs: 20 } });
    let firstDone = false;
    void first.then(() => (firstDone = true));
    const second = await runImport(app, { format: 'davis', dir: await davisRoot('two', ['two-a']) }).catch((e: unknown) => e);
    expect(second).toBeInstanceOf(LockBusyError);
    expect((second as Error).message).toMatch(/another import is running/);
    expect(firstDone).toBe(false);
    expect((await first).stats.videosAdded).toBe(2);
    // The lock went with the first import: the next one runs.
    expect((await runImport(app, { format: 'davis', dir: await davisRoot('three', ['three-a']) })).stats.videosAdded).toBe(1);
  });

  // Instances with other data dirs share one PostgreSQL database, so the lock spans the database.
  it.skipIf(DIALECT !== 'postgres')('refuses an import from another data dir on the same PostgreSQL database while one runs', async () => {
    const other = await openApp(loadConfig({ DATA_DIR: path.join(app.dir, 'other-data'), STUDIO_DEMO: '0', DATABASE_URL: app.config.databaseUrl! }), { log: pino({ level: 'silent' }) });
    try {
      const [one, two] = [await davisRoot('one', ['one-a', 'one-b']), await davisRoot('two', ['two-a'])];
      const first = runImport(app, { format: 'davis', dir: one }, undefined, { slices: { sliceMs: 0, gapMs: 20 } });
      // Staging has begun, so the first import holds its lock.
      while ((await stagedCount(app)) === 0) await new Promise((r) => setTimeout(r, 1));
      const second = await runImport(other, { format: 'davis', dir: two }).catch((e: unknown) => e);
      expect(second).toBeInstanceOf(LockBusyError);
      expect((second as Error).message).toMatch(/another import is running on this database/);
      expect((await first).stats.videosAdded).toBe(2);
      expect((await runImport(other, { format: 'davis', dir: two })).stats.videosAdded).toBe(1);
    } finally {
      await other.close();
    }
  });

  it('the next import removes what an interrupted one left, and the files only it used', async () => {
    // `kept` stays visible; `left` has the same frames (same bytes) and `orphan` frames of its own.
    await runImport(app, { format: 'davis', dir: await davisRoot('kept', ['kept']) });
    await runImport(app, { format: 'davis', dir: await davisRoot('left', ['left', 'orphan-frames'], { speed: 3 }) });
    await runImport(app, { format: 'davis', dir: await davisRoot('orphan', ['orphan'], { speed: 5 }) });
    // As an import killed before its last transaction leaves them: staged, never made visible.
    await app.db.transaction((tx) => tx.update(videos).set({ status: 'importing' }).where(inArray(videos.name, ['left', 'orphan'])));
    const hashesOf = async (name: string) =>
      (await app.db.select({ sha256: frames.sha256 }).from(frames).innerJoin(videos, eq(videos.id, frames.videoId)).where(eq(videos.name, name))).map((f) => f.sha256);
    const [shared, orphan, kept, orphanFrames] = await Promise.all(['left', 'orphan', 'kept', 'orphan-frames'].map(hashesOf));
    const onlyOrphan = orphan!.filter((h) => !kept!.includes(h) && !orphanFrames!.includes(h));
    expect(shared!.every((h) => kept!.includes(h))).toBe(true);

    const { stats } = await runImport(app, { format: 'davis', dir: await davisRoot('next', ['next'], { speed: 7 }) });
    expect(stats.videosAdded).toBe(1);
    expect(await stagedCount(app)).toBe(0);
    const names = (await app.db.select({ name: videos.name }).from(videos)).map((v) => v.name);
    expect(names.sort()).toEqual(['kept', 'next', 'orphan-frames']);
    // No frame, object or mask row of the removed videos is left.
    expect(await countOf(app, sql`select count(*) as n from objects where video_id not in (select id from videos)`)).toBe(0);
    expect(await countOf(app, sql`select count(*) as n from masks where object_id not in (select id from objects)`)).toBe(0);
    expect(await countOf(app, sql`select count(*) as n from frames where video_id not in (select id from videos)`)).toBe(0);
    expect(shared!.every((h) => existsSync(app.store.pathOf(h)))).toBe(true);
    // (Some of orphan's frames may come back with the new import's identical frames.)
    const used = new Set((await app.db.select({ sha256: frames.sha256 }).from(frames)).map((f) => f.sha256));
    const unused = onlyOrphan.filter((h) => !used.has(h));
    expect(unused.length).toBeGreaterThan(0);
    expect(unused.filter((h) => existsSync(app.store.pathOf(h)))).toEqual([]);
  });
});
