import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { decode } from 'fast-png';
import { and, asc, eq } from 'drizzle-orm';
import { decodeRle } from '#shared/rle/index.ts';
import { expressions, expressionTargets, masks, objects, videos } from '../db/schema/index.ts';
import { fixture } from '../testing/fixtures.ts';
import { testApp, type TestApp } from '../testing/app.ts';
import { dataSnapshot } from '../testing/snapshot.ts';
import { saveMevisSplit, writeMevisSplit, type MevisSplit } from '../testing/mevis-builder.ts';
import { runImport } from './run.ts';

const sample = fixture('mevis-sample/valid_u');
const davis = fixture('davis2017-val-osvos');

async function targetsOf(app: TestApp, video: string, sourceExpId: string): Promise<number[]> {
  const [e] = await app.db
    .select({ id: expressions.id })
    .from(expressions)
    .innerJoin(videos, eq(videos.id, expressions.videoId))
    .where(and(eq(videos.name, video), eq(expressions.sourceExpId, sourceExpId)));
  const rows = await app.db
    .select({ localId: objects.localId })
    .from(expressionTargets)
    .innerJoin(objects, eq(objects.id, expressionTargets.objectId))
    .where(eq(expressionTargets.expressionId, e!.id))
    .orderBy(asc(objects.localId));
  return rows.map((r) => r.localId);
}

describe.skipIf(!sample.available)('MeViS import of the real sample split' + sample.skipNote, () => {
  let app: TestApp;
  beforeEach(async () => (app = await testApp()));
  afterEach(async () => app.cleanup());

  it('imports videos, objects, masks and accepted imported expressions', async () => {
    const { stats } = await runImport(app, { format: 'mevis', dir: sample.path });
    expect(stats).toMatchObject({ videosAdded: 3, frames: 36, objects: 8, masks: 96, expressionsAdded: 14 });
    const rows = await app.db.select().from(expressions);
    expect(rows.every((e) => e.status === 'accepted' && e.origin === 'imported' && e.authorId === null)).toBe(true);
    const kinds = rows.reduce<Record<string, number>>((acc, e) => ({ ...acc, [e.kind]: (acc[e.kind] ?? 0) + 1 }), {});
    expect(kinds).toEqual({ single: 8, multi: 3, none: 3 });
    expect(await targetsOf(app, 'kite-surf', '3')).toEqual([1, 2]);
    expect(await targetsOf(app, 'kite-surf', '4')).toEqual([]);
    // horsejump-high stores anno_id as JSON integers: coerced like the real loaders do.
    expect(await targetsOf(app, 'horsejump-high', '2')).toEqual([1, 2]);
    const objs = await app.db.select({ a: objects.sourceAnnoId }).from(objects).innerJoin(videos, eq(videos.id, objects.videoId)).where(eq(videos.name, 'horsejump-high'));
    expect(objs.map((o) => o.a).sort()).toEqual(['6', '7']);
  });

  it.skipIf(!davis.available)('decodes masks pixel-exactly equal to the DAVIS palette PNGs they came from', async () => {
    await runImport(app, { format: 'mevis', dir: sample.path });
    const rows = await app.db
      .select({ video: videos.name, localId: objects.localId, frameIdx: masks.frameIdx, counts: masks.counts, w: videos.width, h: videos.height })
      .from(masks)
      .innerJoin(objects, eq(objects.id, masks.objectId))
      .innerJoin(videos, eq(videos.id, objects.videoId));
    expect(rows).toHaveLength(96);
    for (const r of rows.filter((_, i) => i % 7 === 0)) {
      const png = decode(readFileSync(path.join(davis.path, 'Annotations', r.video, `${String(r.frameIdx).padStart(5, '0')}.png`)));
      const m = decodeRle({ size: [r.h, r.w], counts: r.counts });
      const label = png.data as Uint8Array;
      let diff = 0;
      for (let p = 0; p < m.length; p++) if (m[p] !== (label[p] === r.localId ? 1 : 0)) diff++;
      expect(diff, `${r.video} #${r.localId} frame ${r.frameIdx}`).toBe(0);
    }
  });

  it('is idempotent on re-import', async () => {
    await runImport(app, { format: 'mevis', dir: sample.path });
    const before = await dataSnapshot(app);
    const { stats } = await runImport(app, { format: 'mevis', dir: sample.path });
    expect(stats).toMatchObject({ videosAdded: 0, videosUnchanged: 3, expressionsAdded: 0, expressionsUnchanged: 14 });
    expect(await dataSnapshot(app)).toEqual(before);
  });

  it.skipIf(!davis.available)('refuses a split whose video name exists with other content', async () => {
    await runImport(app, { format: 'davis', dir: davis.path });
    const before = await dataSnapshot(app);
    await expect(runImport(app, { format: 'mevis', dir: sample.path })).rejects.toThrow(/a different video named "horsejump-high" already exists/);
    expect(await dataSnapshot(app)).toEqual(before);
  });
});

