import { describe, expect, it } from 'vitest';
import { mkdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { writeDavisVideo, writePaletteMask } from '../testing/davis-builder.ts';
import { saveMevisSplit, writeMevisSplit } from '../testing/mevis-builder.ts';
import { dataSnapshot } from '../testing/snapshot.ts';
import { ImportError, ImportErrors, ImportProblems, MAX_PROBLEMS } from './errors.ts';
import { importTestApp } from './import-test-app.ts';
import { runImport, type ImportRequest } from './run.ts';

/** Runs an import that must be refused with several problems, writing nothing; returns them as `file: reason`. */
async function problemsOf(t: ReturnType<typeof importTestApp>, req: ImportRequest): Promise<string[]> {
  const before = await dataSnapshot(t.app);
  const e = await runImport(t.app, req).then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(ImportErrors);
  expect(await dataSnapshot(t.app)).toEqual(before);
  const problems = (e as ImportErrors).problems.map((p) => p.message);
  // The message lists them all, one a line, under a count: what the CLI prints.
  expect((e as Error).message).toBe([`${problems.length} problems, nothing was imported:`, ...problems.map((p) => `  ${p}`)].join('\n'));
  return problems;
}

describe('every problem at once', () => {
  const t = importTestApp();

  it('DAVIS layout: several broken videos are all named, each bad file of a video too, and the good ones do not hide them', async () => {
    await writeDavisVideo(t.root, 'good', { frames: 4 });
    await writeDavisVideo(t.root, 'frames-broken', { frames: 5 });
    truncateSync(path.join(t.root, 'JPEGImages/frames-broken/00001.jpg'), 100);
    writeFileSync(path.join(t.root, 'JPEGImages/frames-broken/00003.jpg'), 'not a jpeg');
    await writeDavisVideo(t.root, 'masks-broken', { frames: 4 });
    writeFileSync(path.join(t.root, 'Annotations/masks-broken/00000.png'), writePaletteMask(32, 32, new Uint8Array(32 * 32)));
    writeFileSync(path.join(t.root, 'Annotations/masks-broken/00002.png'), 'not a png');
    writeFileSync(path.join(t.root, 'Annotations/masks-broken/00009.png'), writePaletteMask(64, 48, new Uint8Array(64 * 48)));
    await writeDavisVideo(t.root, 'no-masks', { frames: 3 });
    rmSync(path.join(t.root, 'Annotations/no-masks'), { recursive: true });
    await writeDavisVideo(t.root, 'gap', { frames: 4 });
    rmSync(path.join(t.root, 'JPEGImages/gap/00002.jpg'));
    await writeDavisVideo(t.root, 'bad-names', { frames: 3, frameName: (f) => ['a', 'b', '00002'][f]! });
    expect(await problemsOf(t, { format: 'davis', dir: t.root })).toEqual([
      'JPEGImages/bad-names/a.jpg: frame name "a" has no number (expected names like 00000 or frame_000000)',
      'JPEGImages/bad-names/b.jpg: frame name "b" has no number (expected names like 00000 or frame_000000)',
      'JPEGImages/gap: frame gap: 00001 is followed by 00003 (expected a step of 1)',
      'JPEGImages/frames-broken/00001.jpg: JPEG is truncated (no end-of-image marker)',
      'JPEGImages/frames-broken/00003.jpg: not a JPEG file',
      'Annotations/masks-broken/00009.png: mask has no frame 00009.jpg in JPEGImages/masks-broken',
      'Annotations/masks-broken/00000.png: mask is 32×32 but its frame is 64×48',
      'Annotations/masks-broken/00002.png: not a PNG file',
      'Annotations/no-masks: missing: every video needs its mask folder',
    ]);
  });

  it('MeViS layout: problems of several videos, expressions and tracks are all named', async () => {
    const dir = path.join(t.root, 'split');
    mkdirSync(dir);
    const split = await writeMevisSplit(dir, ['v-one', 'v-two', 'v-three']);
    split.meta.videos['v-one']!.expressions['0']!.anno_id = [];
    split.meta.videos['v-one']!.expressions['2']!.exp = '   ';
    rmSync(path.join(dir, 'JPEGImages/v-two/00001.jpg'));
    const threeAnno = String(split.meta.videos['v-three']!.expressions['0']!.anno_id[0]);
    split.maskDict[threeAnno]!.pop();
    split.meta.videos['v-three']!.expressions['5'] = { exp: 'the ghost', obj_id: [7], anno_id: ['777'] };
    saveMevisSplit(dir, split);
    expect(await problemsOf(t, { format: 'mevis', dir })).toEqual([
      'meta_expressions.json → videos.v-one.expressions.0: obj_id has 1 entries but anno_id has 0',
      'meta_expressions.json → videos.v-one.expressions.2: empty expression text',
      'JPEGImages/v-two/00001.jpg: cannot read (ENOENT)',
      `mask_dict.json → ${threeAnno}: has 3 entries but v-three has 4 frames`,
      'mask_dict.json: has no track for anno_id 777 (used by v-three)',
    ]);
  });

  it('a schema problem of a JSON file names every place at once', async () => {
    const dir = path.join(t.root, 'split');
    mkdirSync(dir);
    const split = await writeMevisSplit(dir, ['v-one']);
    const v = split.meta.videos['v-one']! as unknown as { frames: unknown; expressions: Record<string, { exp: unknown }> };
    v.frames = 'all of them';
    v.expressions['1']!.exp = 42;
    saveMevisSplit(dir, split);
    expect(await problemsOf(t, { format: 'mevis', dir })).toEqual([
      expect.stringMatching(/^meta_expressions\.json: unexpected structure at videos\.v-one\.frames: /),
      expect.stringMatching(/^meta_expressions\.json: unexpected structure at videos\.v-one\.expressions\.1\.exp: /),
    ]);
  });

  it('one problem is refused as itself, as before', async () => {
    await writeDavisVideo(t.root, 'one', { frames: 3 });
    writeFileSync(path.join(t.root, 'JPEGImages/one/00001.jpg'), 'x');
    const e = await runImport(t.app, { format: 'davis', dir: t.root }).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(ImportError);
    expect(e).not.toBeInstanceOf(ImportErrors);
    expect((e as Error).message).toBe('JPEGImages/one/00001.jpg: not a JPEG file');
  });
});

describe('ImportProblems', () => {
  it('stops checking at MAX_PROBLEMS and says so; other errors pass through', () => {
    const problems = new ImportProblems();
    let thrown: unknown;
    try {
      for (let i = 0; i < MAX_PROBLEMS + 10; i++) problems.checkSync(() => {
        throw new ImportError(`f${i}`, 'broken');
      });
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(ImportErrors);
    expect((thrown as ImportErrors).problems).toHaveLength(MAX_PROBLEMS);
    expect((thrown as Error).message.split('\n')[0]).toBe(`${MAX_PROBLEMS}+ problems, nothing was imported (checking stopped after ${MAX_PROBLEMS}):`);
    expect(() => new ImportProblems().checkSync(() => {
      throw new TypeError('a bug, not a problem of the data');
    })).toThrow(TypeError);
    expect(() => new ImportProblems().throwIfAny()).not.toThrow();
  });
});
