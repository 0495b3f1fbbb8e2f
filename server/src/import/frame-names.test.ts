import { beforeEach, describe, expect, it } from 'vitest';
import { copyFileSync, mkdirSync, readFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { asc, eq } from 'drizzle-orm';
import { decodeRle } from '#shared/rle/index.ts';
import { frames, masks, objects, videos } from '../db/schema/index.ts';
import type { TestApp } from '../testing/app.ts';
import { dataSnapshot } from '../testing/snapshot.ts';
import { writeDavisVideo, type BuiltVideo } from '../testing/davis-builder.ts';
import { saveMevisSplit, writeMevisSplit, type MevisSplit } from '../testing/mevis-builder.ts';
import { importTestApp } from './import-test-app.ts';
import { runImport, type ImportRequest } from './run.ts';

/** Frame names as stored, in frame order. */
async function frameNames(app: TestApp, video: string): Promise<string[]> {
  const rows = await app.db.select({ name: frames.name }).from(frames).innerJoin(videos, eq(videos.id, frames.videoId)).where(eq(videos.name, video)).orderBy(asc(frames.idx));
  return rows.map((r) => r.name);
}

/** Every stored mask of the video decodes to exactly its object's pixels in the label image of its frame. */
async function expectMasksMatch(app: TestApp, built: BuiltVideo): Promise<void> {
  const rows = await app.db
    .select({ localId: objects.localId, frameIdx: masks.frameIdx, counts: masks.counts })
    .from(masks)
    .innerJoin(objects, eq(objects.id, masks.objectId))
    .innerJoin(videos, eq(videos.id, objects.videoId))
    .where(eq(videos.name, built.name));
  expect(rows.length).toBeGreaterThan(0);
  for (const r of rows) {
    const m = decodeRle({ size: [built.height, built.width], counts: r.counts });
    const label = built.labels[r.frameIdx]!;
    expect(
      m.every((bit, p) => bit === (label[p] === r.localId ? 1 : 0)),
      `${built.name} #${r.localId} frame ${r.frameIdx}`,
    ).toBe(true);
  }
}

describe('frame names as real tools write them', () => {
  const t = importTestApp();

  async function expectRefused(req: ImportRequest, message: RegExp) {
    const before = await dataSnapshot(t.app);
    await expect(runImport(t.app, req)).rejects.toThrow(message);
    expect(await dataSnapshot(t.app)).toEqual(before);
  }

  it('DAVIS layout: frame_000000.jpg names import, are kept, and masks follow their stems', async () => {
    const built = await writeDavisVideo(t.root, 'tool-names', { frames: 5, objects: 2, frameName: (f) => `frame_${String(f).padStart(6, '0')}` });
    const { stats } = await runImport(t.app, { format: 'davis', dir: t.root });
    expect(stats).toMatchObject({ videosAdded: 1, frames: 5, objects: 2, masks: 10 });
    expect(await frameNames(t.app, 'tool-names')).toEqual(['frame_000000', 'frame_000001', 'frame_000002', 'frame_000003', 'frame_000004']);
    await expectMasksMatch(t.app, built);
  });

  it('DAVIS layout: unpadded names come in natural order (frame_2 before frame_10)', async () => {
    const built = await writeDavisVideo(t.root, 'natural', { frames: 12, objects: 2, speed: 2, frameName: (f) => `frame_${f}` });
    await runImport(t.app, { format: 'davis', dir: t.root });
    expect(await frameNames(t.app, 'natural')).toEqual(Array.from({ length: 12 }, (_, f) => `frame_${f}`));
    // Frame idx 10 holds frame_10's mask, not frame_2's (string order would put frame_10 third).
    await expectMasksMatch(t.app, built);
  });

  it('DAVIS layout: YouTube-VOS 8-digit strided names keep working', async () => {
    const built = await writeDavisVideo(t.root, 'ytvos', { frames: 4, frameName: (f) => String(693 + 5 * f).padStart(8, '0') });
    await runImport(t.app, { format: 'davis', dir: t.root });
    expect(await frameNames(t.app, 'ytvos')).toEqual(['00000693', '00000698', '00000703', '00000708']);
    await expectMasksMatch(t.app, built);
  });

  it('DAVIS layout: refuses a digitless frame name and two frames with one number, naming the file', async () => {
    await writeDavisVideo(t.root, 'posters', { frames: 3, frameName: (f) => `frame_${f}` });
    copyFileSync(path.join(t.root, 'JPEGImages/posters/frame_0.jpg'), path.join(t.root, 'JPEGImages/posters/cover.jpg'));
    await expectRefused({ format: 'davis', dir: t.root }, /JPEGImages\/posters\/cover\.jpg: frame name "cover" has no number/);
    renameSync(path.join(t.root, 'JPEGImages/posters/cover.jpg'), path.join(t.root, 'JPEGImages/posters/take2_01.jpg'));
    await expectRefused({ format: 'davis', dir: t.root }, /JPEGImages\/posters\/(take2_01|frame_1)\.jpg: frame number 1 is also the number of JPEGImages\/posters\/(frame_1|take2_01)\.jpg/);
  });

  it('DAVIS layout: a mask must carry its frame\'s stem', async () => {
    await writeDavisVideo(t.root, 'stems', { frames: 3, frameName: (f) => `frame_${String(f).padStart(6, '0')}` });
    renameSync(path.join(t.root, 'Annotations/stems/frame_000001.png'), path.join(t.root, 'Annotations/stems/000001.png'));
    await expectRefused({ format: 'davis', dir: t.root }, /Annotations\/stems\/000001\.png: mask has no frame 000001\.jpg in JPEGImages\/stems/);
  });

  describe('MeViS layout', () => {
    let dir: string;
    let split: MevisSplit;
    beforeEach(async () => {
      dir = path.join(t.app.dir, 'split');
      mkdirSync(dir);
      split = await writeMevisSplit(dir, ['v-one']);
    });

    /** Renames v-one's frame files and its frames list by `rename` (mask tracks stay in list order). */
    function renameFrames(rename: (old: string, i: number) => string) {
      const v = split.meta.videos['v-one']!;
      v.frames = v.frames.map((old, i) => {
        const name = rename(old, i);
        renameSync(path.join(dir, 'JPEGImages/v-one', `${old}.jpg`), path.join(dir, 'JPEGImages/v-one', `${name}.jpg`));
        return name;
      });
      saveMevisSplit(dir, split);
    }

    it('imports frame_000000 names and keeps them', async () => {
      renameFrames((_, i) => `frame_${String(i).padStart(6, '0')}`);
      const { stats } = await runImport(t.app, { format: 'mevis', dir });
      expect(stats).toMatchObject({ videosAdded: 1, frames: 4 });
      expect(await frameNames(t.app, 'v-one')).toEqual(['frame_000000', 'frame_000001', 'frame_000002', 'frame_000003']);
    });

    it('takes the frames list as given in natural order and refuses one in string order, naming the video', async () => {
      renameFrames((_, i) => `frame_${i + 8}`);
      const jpeg10 = readFileSync(path.join(dir, 'JPEGImages/v-one/frame_10.jpg'));
      const v = split.meta.videos['v-one']!;
      v.frames = [...v.frames].sort(); // frame_10, frame_11, frame_8, frame_9
      saveMevisSplit(dir, split);
      await expectRefused({ format: 'mevis', dir }, /meta_expressions\.json → videos\.v-one: frames are not sorted in natural order: frame_8 comes after frame_11/);
      v.frames = ['frame_8', 'frame_9', 'frame_10', 'frame_11'];
      saveMevisSplit(dir, split);
      await runImport(t.app, { format: 'mevis', dir });
      expect(await frameNames(t.app, 'v-one')).toEqual(['frame_8', 'frame_9', 'frame_10', 'frame_11']);
      const [third] = await t.app.db.select({ bytes: frames.bytes }).from(frames).where(eq(frames.idx, 2));
      expect(third!.bytes).toBe(jpeg10.length);
    });

    it('refuses a digitless frame name and a tie, naming the video and the frame', async () => {
      renameFrames((old, i) => (i === 2 ? 'poster' : old));
      await expectRefused({ format: 'mevis', dir }, /meta_expressions\.json → videos\.v-one: frame name "poster" has no number/);
      renameFrames((old, i) => (i === 2 ? 'b_00001' : old));
      await expectRefused({ format: 'mevis', dir }, /meta_expressions\.json → videos\.v-one: frames 00001 and b_00001 have the same number 1/);
    });
  });
});
