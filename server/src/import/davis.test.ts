import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { decode } from 'fast-png';
import { and, asc, count, eq } from 'drizzle-orm';
import sharp from 'sharp';
import { encode as encodePng } from 'fast-png';
import { decodeRle } from '#shared/rle/index.ts';
import { frames, masks, objects, videos } from '../db/schema/index.ts';
import { fixture } from '../testing/fixtures.ts';
import { testApp, type TestApp } from '../testing/app.ts';
import { dataSnapshot } from '../testing/snapshot.ts';
import { writeDavisVideo } from '../testing/davis-builder.ts';
import { runImport } from './run.ts';

const davis = fixture('davis2017-val-osvos');

describe.skipIf(!davis.available)('DAVIS import of the real fixtures' + davis.skipNote, () => {
  let app: TestApp;
  beforeEach(async () => (app = await testApp()));
  afterEach(async () => app.cleanup());

  it('imports the four sequences with their sizes, frames, objects and masks', async () => {
    const { stats } = await runImport(app, { format: 'davis', dir: davis.path });
    expect(stats.videosAdded).toBe(4);
    const rows = await app.db.select().from(videos).orderBy(asc(videos.name));
    expect(rows.map((v) => [v.name, v.frameCount, v.width, v.height])).toEqual([
      ['horsejump-high', 50, 854, 480],
      ['kite-surf', 50, 854, 480],
      ['paragliding-launch', 80, 854, 480],
      ['soapbox', 99, 854, 480],
    ]);
    const objs = await app.db.select({ video: videos.name, localId: objects.localId }).from(objects).innerJoin(videos, eq(videos.id, objects.videoId)).orderBy(asc(objects.id));
    expect(objs.filter((o) => o.video === 'horsejump-high').map((o) => o.localId)).toEqual([1, 2]);
    expect(objs.filter((o) => o.video === 'soapbox').map((o) => o.localId)).toEqual([1, 2, 3]);
    // Every object is visible on frame 0 and frame names are the sources' own.
    expect(stats.frames).toBe(279);
    const names = await app.db.select({ name: frames.name }).from(frames).innerJoin(videos, eq(videos.id, frames.videoId)).where(eq(videos.name, 'kite-surf')).orderBy(asc(frames.idx));
    expect(names[0]!.name).toBe('00000');
    expect(names[49]!.name).toBe('00049');
  });

  it('stores masks that decode pixel-exactly to the source PNGs, with the areas from SOURCE.md', async () => {
    await runImport(app, { format: 'davis', dir: davis.path });
    // SOURCE.md: first/last frame pixel counts per object.
    const expected: [string, number, number, number][] = [
      ['horsejump-high', 0, 1, 21243],
      ['horsejump-high', 0, 2, 4537],
      ['kite-surf', 49, 2, 105],
      ['paragliding-launch', 79, 3, 572],
      ['soapbox', 98, 1, 23129],
    ];
    for (const [video, frameIdx, localId, area] of expected) {
      const [row] = await app.db
        .select({ counts: masks.counts, area: masks.area, w: videos.width, h: videos.height })
        .from(masks)
        .innerJoin(objects, eq(objects.id, masks.objectId))
        .innerJoin(videos, eq(videos.id, objects.videoId))
        .where(and(eq(videos.name, video), eq(objects.localId, localId), eq(masks.frameIdx, frameIdx)));
      if (!row) throw new Error(`no mask for ${video} #${localId} frame ${frameIdx}`);
      expect(row.area, `${video} #${localId} frame ${frameIdx}`).toBe(area);
      const decoded = decodeRle({ size: [row.h, row.w], counts: row.counts });
      const png = decode(readFileSync(path.join(davis.path, 'Annotations', video, `${String(frameIdx).padStart(5, '0')}.png`)));
      const label = png.data as Uint8Array;
      let diff = 0;
      for (let p = 0; p < label.length; p++) if ((label[p] === localId ? 1 : 0) !== decoded[p]) diff++;
      expect(diff, `pixels differing for ${video} #${localId} frame ${frameIdx}`).toBe(0);
    }
  });

  it('re-importing the same root is idempotent', async () => {
    await runImport(app, { format: 'davis', dir: davis.path });
    const before = await dataSnapshot(app);
    const { stats } = await runImport(app, { format: 'davis', dir: davis.path });
    expect(stats.videosAdded).toBe(0);
    expect(stats.videosUnchanged).toBe(4);
    expect(await dataSnapshot(app)).toEqual(before);
  });
});

