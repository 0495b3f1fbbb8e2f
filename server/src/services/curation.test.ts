import { mkdirSync, mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { asc, eq } from 'drizzle-orm';
import { encode as encodePng } from 'fast-png';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { suggestion } from '#shared/curation/index.ts';
import { frames, objects, videoCuration, videos } from '../db/schema/index.ts';
import { runImport, type ImportRequest } from '../import/run.ts';
import { waitForJob } from '../jobs/records.ts';
import { testApp, type TestApp } from '../testing/app.ts';
import { writeDavisVideo } from '../testing/davis-builder.ts';
import { fixture } from '../testing/fixtures.ts';
import { CurationQuery } from '#shared/schemas/curation.ts';
import { backfillCuration, CURATION_SCORER, curationRows, scoreVideo, videosToScore, type VideoCuration } from './curation.ts';
import { listCuration } from './curation-admin.ts';
import { getSettings, updateSettings } from './settings.ts';

async function rowsByName(app: TestApp): Promise<Map<string, VideoCuration>> {
  const vids = (await app.db.select({ id: videos.id, name: videos.name }).from(videos));
  const rows = await curationRows(app.db, vids.map((v) => v.id));
  return new Map(vids.flatMap((v) => (rows.has(v.id) ? [[v.name, rows.get(v.id)!] as const] : [])));
}

/** An import and the curation job it queued, run to its end (scores are a background job). */
async function importScored(app: TestApp, req: ImportRequest) {
  const out = await runImport(app, req);
  if (out.curationJob) expect((await waitForJob(app.db, out.curationJob)).state).toBe('finished');
  return out;
}

const davis = fixture('davis2017-val-osvos');

describe.skipIf(!davis.available)('curation scores of the real DAVIS fixture' + davis.skipNote, () => {
  let app: TestApp;
  beforeAll(async () => {
    app = await testApp();
    await importScored(app, { format: 'davis', dir: davis.path, status: 'candidate' });
  });
  afterAll(async () => app.cleanup());

  it('the import stored a current score for each of the four sequences, with the object counts of SOURCE.md', async () => {
    const rows = (await rowsByName(app));
    expect([...rows.keys()].sort()).toEqual(['horsejump-high', 'kite-surf', 'paragliding-launch', 'soapbox']);
    expect(Object.fromEntries([...rows].map(([name, r]) => [name, r.objectCount]))).toEqual({
      'horsejump-high': 2,
      'kite-surf': 3,
      'paragliding-launch': 3,
      soapbox: 3,
    });
    for (const [name, r] of rows) {
      const v = (await app.db.select().from(videos).where(eq(videos.name, name)))[0]!;
      expect(r.scorer, name).toBe(CURATION_SCORER);
      expect(r.durationSec, name).toBeCloseTo(v.frameCount / v.fps, 9);
      expect(r.computedAt, name).toBeGreaterThan(Date.now() - 120_000);
      // shared/src/motion/CALIBRATION.md: all 11 objects of these clips really move.
      expect(r.movingCount, name).toBe(r.objectCount);
      // Real tracks, masked on every frame the object is in view: none is sparse.
      expect(r.sparseObjects, name).toBe(0);
      expect(r.lookalikePairs, name).toBe(r.lookalikes.length);
    }
    expect(await videosToScore(app.db)).toEqual([]);
  });

  it('look-alike detail is sorted, under the threshold, and the horse and its rider do not look alike', async () => {
    const max = (await getSettings(app.db)).lookalikeMaxDistance;
    for (const [name, r] of (await rowsByName(app))) {
      const ids = new Set((await app.db.select({ localId: objects.localId }).from(objects).innerJoin(videos, eq(videos.id, objects.videoId)).where(eq(videos.name, name))).map((o) => o.localId));
      for (const [i, p] of r.lookalikes.entries()) {
        expect(p.a, name).toBeLessThan(p.b);
        expect(ids.has(p.a) && ids.has(p.b), name).toBe(true);
        expect(p.distance, name).toBeLessThanOrEqual(max);
        if (i > 0) expect(p.distance, name).toBeGreaterThanOrEqual(r.lookalikes[i - 1].distance);
      }
    }
    expect((await rowsByName(app)).get('horsejump-high')!.lookalikePairs).toBe(0);
    expect(suggestion((await rowsByName(app)).get('horsejump-high')!, await getSettings(app.db))).toEqual({
      suggested: false,
      reasons: ['2 objects, fewer than 3', 'no look-alike pair'],
    });
    expect(suggestion((await rowsByName(app)).get('soapbox')!, await getSettings(app.db)).suggested).toBe(true);
  });

  it('scoring again gives the same row', async () => {
    for (const v of (await app.db.select().from(videos).orderBy(asc(videos.name)))) {
      const before = (await curationRows(app.db, [v.id])).get(v.id)!;
      const row = await scoreVideo(app, v.id);
      expect({ ...row, computedAt: 0 }).toEqual({ ...before, lookalikes: undefined, computedAt: 0 } as unknown);
    }
  });

  it('follows the lookalikeMaxDistance setting when rescored: 1 pairs every object of unknown category, 0 none', async () => {
    const admin = null;
    await updateSettings(app.db, { lookalikeMaxDistance: 1 }, admin);
    expect(await videosToScore(app.db)).toEqual([]);
    const progress: number[] = [];
    expect(await backfillCuration(app, (e) => progress.push(e.done), { all: true })).toEqual({ scored: 4, failed: 0 });
    expect(progress).toEqual([1, 2, 3, 4]);
    for (const [name, r] of (await rowsByName(app))) expect(r.lookalikePairs, name).toBe((r.objectCount * (r.objectCount - 1)) / 2);
    await updateSettings(app.db, { lookalikeMaxDistance: 0 }, admin);
    await backfillCuration(app, undefined, { all: true });
    for (const [name, r] of (await rowsByName(app))) expect(r.lookalikes, name).toEqual([]);
    await updateSettings(app.db, { lookalikeMaxDistance: 0.3 }, admin);
  });

  it('a re-import of the same root leaves the scores alone', async () => {
    const before = (await app.db.select().from(videoCuration).orderBy(asc(videoCuration.videoId)));
    await importScored(app, { format: 'davis', dir: davis.path });
    expect((await app.db.select().from(videoCuration).orderBy(asc(videoCuration.videoId)))).toEqual(before);
  });
});

// ---- Generated videos with known content -------------------------------------------------------

type RGB = [number, number, number];
interface Box {
  colour: RGB;
  w: number;
  h: number;
  /** Top-left corner on frame f. */
  at: (f: number) => [number, number];
}

const PALETTE: RGB[] = Array.from({ length: 256 }, (_, i): RGB => (i === 0 ? [0, 0, 0] : [(i * 67) % 256, (i * 131) % 256, (i * 29) % 256]));

/**
 * A DAVIS-layout video of coloured rectangles on a textured grey-green background; object k+1 is
 * boxes[k], drawn in order (later ones on top). Unlike davis-builder, every object's colour is
 * chosen, so look-alikes (same colour) and different-looking objects are known by construction.
 */
async function writeBoxVideo(root: string, name: string, boxes: Box[], opts: { frames?: number; width?: number; height?: number } = {}): Promise<void> {
  const { frames: n = 10, width = 160, height = 120 } = opts;
  const jdir = path.join(root, 'JPEGImages', name);
  const adir = path.join(root, 'Annotations', name);
  mkdirSync(jdir, { recursive: true });
  mkdirSync(adir, { recursive: true });
  for (let f = 0; f < n; f++) {
    const label = new Uint8Array(width * height);
    const rgb = Buffer.alloc(width * height * 3);
    for (let p = 0; p < width * height; p++) {
      const t = ((p * 2654435761) >>> 28) & 15;
      rgb.set([96 + t, 112 + t, 90 + t], p * 3);
    }
    boxes.forEach((b, k) => {
      const [x0, y0] = b.at(f);
      for (let y = Math.max(0, y0); y < Math.min(height, y0 + b.h); y++) {
        for (let x = Math.max(0, x0); x < Math.min(width, x0 + b.w); x++) {
          label[y * width + x] = k + 1;
          rgb.set(b.colour, (y * width + x) * 3);
        }
      }
    });
    const frameName = String(f).padStart(5, '0');
    writeFileSync(path.join(jdir, `${frameName}.jpg`), await sharp(rgb, { raw: { width, height, channels: 3 } }).jpeg({ quality: 90 }).toBuffer());
    writeFileSync(path.join(adir, `${frameName}.png`), encodePng({ width, height, data: label, depth: 8, channels: 1, palette: PALETTE }));
  }
}

function writeMeta(root: string, categories: Record<string, Record<string, string>>): void {
  const videosMeta = Object.fromEntries(
    Object.entries(categories).map(([video, objs]) => [video, { objects: Object.fromEntries(Object.entries(objs).map(([id, category]) => [id, { category }])) }]),
  );
  writeFileSync(path.join(root, 'meta.json'), JSON.stringify({ videos: videosMeta }));
}

const RED: RGB = [200, 30, 35];
const BLUE: RGB = [30, 60, 210];
const YELLOW: RGB = [230, 210, 40];
const moving = (x: number, y: number, dx: number): Box['at'] => (f) => [x + dx * f, y];
const still = (x: number, y: number): Box['at'] => () => [x, y];

describe('curation scores of generated videos with known look-alikes and motion', () => {
  let app: TestApp;
  let root: string;
  beforeEach(async () => {
    app = await testApp();
    root = mkdtempSync(path.join(os.tmpdir(), 'curation-src-'));
  });
  afterEach(async () => {
    app.cleanup();
    rmSync(root, { recursive: true, force: true });
  });

  it('two red boxes look alike, the blue one looks like neither; all three move', async () => {
    await writeBoxVideo(root, 'reds', [
      { colour: RED, w: 24, h: 20, at: moving(4, 10, 5) },
      { colour: BLUE, w: 24, h: 20, at: moving(4, 50, 4) },
      { colour: RED, w: 22, h: 18, at: moving(100, 85, -5) },
    ]);
    await importScored(app, { format: 'davis', dir: root, status: 'candidate' });
    const r = (await rowsByName(app)).get('reds')!;
    expect(r).toMatchObject({ objectCount: 3, movingCount: 3, lookalikePairs: 1, scorer: CURATION_SCORER });
    expect(r.lookalikes).toHaveLength(1);
    expect(r.lookalikes[0]).toMatchObject({ a: 1, b: 3 });
    expect(r.lookalikes[0].distance).toBeLessThan(0.15);
    expect(suggestion(r, await getSettings(app.db))).toEqual({ suggested: true, reasons: [] });
  });

  it('boxes of three different colours: no look-alike pair, shown as a reason but still suggested', async () => {
    await writeBoxVideo(root, 'mixed', [
      { colour: RED, w: 24, h: 20, at: moving(4, 10, 5) },
      { colour: BLUE, w: 24, h: 20, at: moving(4, 50, 4) },
      { colour: YELLOW, w: 22, h: 18, at: moving(100, 85, -5) },
    ]);
    await importScored(app, { format: 'davis', dir: root });
    const r = (await rowsByName(app)).get('mixed')!;
    expect(r).toMatchObject({ objectCount: 3, movingCount: 3, lookalikePairs: 0 });
    expect(suggestion(r, await getSettings(app.db))).toEqual({ suggested: true, reasons: ['no look-alike pair'] });
  });

  it('speed 0 (davis-builder): no moving objects, and the video is not suggested', async () => {
    await writeDavisVideo(root, 'frozen', { frames: 8, width: 96, height: 64, objects: 3, speed: 0 });
    await writeDavisVideo(root, 'running', { frames: 8, width: 96, height: 64, objects: 3, speed: 3 });
    await importScored(app, { format: 'davis', dir: root });
    const rows = (await rowsByName(app));
    expect(rows.get('frozen')).toMatchObject({ objectCount: 3, movingCount: 0 });
    expect(rows.get('running')!.movingCount).toBeGreaterThanOrEqual(2);
    expect(suggestion(rows.get('frozen')!, await getSettings(app.db)).reasons).toContain('0 moving objects, fewer than 2');
  });

  it('a still look-alike counts for R1 but not for R2', async () => {
    await writeBoxVideo(root, 'one-still', [
      { colour: RED, w: 24, h: 20, at: still(10, 10) },
      { colour: RED, w: 24, h: 20, at: moving(10, 60, 6) },
      { colour: BLUE, w: 24, h: 20, at: still(120, 90) },
    ]);
    await importScored(app, { format: 'davis', dir: root });
    expect((await rowsByName(app)).get('one-still')).toMatchObject({ objectCount: 3, movingCount: 1, lookalikePairs: 1 });
  });

  it('known categories: same colour but different categories never pair; an import that only adds categories rescores', async () => {
    const boxes: Box[] = [
      { colour: RED, w: 24, h: 20, at: moving(4, 10, 5) },
      { colour: RED, w: 24, h: 20, at: moving(100, 85, -5) },
    ];
    await writeBoxVideo(root, 'car-and-coat', boxes);
    await importScored(app, { format: 'davis', dir: root });
    // No meta.json yet: colour alone decides.
    const first = (await rowsByName(app)).get('car-and-coat')!;
    expect(first.lookalikePairs).toBe(1);

    writeMeta(root, { 'car-and-coat': { '1': 'car', '2': 'person' } });
    const { stats } = await importScored(app, { format: 'davis', dir: root });
    expect(stats).toMatchObject({ videosAdded: 0, videosUnchanged: 1 });
    const second = (await rowsByName(app)).get('car-and-coat')!;
    expect(second.lookalikePairs).toBe(0);
    expect(second.computedAt).toBeGreaterThanOrEqual(first.computedAt);

    const other = mkdtempSync(path.join(os.tmpdir(), 'curation-src-'));
    try {
      await writeBoxVideo(other, 'two-cars', boxes);
      writeMeta(other, { 'two-cars': { '1': 'car', '2': 'car' } });
      await importScored(app, { format: 'davis', dir: other });
      expect((await rowsByName(app)).get('two-cars')!.lookalikePairs).toBe(1);
    } finally {
      rmSync(other, { recursive: true, force: true });
    }
  });

  it('objects masked on key frames only count as sparse and keep the video from being suggested; an occlusion does not', async () => {
    const boxes: Box[] = [
      { colour: RED, w: 24, h: 20, at: moving(4, 10, 3) },
      { colour: BLUE, w: 24, h: 20, at: moving(4, 50, 2) },
      { colour: RED, w: 22, h: 18, at: moving(120, 85, -3) },
    ];
    // The third object is off-screen (occluded) on frames 8–19: a gap in a full track.
    const occluded: Box[] = [boxes[0]!, boxes[1]!, { ...boxes[2]!, at: (f) => (f >= 8 && f < 20 ? [-100, -100] : boxes[2]!.at(f)) }];
    for (const name of ['keyframes', 'firstonly']) await writeBoxVideo(root, name, boxes, { frames: 30 });
    await writeBoxVideo(root, 'occluded', occluded, { frames: 30 });
    // Key-frame annotation (every 10th frame), and masks on the first frame only.
    for (let f = 1; f < 30; f++) {
      const png = `${String(f).padStart(5, '0')}.png`;
      if (f % 10 !== 0) unlinkSync(path.join(root, 'Annotations', 'keyframes', png));
      unlinkSync(path.join(root, 'Annotations', 'firstonly', png));
    }
    await importScored(app, { format: 'davis', dir: root });
    const rows = await rowsByName(app);
    expect(rows.get('keyframes')).toMatchObject({ objectCount: 3, sparseObjects: 3 });
    expect(rows.get('firstonly')).toMatchObject({ objectCount: 3, sparseObjects: 3 });
    expect(rows.get('occluded')).toMatchObject({ objectCount: 3, movingCount: 3, sparseObjects: 0 });
    const settings = await getSettings(app.db);
    expect(suggestion(rows.get('keyframes')!, settings)).toEqual({ suggested: false, reasons: ['3 of 3 objects masked on only part of their track (key frames)'] });
    expect(suggestion(rows.get('occluded')!, settings)).toEqual({ suggested: true, reasons: [] });

    // The curation table: its suggestion (computed in SQL) and its reasons agree with the rule.
    const page = await listCuration(app.db, CurationQuery.parse({}));
    const byName = new Map(page.rows.map((r) => [r.name, r]));
    expect(byName.get('keyframes')).toMatchObject({ suggested: false, sparseObjects: 3, reasons: ['3 of 3 objects masked on only part of their track (key frames)'] });
    expect(byName.get('occluded')).toMatchObject({ suggested: true, sparseObjects: 0, reasons: [] });
    expect((await listCuration(app.db, CurationQuery.parse({ suggested: true }))).rows.map((r) => r.name)).toEqual(['occluded']);

    // A row of the scorer before sparse tracks were counted holds 0 there; the backfill recomputes it.
    const id = rows.get('keyframes')!.videoId;
    await app.db.transaction(async (tx) => {
      await tx.update(videoCuration).set({ scorer: CURATION_SCORER - 1, sparseObjects: 0 }).where(eq(videoCuration.videoId, id));
    });
    expect(await videosToScore(app.db)).toEqual([id]);
    expect(await backfillCuration(app)).toEqual({ scored: 1, failed: 0 });
    expect((await curationRows(app.db, [id])).get(id)).toMatchObject({ sparseObjects: 3, scorer: CURATION_SCORER });
  });

  it('a scoring failure after the commit never undoes the import; backfill scores it later', async () => {
    await writeBoxVideo(root, 'late', [
      { colour: RED, w: 24, h: 20, at: moving(4, 10, 5) },
      { colour: RED, w: 24, h: 20, at: moving(100, 85, -5) },
    ]);
    const read = vi.spyOn(app.store, 'read').mockImplementation(() => {
      throw new Error('disk hiccup');
    });
    const { stats, curationJob } = await importScored(app, { format: 'davis', dir: root });
    read.mockRestore();
    expect(stats.videosAdded).toBe(1);
    expect((await waitForJob(app.db, curationJob!)).result).toEqual({ scored: 0, failed: 1 });
    const id = (await app.db.select({ id: videos.id }).from(videos).where(eq(videos.name, 'late')))[0]!.id;
    expect((await curationRows(app.db, [id])).size).toBe(0);
    expect(await videosToScore(app.db)).toEqual([id]);
    expect(await backfillCuration(app)).toEqual({ scored: 1, failed: 0 });
    expect((await curationRows(app.db, [id])).get(id)).toMatchObject({ objectCount: 2, movingCount: 2, lookalikePairs: 1 });
    expect(await backfillCuration(app)).toEqual({ scored: 0, failed: 0 });
  });

  it('backfill rescores rows of an older scorer and counts a video whose frame file is gone as failed', async () => {
    await writeDavisVideo(root, 'old', { frames: 6, width: 96, height: 64, objects: 3, speed: 3 });
    await writeDavisVideo(root, 'broken', { frames: 6, width: 96, height: 64, objects: 3, speed: 2 });
    await importScored(app, { format: 'davis', dir: root });
    const ids = Object.fromEntries((await app.db.select({ id: videos.id, name: videos.name }).from(videos)).map((v) => [v.name, v.id]));
    await app.db.transaction(async (tx) => { await tx.update(videoCuration).set({ scorer: CURATION_SCORER - 1, computedAt: 0 }).where(eq(videoCuration.videoId, ids.old)); });
    await app.db.transaction(async (tx) => { await tx.delete(videoCuration).where(eq(videoCuration.videoId, ids.broken)); });
    for (const f of (await app.db.select({ sha: frames.sha256 }).from(frames).where(eq(frames.videoId, ids.broken)))) {
      // Frame 0 is the same picture in both videos and stays (the store is content-addressed).
      const shared = (await app.db.select({ n: frames.idx }).from(frames).where(eq(frames.sha256, f.sha))).length > 1;
      if (!shared) unlinkSync(app.store.pathOf(f.sha));
    }
    expect(await videosToScore(app.db)).toEqual([ids.old, ids.broken].sort((a, b) => a - b));
    expect(await backfillCuration(app)).toEqual({ scored: 1, failed: 1 });
    expect((await curationRows(app.db, [ids.old])).get(ids.old)!.computedAt).toBeGreaterThan(0);
    expect(await videosToScore(app.db)).toEqual([ids.broken]);
    await expect(scoreVideo(app, 9999)).rejects.toThrow(/not found/);
    // Objects without motion statistics yet (an old database before backfillMotionStats): no row rather than a wrong one.
    await app.db.transaction(async (tx) => { await tx.update(objects).set({ moving: null }).where(eq(objects.videoId, ids.old)); });
    await expect(scoreVideo(app, ids.old)).rejects.toThrow(/motion statistics missing/);
  });
});
