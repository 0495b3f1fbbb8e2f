import { describe, expect, it } from 'vitest';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { asc, count, eq } from 'drizzle-orm';
import { imports, masks, objects, videos } from '../db/schema/index.ts';
import { dataSnapshot } from '../testing/snapshot.ts';
import { writeDavisVideo, writePaletteMask } from '../testing/davis-builder.ts';
import { reportLines } from './report.ts';
import { importTestApp } from './import-test-app.ts';
import { runImport } from './run.ts';

describe('DAVIS layout: warnings, strict mode and sparse masks', () => {
  const t = importTestApp();

  const importRows = async () => ((await t.app.db.select({ n: count() }).from(imports)) as [{ n: number }])[0].n;

  /** A strict import of the source folder is refused with `message`, leaving no row, no import and no stored file. */
  async function expectStrictRefusal(message: RegExp) {
    const before = { data: await dataSnapshot(t.app), imports: await importRows() };
    await expect(runImport(t.app, { format: 'davis', dir: t.root, strict: true })).rejects.toThrow(message);
    expect({ data: await dataSnapshot(t.app), imports: await importRows() }).toEqual(before);
  }

  /** Paints palette index `id` into a corner of one frame's mask. */
  function paintStray(dir: string, video: string, frame: string, id: number, labels: Uint8Array) {
    const label = new Uint8Array(labels);
    for (let y = 40; y < 44; y++) label.fill(id, y * 64 + 2, y * 64 + 6);
    writeFileSync(path.join(dir, 'Annotations', video, `${frame}.png`), writePaletteMask(64, 48, label));
  }

  it('a palette index on one frame with no meta.json: a warning naming the PNG; strict refuses it', async () => {
    const v = await writeDavisVideo(t.root, 'stray', { frames: 24, objects: 2, speed: 1 });
    paintStray(t.root, 'stray', '00010', 9, v.labels[10]!);
    await expectStrictRefusal(/strict import refused 1 warning\(s\), nothing was imported: Annotations\/stray\/00010\.png: object id 9 appears only here \(1 of 24 annotated frames\) and no meta\.json names it/);

    const res = await runImport(t.app, { format: 'davis', dir: t.root });
    expect(res.warnings).toEqual([expect.objectContaining({ code: 'stray-object', video: 'stray', file: 'Annotations/stray/00010.png' })]);
    // Not strict: imported as it was before, a one-frame object, and the warning kept with the import.
    const objs = await t.app.db.select({ localId: objects.localId, visible: objects.visibleFrames }).from(objects).orderBy(asc(objects.localId));
    expect(objs).toEqual([
      { localId: 1, visible: 24 },
      { localId: 2, visible: 24 },
      { localId: 9, visible: 1 },
    ]);
    const [row] = await t.app.db.select({ stats: imports.stats }).from(imports).where(eq(imports.id, res.importId));
    expect(JSON.parse(row!.stats)).toMatchObject({ videosAdded: 1, warnings: [{ code: 'stray-object', file: 'Annotations/stray/00010.png' }], fullObjects: 3, sparseObjects: [] });
  });

  it('an id on two frames is named with both files; on three, or named in meta.json, it is no warning', async () => {
    const v = await writeDavisVideo(t.root, 'stray2', { frames: 24, objects: 1, speed: 1 });
    paintStray(t.root, 'stray2', '00003', 7, v.labels[3]!);
    paintStray(t.root, 'stray2', '00004', 7, v.labels[4]!);
    await expectStrictRefusal(/Annotations\/stray2\/00003\.png: object id 7 appears only here and in 00004\.png \(2 of 24 annotated frames\)/);
    paintStray(t.root, 'stray2', '00005', 7, v.labels[5]!);
    expect((await runImport(t.app, { format: 'davis', dir: t.root, strict: true })).warnings).toEqual([]);

    const other = path.join(t.app.dir, 'other');
    const w = await writeDavisVideo(other, 'named', { frames: 24, objects: 1, speed: 1 });
    paintStray(other, 'named', '00010', 9, w.labels[10]!);
    writeFileSync(path.join(other, 'meta.json'), JSON.stringify({ videos: { named: { objects: { '1': { category: 'box' }, '9': { category: 'ball' } } } } }));
    expect((await runImport(t.app, { format: 'davis', dir: other, strict: true })).warnings).toEqual([]);
  });

  it('key-frame annotation is not a stray: few annotated frames keep the rule off', async () => {
    await writeDavisVideo(t.root, 'short', { frames: 12, objects: 2 });
    for (let f = 1; f < 12; f++) rmSync(path.join(t.root, `Annotations/short/${String(f).padStart(5, '0')}.png`));
    const res = await runImport(t.app, { format: 'davis', dir: t.root, strict: true });
    expect(res.warnings).toEqual([]);
    expect(res.coverage.sparse).toEqual([
      { video: 'short', localId: 1, masked: 1, frames: 12 },
      { video: 'short', localId: 2, masked: 1, frames: 12 },
    ]);
  });

  it('a PNG missing in the middle of dense masks: a warning naming it; strict refuses it', async () => {
    await writeDavisVideo(t.root, 'holey', { frames: 6, objects: 2 });
    rmSync(path.join(t.root, 'Annotations/holey/00003.png'));
    await expectStrictRefusal(/Annotations\/holey\/00003\.png: missing between 00002\.png and 00004\.png \(5 of the 6 frames from the first mask to the last have one\): no object is masked on frame 00003/);
    const res = await runImport(t.app, { format: 'davis', dir: t.root });
    expect(res.warnings.map((w) => [w.code, w.file])).toEqual([['missing-mask', 'Annotations/holey/00003.png']]);
    expect(res.coverage).toEqual({
      full: 0,
      sparse: [
        { video: 'holey', localId: 1, masked: 5, frames: 6 },
        { video: 'holey', localId: 2, masked: 5, frames: 6 },
      ],
    });
    expect((await t.app.db.select({ f: masks.frameIdx }).from(masks)).map((r) => r.f)).not.toContain(3);
  });

  it('missing PNGs at the end are no warning (the last frames are not annotated)', async () => {
    await writeDavisVideo(t.root, 'tail', { frames: 5, objects: 1 });
    rmSync(path.join(t.root, 'Annotations/tail/00004.png'));
    const res = await runImport(t.app, { format: 'davis', dir: t.root, strict: true });
    expect(res.warnings).toEqual([]);
    expect(res.coverage.sparse).toEqual([{ video: 'tail', localId: 1, masked: 4, frames: 5 }]);
  });

  it('sparse key-frame masks (5 of 87 frames, first frame only) import, strict too, with their coverage', async () => {
    const keyFrames = new Set([0, 20, 40, 60, 80]);
    await writeDavisVideo(t.root, 'keyframes', { frames: 87, objects: 2, speed: 1 });
    await writeDavisVideo(t.root, 'first-only', { frames: 87, objects: 1, speed: 1 });
    await writeDavisVideo(t.root, 'dense', { frames: 3, objects: 3 });
    for (let f = 0; f < 87; f++) {
      const png = `${String(f).padStart(5, '0')}.png`;
      if (!keyFrames.has(f)) rmSync(path.join(t.root, 'Annotations/keyframes', png));
      if (f > 0) rmSync(path.join(t.root, 'Annotations/first-only', png));
    }
    const res = await runImport(t.app, { format: 'davis', dir: t.root, strict: true });
    expect(res.warnings).toEqual([]);
    expect(res.stats).toMatchObject({ videosAdded: 3, frames: 177, objects: 6, masks: 5 * 2 + 1 + 3 * 3 });
    expect(res.coverage).toEqual({
      full: 3,
      sparse: [
        { video: 'first-only', localId: 1, masked: 1, frames: 87 },
        { video: 'keyframes', localId: 1, masked: 5, frames: 87 },
        { video: 'keyframes', localId: 2, masked: 5, frames: 87 },
      ],
    });
    const [v] = await t.app.db.select({ id: videos.id, frameCount: videos.frameCount }).from(videos).where(eq(videos.name, 'keyframes'));
    expect(v!.frameCount).toBe(87);
    const rows = await t.app.db.select({ f: masks.frameIdx }).from(masks).innerJoin(objects, eq(objects.id, masks.objectId)).where(eq(objects.videoId, v!.id));
    expect(new Set(rows.map((r) => r.f))).toEqual(keyFrames);
    const [row] = await t.app.db.select({ stats: imports.stats }).from(imports).where(eq(imports.id, res.importId));
    expect(JSON.parse(row!.stats)).toMatchObject({ fullObjects: 3, sparseObjects: res.coverage.sparse, warnings: [] });
    expect(reportLines(res.warnings, res.coverage)).toEqual([
      'masks: 3 object(s) annotated on every frame; 3 sparse (some frames not annotated; masked/all frames): first-only #1 1/87, keyframes #1 5/87, keyframes #2 5/87',
    ]);
  });
});

describe('import summary lines', () => {
  it('lists warnings and sparse objects, cut after a few', () => {
    const warnings = Array.from({ length: 3 }, (_, i) => ({ code: 'missing-mask' as const, video: 'v', file: `Annotations/v/0000${i + 1}.png`, message: 'missing' }));
    const sparse = Array.from({ length: 4 }, (_, i) => ({ video: 'v', localId: i + 1, masked: 1, frames: 9 }));
    expect(reportLines(warnings, { full: 2, sparse }, { warnings: 2, sparse: 3 })).toEqual([
      'masks: 2 object(s) annotated on every frame; 4 sparse (some frames not annotated; masked/all frames): v #1 1/9, v #2 1/9, v #3 1/9, and 1 more',
      '3 warning(s), imported anyway (--strict refuses them):',
      '  Annotations/v/00001.png: missing',
      '  Annotations/v/00002.png: missing',
      "  … and 1 more (all are kept in the import's stats)",
    ]);
    expect(reportLines([], { full: 5, sparse: [] })).toEqual(['masks: 5 object(s) annotated on every frame']);
  });
});