describe('DAVIS import: generated data and hostile input', () => {
  let app: TestApp;
  let root: string;
  beforeEach(async () => {
    app = await testApp();
    root = path.join(app.dir, 'src');
    mkdirSync(root);
  });
  afterEach(async () => app.cleanup());

  async function expectRefused(message: RegExp) {
    const before = await dataSnapshot(app);
    await expect(runImport(app, { format: 'davis', dir: root })).rejects.toThrow(message);
    expect(await dataSnapshot(app)).toEqual(before);
  }

  it('imports generated videos with exact masks and the chosen status', async () => {
    const a = await writeDavisVideo(root, 'alpha', { frames: 5, objects: 3 });
    await writeDavisVideo(root, 'beta', { frames: 3, objects: 2 });
    const { stats } = await runImport(app, { format: 'davis', dir: root, status: 'accepted', fps: 10 });
    expect(stats).toMatchObject({ videosAdded: 2, frames: 8, objects: 5 });
    const v = (await app.db.select().from(videos).where(eq(videos.name, 'alpha')))[0]!;
    expect(v).toMatchObject({ status: 'accepted', fps: 10, width: 64, height: 48, frameCount: 5 });
    const rows = await app.db.select({ localId: objects.localId, frameIdx: masks.frameIdx, counts: masks.counts }).from(masks).innerJoin(objects, eq(objects.id, masks.objectId)).where(eq(objects.videoId, v.id));
    expect(rows).toHaveLength(15);
    for (const r of rows) {
      const m = decodeRle({ size: [48, 64], counts: r.counts });
      const label = a.labels[r.frameIdx]!;
      expect(m.every((bit, p) => bit === (label[p] === r.localId ? 1 : 0))).toBe(true);
    }
  });

  it('treats 255 as void and a missing PNG as "no object on that frame"', async () => {
    const v = await writeDavisVideo(root, 'gamma', { frames: 3, objects: 1 });
    const label = new Uint8Array(v.labels[0]!);
    label.fill(255, 0, 64); // first row void
    const palette = Array.from({ length: 256 }, () => [0, 0, 0]);
    writeFileSync(path.join(root, 'Annotations/gamma/00000.png'), encodePng({ width: 64, height: 48, data: label, depth: 8, channels: 1, palette }));
    rmSync(path.join(root, 'Annotations/gamma/00002.png'));
    await runImport(app, { format: 'davis', dir: root });
    const frameIdx = (await app.db.select({ f: masks.frameIdx }).from(masks)).map((r) => r.f).sort();
    expect(frameIdx).toEqual([0, 1]);
    expect((await app.db.select({ n: count() }).from(objects))[0]!.n).toBe(1);
  });

  it('refuses a truncated PNG, naming the file, and writes nothing', async () => {
    await writeDavisVideo(root, 'ok-video');
    await writeDavisVideo(root, 'broken');
    truncateSync(path.join(root, 'Annotations/broken/00002.png'), 60);
    await expectRefused(/Annotations\/broken\/00002\.png: unreadable PNG/);
  });

  it('refuses a non-palette PNG', async () => {
    await writeDavisVideo(root, 'grey');
    const gray = encodePng({ width: 64, height: 48, data: new Uint8Array(64 * 48), depth: 8, channels: 1 });
    writeFileSync(path.join(root, 'Annotations/grey/00001.png'), gray);
    await expectRefused(/grey\/00001\.png: mask is not a palette-indexed PNG/);
  });

  it('refuses a mask whose size differs from its frame', async () => {
    await writeDavisVideo(root, 'sizes');
    const palette = Array.from({ length: 256 }, () => [0, 0, 0]);
    writeFileSync(path.join(root, 'Annotations/sizes/00001.png'), encodePng({ width: 32, height: 48, data: new Uint8Array(32 * 48).fill(1), depth: 8, channels: 1, palette }));
    await expectRefused(/sizes\/00001\.png: mask is 32×48 but its frame is 64×48/);
  });

  it('refuses a truncated or fake JPEG', async () => {
    await writeDavisVideo(root, 'jpeg');
    const file = path.join(root, 'JPEGImages/jpeg/00001.jpg');
    writeFileSync(file, readFileSync(file).subarray(0, 300));
    await expectRefused(/JPEGImages\/jpeg\/00001\.jpg: JPEG is truncated/);
    writeFileSync(file, 'GIF89a not a jpeg at all');
    await expectRefused(/00001\.jpg: not a JPEG file/);
  });

  it('refuses frames of different sizes within a video', async () => {
    await writeDavisVideo(root, 'mixed');
    writeFileSync(path.join(root, 'JPEGImages/mixed/00002.jpg'), await sharp({ create: { width: 30, height: 20, channels: 3, background: '#888' } }).jpeg().toBuffer());
    await expectRefused(/mixed\/00002\.jpg: frame is 30×20 but the video's first frame is 64×48/);
  });

  it('refuses a frame gap and a mask without a frame', async () => {
    await writeDavisVideo(root, 'gappy', { frames: 4 });
    rmSync(path.join(root, 'JPEGImages/gappy/00002.jpg'));
    rmSync(path.join(root, 'Annotations/gappy/00002.png'));
    await expectRefused(/frame gap: 00001 is followed by 00003/);
    rmSync(path.join(root, 'JPEGImages/gappy/00003.jpg'));
    await expectRefused(/Annotations\/gappy\/00003\.png: mask has no frame 00003/);
  });

  it('refuses ids that meta.json does not list, and malformed meta.json', async () => {
    await writeDavisVideo(root, 'meta', { objects: 2 });
    writeFileSync(path.join(root, 'meta.json'), JSON.stringify({ videos: { meta: { objects: { '1': { category: 'dog' } } } } }));
    await expectRefused(/Annotations\/meta\/00000\.png: unknown object id 2 \(meta\.json lists 1 for meta\)/);
    writeFileSync(path.join(root, 'meta.json'), '{"videos": {');
    await expectRefused(/meta\.json: malformed JSON/);
  });

  it('uses meta.json categories', async () => {
    await writeDavisVideo(root, 'cats', { objects: 2 });
    writeFileSync(path.join(root, 'meta.json'), JSON.stringify({ videos: { cats: { objects: { '1': { category: 'cat' }, '2': { category: 'cat' }, '3': { category: 'dog' } } } } }));
    await runImport(app, { format: 'davis', dir: root });
    expect((await app.db.select({ c: objects.category }).from(objects)).map((r) => r.c)).toEqual(['cat', 'cat']);
  });

  it('refuses unsafe video names and single-frame videos', async () => {
    await writeDavisVideo(root, 'has space');
    await expectRefused(/video name "has space" is not allowed/);
    rmSync(path.join(root, 'JPEGImages', 'has space'), { recursive: true });
    rmSync(path.join(root, 'Annotations', 'has space'), { recursive: true });
    await writeDavisVideo(root, 'single', { frames: 1 });
    await expectRefused(/JPEGImages\/single: has 1 frame\(s\); a motion video needs at least 2/);
  });

  it('refuses a different video under an existing name and keeps the old one', async () => {
    await writeDavisVideo(root, 'same-name', { speed: 3 });
    await runImport(app, { format: 'davis', dir: root });
    const other = path.join(app.dir, 'other');
    await writeDavisVideo(other, 'same-name', { speed: 5 });
    const before = await dataSnapshot(app);
    await expect(runImport(app, { format: 'davis', dir: other })).rejects.toThrow(/a different video named "same-name" already exists/);
    expect(await dataSnapshot(app)).toEqual(before);
  });

  it('refuses a missing folder with a clear message', async () => {
    await expect(runImport(app, { format: 'davis', dir: path.join(root, 'nope') })).rejects.toThrow(/does not exist/);
    await expect(runImport(app, { format: 'davis', dir: root })).rejects.toThrow(/JPEGImages: missing/);
    expect(existsSync(app.store.root)).toBe(true);
  });

  it('copies nothing of a failed import into the store even when later videos fail', async () => {
    await writeDavisVideo(root, 'a-first');
    await writeDavisVideo(root, 'z-last');
    copyFileSync(path.join(root, 'JPEGImages/z-last/00000.jpg'), path.join(root, 'Annotations/z-last/00001.png'));
    await expectRefused(/z-last\/00001\.png: not a PNG file/);
  });
});
