import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { decode } from 'fast-png';
import { asc, eq } from 'drizzle-orm';
import { encodeMask } from '#shared/rle/index.ts';
import { masks, objects, videos } from '../db/schema/index.ts';
import { runImport } from '../import/run.ts';
import { testApp, type TestApp } from '../testing/app.ts';
import { fixture } from '../testing/fixtures.ts';
import { saveMevisSplit, writeMevisSplit } from '../testing/mevis-builder.ts';
import { masksToPng } from './to-png.ts';

const sample = fixture('mevis-sample/valid_u');

/** Every stored mask as "video/localId/frame → counts", with the local id shifted by `shift`. */
async function maskTable(app: TestApp, shift: number): Promise<Map<string, string>> {
  const rows = await app.db
    .select({ video: videos.name, localId: objects.localId, frameIdx: masks.frameIdx, counts: masks.counts })
    .from(masks)
    .innerJoin(objects, eq(objects.id, masks.objectId))
    .innerJoin(videos, eq(videos.id, objects.videoId))
    .orderBy(asc(videos.name), asc(objects.localId), asc(masks.frameIdx));
  return new Map(rows.map((r) => [`${r.video}/${r.localId + shift}/${r.frameIdx}`, r.counts]));
}

describe('masks to-png', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'to-png-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  describe.skipIf(!sample.available)('on the real MeViS sample' + sample.skipNote, () => {
    let fromMevis: TestApp;
    let fromPng: TestApp;
    beforeEach(async () => {
      fromMevis = await testApp();
      fromPng = await testApp();
    });
    afterEach(async () => {
      await fromMevis.cleanup();
      await fromPng.cleanup();
    });

    it('reads back through the DAVIS importer to the same masks, bit for bit', async () => {
      const summary = await masksToPng(sample.path, path.join(dir, 'out'));
      expect(summary).toMatchObject({ videos: 3, frames: 36, objects: 8 });
      await runImport(fromMevis, { format: 'mevis', dir: sample.path });
      const { stats } = await runImport(fromPng, { format: 'davis', dir: path.join(dir, 'out') });
      expect(stats).toMatchObject({ videosAdded: 3, frames: 36, objects: 8, masks: 96 });
      // Palette value = obj_id + 1, so the DAVIS import's local ids are one above the MeViS ones.
      const a = await maskTable(fromMevis, 0);
      const b = await maskTable(fromPng, -1);
      expect(b.size).toBe(96);
      expect([...b]).toEqual([...a]);
      const meta = JSON.parse(readFileSync(path.join(dir, 'out', 'meta.json'), 'utf8')) as { videos: Record<string, { objects: Record<string, { obj_id: number; anno_id: string }> }> };
      expect(meta.videos['horsejump-high']!.objects).toEqual({ '2': { obj_id: 1, anno_id: '6' }, '3': { obj_id: 2, anno_id: '7' } });
    });
  });

  it('keeps the higher obj_id where two masks overlap, and says where', async () => {
    const split = await writeMevisSplit(path.join(dir, 'split'), ['v-one']);
    const frames = split.meta.videos['v-one']!.frames;
    const [h, w] = (split.maskDict['0']!.find((m) => m) as { size: [number, number] }).size;
    // Object 2's mask on frame 0 becomes object 1's mask grown by a full-height strip: they overlap.
    const strip = new Uint8Array(h * w);
    for (let y = 0; y < h; y++) for (let x = 0; x < 3; x++) strip[y * w + x] = 1;
    split.maskDict['1']![0] = encodeMask(strip, h, w);
    split.maskDict['0']![0] = encodeMask(strip.map((v, i) => (v || i % w === 3 ? 1 : 0)), h, w);
    saveMevisSplit(path.join(dir, 'split'), split);
    const summary = await masksToPng(path.join(dir, 'split'), path.join(dir, 'out'));
    expect(summary.overlaps).toEqual([{ video: 'v-one', frames: 1, pixels: 3 * h }]);
    const png = decode(readFileSync(path.join(dir, 'out', 'Annotations', 'v-one', `${frames[0]}.png`)));
    const labels = png.data as Uint8Array;
    expect(png.palette).toHaveLength(256);
    expect([labels[0], labels[3], labels[4]]).toEqual([3, 2, 0]); // obj 2 → 3 over obj 1 → 2; column 3 only obj 1
  });

  it('refuses what a palette PNG or a folder cannot hold, naming it', async () => {
    const split = await writeMevisSplit(path.join(dir, 'split'), ['v-one']);
    const v = split.meta.videos['v-one']!;
    v.expressions['2'] = { exp: 'the kite far away', obj_id: [254], anno_id: ['99'] };
    saveMevisSplit(path.join(dir, 'split'), split);
    await expect(masksToPng(path.join(dir, 'split'), path.join(dir, 'a'))).rejects.toThrow(/obj_id 254 does not fit a palette PNG/);
    v.expressions['2'] = { exp: 'the circle flying away', obj_id: [], anno_id: [] };
    v.frames = [...v.frames].reverse();
    saveMevisSplit(path.join(dir, 'split'), split);
    await expect(masksToPng(path.join(dir, 'split'), path.join(dir, 'b'))).rejects.toThrow(/frames must be listed sorted/);
    v.frames.reverse();
    split.meta.videos['../escape'] = v;
    saveMevisSplit(path.join(dir, 'split'), split);
    await expect(masksToPng(path.join(dir, 'split'), path.join(dir, 'c'))).rejects.toThrow(/plain file name/);
    delete split.meta.videos['../escape'];
    saveMevisSplit(path.join(dir, 'split'), split);
    mkdirSync(path.join(dir, 'full'));
    writeFileSync(path.join(dir, 'full', 'x'), '');
    await expect(masksToPng(path.join(dir, 'split'), path.join(dir, 'full'))).rejects.toThrow(/not empty/);
    split.maskDict['0'] = split.maskDict['0']!.slice(1);
    saveMevisSplit(path.join(dir, 'split'), split);
    await expect(masksToPng(path.join(dir, 'split'), path.join(dir, 'd'))).rejects.toThrow(/expected a list of 4 masks/);
  });
});
