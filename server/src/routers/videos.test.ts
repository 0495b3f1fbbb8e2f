import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { decodeRle } from '#shared/rle/index.ts';
import { runImport } from '../import/run.ts';
import { callerFor, makeUser, testApp, type TestApp } from '../testing/app.ts';
import { writeDavisVideo } from '../testing/davis-builder.ts';
import { importVideo } from '../testing/factories.ts';

describe('videos router', () => {
  let app: TestApp;
  beforeEach(async () => (app = await testApp()));
  afterEach(async () => app.cleanup());

  it('serves a video with its frames and every object mask per frame, null where absent', async () => {
    const dir = path.join(app.dir, 'src');
    mkdirSync(dir);
    const built = await writeDavisVideo(dir, 'clip', { frames: 5, objects: 2 });
    // No mask PNG for the last frame: no object is visible there.
    rmSync(path.join(dir, 'Annotations/clip/00004.png'));
    await runImport(app, { format: 'davis', dir, status: 'accepted' });
    const val = await makeUser(app, 'val', ['validator']);
    const caller = callerFor(app, val);
    const { videos } = await callerFor(app, await makeUser(app, 'boss', ['admin'])).videos.list({ limit: 10, offset: 0 });
    const id = videos[0]!.id;
    const detail = await caller.videos.get({ videoId: id });
    expect(detail).toMatchObject({ name: 'clip', width: 64, height: 48, frames: ['00000', '00001', '00002', '00003', '00004'] });
    expect(detail.objects.map((o) => o.localId)).toEqual([1, 2]);
    const masks = await caller.videos.masks({ videoId: id });
    expect(masks.size).toEqual([48, 64]);
    expect(masks.tracks.map((t) => t.counts.length)).toEqual([5, 5]);
    expect(masks.tracks.map((t) => t.counts[4])).toEqual([null, null]);
    const m = decodeRle({ size: masks.size, counts: masks.tracks[1]!.counts[2]! });
    expect(m.every((bit, p) => bit === (built.labels[2]![p] === 2 ? 1 : 0))).toBe(true);
  });

  it('hides videos that are not curated from non-admins, with the same error as a missing one', async () => {
    const excluded = await importVideo(app, 'hidden', 'excluded');
    const ann = callerFor(app, await makeUser(app, 'ann', ['annotator']));
    const admin = callerFor(app, await makeUser(app, 'boss', ['admin']));
    await expect(ann.videos.get({ videoId: excluded })).rejects.toThrow(`video ${excluded} not found`);
    await expect(ann.videos.masks({ videoId: excluded })).rejects.toThrow(`video ${excluded} not found`);
    await expect(ann.videos.get({ videoId: 999 })).rejects.toThrow('video 999 not found');
    expect((await admin.videos.get({ videoId: excluded })).name).toBe('hidden');
    expect((await ann.videos.list({ limit: 10, offset: 0 })).videos).toEqual([]);
    expect((await admin.videos.list({ limit: 10, offset: 0, status: 'excluded' })).total).toBe(1);
  });

  it('rejects malformed ids with a clear validation error', async () => {
    const ann = callerFor(app, await makeUser(app, 'ann', ['annotator']));
    await expect(ann.videos.get({ videoId: -3 })).rejects.toThrow(/invalid input at videoId/);
    await expect(ann.videos.get({ videoId: '1' as unknown as number })).rejects.toThrow(/invalid input at videoId/);
  });
});
