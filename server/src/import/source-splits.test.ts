import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { asc, inArray } from 'drizzle-orm';
import { videos } from '../db/schema/index.ts';
import { testApp, type TestApp } from '../testing/app.ts';
import { writeDavisVideo } from '../testing/davis-builder.ts';
import { fixture } from '../testing/fixtures.ts';
import { runImport } from './run.ts';

const mevisSample = fixture('mevis-sample/valid_u');

describe('the split a source puts a video in', () => {
  let app: TestApp;
  const splitsOf = async (names: string[]) =>
    Object.fromEntries((await app.db.select({ name: videos.name, s: videos.sourceSplit }).from(videos).where(inArray(videos.name, names)).orderBy(asc(videos.name))).map((r) => [r.name, r.s]));

  beforeAll(async () => {
    app = await testApp();
  });
  afterAll(async () => app.cleanup());

  it('DAVIS: ImageSets lists, val → valid, the newest year winning; unlisted videos have none', async () => {
    const root = path.join(app.config.dataDir, 'davis-src', 'DAVIS');
    for (const v of ['d-bear', 'd-camel', 'd-dog', 'd-goat']) await writeDavisVideo(root, v, { frames: 3 });
    mkdirSync(path.join(root, 'ImageSets', '2016'), { recursive: true });
    mkdirSync(path.join(root, 'ImageSets', '2017'), { recursive: true });
    writeFileSync(path.join(root, 'ImageSets', '2016', 'train.txt'), 'd-bear\nd-camel\n');
    writeFileSync(path.join(root, 'ImageSets', '2017', 'train.txt'), 'd-bear\n');
    writeFileSync(path.join(root, 'ImageSets', '2017', 'val.txt'), 'd-camel\r\nd-dog\n\n');
    await runImport(app, { format: 'davis', dir: root });
    expect(await splitsOf(['d-bear', 'd-camel', 'd-dog', 'd-goat'])).toEqual({ 'd-bear': 'train', 'd-camel': 'valid', 'd-dog': 'valid', 'd-goat': null });
  });

  it('DAVIS: a video two lists of one year place differently is refused', async () => {
    const root = path.join(app.config.dataDir, 'davis-bad', 'DAVIS');
    await writeDavisVideo(root, 'd-twice', { frames: 3 });
    mkdirSync(path.join(root, 'ImageSets', '2017'), { recursive: true });
    writeFileSync(path.join(root, 'ImageSets', '2017', 'train.txt'), 'd-twice\n');
    writeFileSync(path.join(root, 'ImageSets', '2017', 'test-dev.txt'), 'd-twice\n');
    await expect(runImport(app, { format: 'davis', dir: root })).rejects.toThrow(/ImageSets\/2017\/test-dev\.txt: lists d-twice, which ImageSets\/2017\/train\.txt lists too/);
    expect(await splitsOf(['d-twice'])).toEqual({});
  });

  it('YouTube-VOS / MOSE: the train or valid folder of the download; any other folder name gives none', async () => {
    const valid = path.join(app.config.dataDir, 'ytvos', 'valid');
    await writeDavisVideo(valid, 'y-valid', { frames: 3, frameName: (f) => String(5 * f).padStart(5, '0') });
    await runImport(app, { format: 'davis', dir: valid });
    const other = path.join(app.config.dataDir, 'ytvos', 'validation-copy');
    await writeDavisVideo(other, 'y-other', { frames: 3 });
    await runImport(app, { format: 'davis', dir: other });
    expect(await splitsOf(['y-valid', 'y-other'])).toEqual({ 'y-valid': 'valid', 'y-other': null });
  });

  it.skipIf(!mevisSample.available)('MeViS: the real sample split folder valid_u' + mevisSample.skipNote, async () => {
    await runImport(app, { format: 'mevis', dir: mevisSample.path });
    expect(await splitsOf(['horsejump-high', 'kite-surf', 'paragliding-launch'])).toEqual({ 'horsejump-high': 'valid_u', 'kite-surf': 'valid_u', 'paragliding-launch': 'valid_u' });
  });
});
