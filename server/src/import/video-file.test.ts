import { describe, expect, it } from 'vitest';
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { asc, eq } from 'drizzle-orm';
import { decodeRle } from '#shared/rle/index.ts';
import { frames, masks, objects, videos } from '../db/schema/index.ts';
import { fixture } from '../testing/fixtures.ts';
import { dataSnapshot } from '../testing/snapshot.ts';
import { encodeVideo, syntheticVideo, videoToolsMissing, writeVideoFile } from '../testing/video-builder.ts';
import { ImportError, ImportErrors } from './errors.ts';
import { importTestApp } from './import-test-app.ts';
import { runImport, type ImportRequest } from './run.ts';

const missing = videoToolsMissing();
const davis = fixture('davis2017-val-osvos');

/** The problems a refused import names, as `file: reason` lines. */
async function refusal(p: Promise<unknown>): Promise<string[]> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  if (!(e instanceof ImportError)) throw new Error(`expected a refused import, got ${String(e)}`);
  return e instanceof ImportErrors ? e.problems.map((x) => x.message) : [e.message];
}

describe.skipIf(missing !== null)(`import of video files${missing ?? ''}`, () => {
  const t = importTestApp();
  const importVideos = (extra: Partial<ImportRequest> = {}) => runImport(t.app, { format: 'video', dir: t.root, ...extra });
  /** What is left in the folder frames are extracted to (each video's is removed once stored). */
  const leftovers = () => {
    const dir = path.join(t.app.dir, 'imports', 'frames');
    return existsSync(dir) ? readdirSync(dir) : [];
  };

  it('imports an MP4 with palette masks, a MOV with per-object masks and a WebM with a mask_dict.json, masks pixel-exact', async () => {
    const a = await writeVideoFile(t.root, 'alpha', { codec: 'h264', fps: 12, frames: 12, objects: 2, masks: 'palette' });
    const b = await writeVideoFile(t.root, 'beta', { codec: 'mjpeg', fps: 10, frames: 9, objects: 3, masks: 'objects' });
    const c = await writeVideoFile(t.root, 'gamma', { codec: 'vp9', fps: 8, frames: 6, objects: 1, masks: 'dict' });
    const { stats, coverage } = await importVideos();
    expect(stats).toMatchObject({ videosAdded: 3, frames: 27, objects: 6 });
    expect(coverage).toEqual({ full: 6, sparse: [] });
    const rows = await t.app.db.select().from(videos).orderBy(asc(videos.name));
    expect(rows.map((v) => [v.name, v.source, v.frameCount, v.fps, v.width, v.height])).toEqual([
      ['alpha', 'video', 12, 12, 64, 48],
      ['beta', 'video', 9, 10, 64, 48],
      ['gamma', 'video', 6, 8, 64, 48],
    ]);
    const names = await t.app.db.select({ name: frames.name }).from(frames).where(eq(frames.videoId, rows[0]!.id)).orderBy(asc(frames.idx));
    expect(names.map((n) => n.name)).toEqual(Array.from({ length: 12 }, (_, i) => String(i).padStart(5, '0')));
    // Every stored mask is the source's, pixel for pixel, on the frame of its position.
    for (const [built, row] of [
      [a, rows[0]!],
      [b, rows[1]!],
      [c, rows[2]!],
    ] as const) {
      const stored = await t.app.db
        .select({ localId: objects.localId, anno: objects.sourceAnnoId, frameIdx: masks.frameIdx, counts: masks.counts })
        .from(masks)
        .innerJoin(objects, eq(objects.id, masks.objectId))
        .where(eq(objects.videoId, row.id));
      let expected = 0;
      for (const label of built.labels) expected += new Set([...label].filter((x) => x !== 0)).size;
      expect(stored, row.name).toHaveLength(expected);
      for (const m of stored) {
        // mask_dict tracks keep their anno_id; objects are numbered 1, 2, … in the file's order.
        const id = m.anno ? Number(m.anno.replace('anno-', '')) : m.localId;
        const decoded = decodeRle({ size: [48, 64], counts: m.counts });
        const label = built.labels[m.frameIdx]!;
        expect(decoded.every((bit, p) => bit === (label[p] === id ? 1 : 0)), `${row.name} #${id} frame ${m.frameIdx}`).toBe(true);
      }
    }
    // Extraction is bit-exact: importing the same files again is recognised, nothing is added.
    const before = await dataSnapshot(t.app);
    const again = await importVideos();
    expect(again.stats).toMatchObject({ videosAdded: 0, videosUnchanged: 3 });
    expect(await dataSnapshot(t.app)).toEqual(before);
    // The extraction folders are gone.
    expect(leftovers()).toEqual([]);
  });

  it('refuses a mask count that differs from the extracted frames, naming both numbers, and writes nothing', async () => {
    await writeVideoFile(t.root, 'cars', { fps: 12, frames: 12, masks: 'palette' });
    rmSync(path.join(t.root, 'cars', '00011.png'));
    const before = await dataSnapshot(t.app);
    expect(await refusal(importVideos())).toEqual([
      expect.stringMatching(/^cars\/: holds 11 masks but cars\.mp4 gives 12 frames at 12 fps: every frame needs exactly one mask; masks at about 11 fps over its 1\.00 s would match$/),
    ]);
    expect(await dataSnapshot(t.app)).toEqual(before);
    // At a stated rate the frames are counted at that rate: 12 masks, 6 frames at 6 fps.
    await writeVideoFile(t.root, 'cars', { fps: 12, frames: 12, masks: 'palette' });
    expect(await refusal(importVideos({ fps: 6 }))).toEqual([expect.stringMatching(/^cars\/: holds 12 masks but cars\.mp4 gives 6 frames at 6 fps/)]);
    // A track of a mask_dict.json, and an object folder, are counted the same way.
    rmSync(path.join(t.root, 'cars'), { recursive: true });
    rmSync(path.join(t.root, 'cars.mp4'));
    await writeVideoFile(t.root, 'dict', { fps: 12, frames: 12, masks: 'dict' });
    const dict = JSON.parse(readFileSync(path.join(t.root, 'dict.mask_dict.json'), 'utf8')) as Record<string, unknown[]>;
    dict['anno-1']!.push(null);
    writeFileSync(path.join(t.root, 'dict.mask_dict.json'), JSON.stringify(dict));
    await writeVideoFile(t.root, 'objs', { fps: 12, frames: 12, objects: 2, masks: 'objects' });
    rmSync(path.join(t.root, 'objs', '2', '00000.png'));
    expect(await refusal(importVideos())).toEqual([
      expect.stringMatching(/^objs\/2\/: holds 11 masks but objs\.mp4 gives 12 frames at 12 fps/),
      'dict.mask_dict.json → anno-1: has 13 entries but dict.mp4 gives 12 frames at 12 fps',
    ]);
    expect(await dataSnapshot(t.app)).toEqual(before);
  });

  it('checks files by content: not a video, a still picture named .mov, sound without pictures', async () => {
    await writeVideoFile(t.root, 'good', { frames: 4 });
    syntheticVideo(path.join(t.root, 'sound.mp4'), { seconds: 1, audioOnly: true });
    cpSync(path.join(t.root, 'good'), path.join(t.root, 'sound'), { recursive: true });
    writeFileSync(path.join(t.root, 'notes.mp4'), 'these are my notes, not a video');
    cpSync(path.join(t.root, 'good'), path.join(t.root, 'notes'), { recursive: true });
    cpSync(path.join(t.root, 'good', '00000.png'), path.join(t.root, 'still.mov'));
    cpSync(path.join(t.root, 'good'), path.join(t.root, 'still'), { recursive: true });
    const problems = await refusal(importVideos());
    expect(problems).toEqual([
      expect.stringMatching(/^notes\.mp4: is not a video file ffprobe can read \(.+\)$/),
      'sound.mp4: holds no video stream',
      'still.mov: is not an MP4, MOV or WebM video (ffprobe reads it as png_pipe)',
    ]);
    // ffprobe's complaint never shows the server's absolute paths.
    for (const p of problems) expect(p).not.toContain(t.root);
  });

  it('reports every layout problem at once: masks without a video, a video without masks, two kinds of masks, bad names', async () => {
    await writeVideoFile(t.root, 'ok', { frames: 4 });
    await writeVideoFile(t.root, 'both', { frames: 4 });
    writeFileSync(path.join(t.root, 'both.mask_dict.json'), '{}');
    await writeVideoFile(t.root, 'bare', { frames: 4 });
    rmSync(path.join(t.root, 'bare'), { recursive: true });
    cpSync(path.join(t.root, 'ok'), path.join(t.root, 'lonely'), { recursive: true });
    cpSync(path.join(t.root, 'ok.mp4'), path.join(t.root, 'bad name.mp4'));
    cpSync(path.join(t.root, 'ok'), path.join(t.root, 'bad name'), { recursive: true });
    await writeVideoFile(t.root, 'gappy', { frames: 5 });
    rmSync(path.join(t.root, 'gappy', '00002.png'));
    expect(await refusal(importVideos())).toEqual([
      'bad name.mp4: video name "bad name" is not allowed (use letters, digits, ".", "_", "-"; at most 128 characters)',
      'bare.mp4: has no masks: expected a folder bare/ with a mask PNG per frame, or bare.mask_dict.json beside it',
      'both.mp4: has both masks both/ and both.mask_dict.json; keep one',
      'gappy/: frame gap: 00001 is followed by 00003 (expected a step of 1)',
      'lonely/: a mask folder with no video (expected lonely.mp4, lonely.webm or lonely.mov beside it)',
    ]);
  });

  it('bounds what a video may become: frames per video, pixels per frame, frames per import, extraction time', async () => {
    await writeVideoFile(t.root, 'clip', { fps: 12, frames: 12 });
    expect(await refusal(importVideos({ videoLimits: { maxFrames: 10 } }))).toEqual([
      'clip.mp4: would give about 12 frames at 12 fps (1.0 s), more than the limit of 10 frames per video',
    ]);
    // Asking for more frames than the limit allows is refused before ffmpeg decodes anything.
    expect(await refusal(importVideos({ fps: 120, videoLimits: { maxFrames: 100 } }))).toEqual([
      'clip.mp4: would give about 120 frames at 120 fps (1.0 s), more than the limit of 100 frames per video',
    ]);
    expect(await refusal(importVideos({ videoLimits: { maxVideoPixels: 64 * 48 * 8 } }))).toEqual([
      'clip.mp4: would give about 12 frames at 12 fps (1.0 s), more than the limit of 8 frames for 64×48 frames (24,576 pixels per video, frames × frame size)',
    ]);
    expect(await refusal(importVideos({ videoLimits: { maxFramePixels: 1000 } }))).toEqual([
      'clip.mp4: frames are 64×48 (3,072 pixels), more than the limit of 1,000 pixels per frame',
    ]);
    expect(await refusal(importVideos({ videoLimits: { maxImportFrames: 11 } }))).toEqual([
      'the videos would give about 12 frames in all, more than the 11 one import may hold; import them in parts',
    ]);
    expect(await refusal(importVideos({ videoLimits: { extractTimeoutMs: 1 } }))).toEqual([
      'clip.mp4: extracting its frames took longer than 0.001 s (the limit); ffmpeg was stopped',
    ]);
    expect(await refusal(importVideos({ fps: 500 }))).toEqual(['fps must be a number from 0.1 to 120']);
    expect(leftovers()).toEqual([]);
  });

  it('a video whose header states no duration is still cut at the limit by what ffmpeg writes', async () => {
    // Matroska from a pipe has no duration: no estimate, so ffmpeg's -frames:v cap decides.
    await writeVideoFile(t.root, 'live', { fps: 12, frames: 12, codec: 'mjpeg', streamed: true });
    expect(await refusal(importVideos({ videoLimits: { maxFrames: 10 } }))).toEqual(['live.webm: gives more than 10 frames at 12 fps, the limit of 10 frames per video']);
    expect(leftovers()).toEqual([]);
    const { stats } = await importVideos();
    expect(stats).toMatchObject({ videosAdded: 1, frames: 12 });
  });
});

describe.skipIf(missing !== null || !davis.available)(`a real sequence as an MP4${missing ?? davis.skipNote}`, () => {
  const t = importTestApp();

  it('kite-surf encoded at 24 fps imports with its 50 frames and the fixture masks on them', async () => {
    const frames = path.join(davis.path, 'JPEGImages', 'kite-surf');
    encodeVideo(frames, path.join(t.root, 'kite.mp4'), { fps: 24 });
    cpSync(path.join(davis.path, 'Annotations', 'kite-surf'), path.join(t.root, 'kite'), { recursive: true });
    const events = new Set<string>();
    const { stats } = await runImport(t.app, { format: 'video', dir: t.root }, (e) => events.add(e.phase));
    expect(stats).toMatchObject({ videosAdded: 1, frames: 50, objects: 3 });
    expect([...events]).toEqual(['video', 'masks', 'commit']);
    const [v] = await t.app.db.select().from(videos);
    expect(v).toMatchObject({ name: 'kite', frameCount: 50, width: 854, height: 480, fps: 24, source: 'video' });
    expect(readdirSync(path.join(t.app.dir, 'imports', 'frames'))).toEqual([]);
  });
});