describe('MeViS import: generated splits and hostile input', () => {
  let app: TestApp;
  let dir: string;
  let split: MevisSplit;
  beforeEach(async () => {
    app = await testApp();
    dir = path.join(app.dir, 'split');
    mkdirSync(dir);
    split = await writeMevisSplit(dir);
  });
  afterEach(async () => app.cleanup());

  async function expectRefused(message: RegExp) {
    const before = await dataSnapshot(app);
    await expect(runImport(app, { format: 'mevis', dir })).rejects.toThrow(message);
    expect(await dataSnapshot(app)).toEqual(before);
  }

  it('imports a generated split and lets a later version extend it', async () => {
    const first = await runImport(app, { format: 'mevis', dir });
    expect(first.stats).toMatchObject({ videosAdded: 2, expressionsAdded: 6 });
    expect(await targetsOf(app, 'v-one', '1')).toEqual([1, 2]);
    split.meta.videos['v-one']!.expressions['3'] = { exp: 'the square that stops', obj_id: [2], anno_id: [split.meta.videos['v-one']!.expressions['1']!.anno_id[0]] };
    saveMevisSplit(dir, split);
    const second = await runImport(app, { format: 'mevis', dir });
    expect(second.stats).toMatchObject({ videosAdded: 0, videosUnchanged: 2, expressionsAdded: 1, expressionsUnchanged: 6 });
  });

  it('refuses malformed JSON naming the file', async () => {
    writeFileSync(path.join(dir, 'meta_expressions.json'), '{"videos": [');
    await expectRefused(/meta_expressions\.json: malformed JSON/);
    saveMevisSplit(dir, split);
    writeFileSync(path.join(dir, 'mask_dict.json'), '{"0": [null, ');
    await expectRefused(/mask_dict\.json: malformed JSON/);
  });

  it('refuses an anno_id with no track in mask_dict.json', async () => {
    split.meta.videos['v-two']!.expressions['3'] = { exp: 'the third square sliding down', obj_id: [3], anno_id: ['999'] };
    saveMevisSplit(dir, split);
    await expectRefused(/mask_dict\.json: has no track for anno_id 999 \(used by v-two\)/);
  });

  it('refuses obj_id/anno_id lists of different length and inconsistent mappings', async () => {
    split.meta.videos['v-one']!.expressions['0']!.anno_id = [];
    saveMevisSplit(dir, split);
    await expectRefused(/expressions\.0: obj_id has 1 entries but anno_id has 0/);
    split.meta.videos['v-one']!.expressions['0']!.anno_id = [split.meta.videos['v-one']!.expressions['1']!.anno_id[0]];
    saveMevisSplit(dir, split);
    await expectRefused(/anno_id \d+ is object 1 of v-one elsewhere but object 2|obj_id 1 maps to anno_id/);
  });

  it('refuses an RLE whose size differs from the frames, or whose counts are corrupt', async () => {
    const track = split.maskDict['0']!;
    track[1] = { ...(track[1] as object), size: [48, 65] };
    saveMevisSplit(dir, split);
    await expectRefused(/mask_dict\.json → 0\[1\]/);
    track[1] = { size: [48, 64], counts: 'not~valid' };
    saveMevisSplit(dir, split);
    await expectRefused(/mask_dict\.json → 0\[1\]/);
  });

  it('refuses a track whose length differs from the frame count', async () => {
    split.maskDict['1']!.pop();
    saveMevisSplit(dir, split);
    await expectRefused(/mask_dict\.json → 1: has 3 entries but v-one has 4 frames/);
  });

  it('refuses unsorted frames, missing frames and path-traversal names', async () => {
    split.meta.videos['v-one']!.frames.reverse();
    saveMevisSplit(dir, split);
    await expectRefused(/frames are not sorted/);
    split.meta.videos['v-one']!.frames.reverse();
    rmSync(path.join(dir, 'JPEGImages/v-one/00003.jpg'));
    saveMevisSplit(dir, split);
    await expectRefused(/JPEGImages\/v-one\/00003\.jpg: cannot read \(ENOENT\)/);
    split.meta.videos['../../etc'] = split.meta.videos['v-two']!;
    saveMevisSplit(dir, split);
    await expectRefused(/video name "\.\.\/\.\.\/etc" is not allowed/);
  });

  it('refuses a split without masks', async () => {
    rmSync(path.join(dir, 'mask_dict.json'));
    await expectRefused(/mask_dict\.json: missing/);
    expect(existsSync(path.join(dir, 'meta_expressions.json'))).toBe(true);
  });
});
