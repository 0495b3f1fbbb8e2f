import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { DEFAULT_DATASHEET, MEVIS_CITATION, type DatasheetText } from '#shared/schemas/datasheet.ts';
import type { SessionUser } from '#shared/schemas/users.ts';
import { auditLog, expressions, recordings, releaseExpressions, releases, releaseVideos, videos } from '../../db/schema/index.ts';
import { runImport } from '../../import/run.ts';
import { callerFor, makeUser, testApp, type TestApp } from '../../testing/app.ts';
import { writeDavisVideo } from '../../testing/davis-builder.ts';
import { addExpression, addValidation, importVideo } from '../../testing/factories.ts';
import { createRelease, getRelease } from './plan.ts';
import { writeRelease } from './write.ts';

const HALF = { train: 0.5, valid_u: 0, valid: 0, test: 0.5 };
const text = (over: Partial<DatasheetText>): DatasheetText => ({ ...DEFAULT_DATASHEET, ...over });

type Manifest = { files: { path: string; sha256: string }[] };
const bars = (svg: string) => [...svg.matchAll(/<rect class="bar"[^>]* data-label="([^"]*)" data-value="(\d+)"/g)].map((m) => ({ label: m[1]!, value: Number(m[2]) }));

describe('a release that documents itself: datasheet, figures, changelog', () => {
  let app: TestApp;
  let admin: SessionUser;
  let annotatorId: number;
  const out = (name: string) => path.join(app.config.dataDir, 'out', name);
  const read = (dir: string, file: string) => readFileSync(path.join(dir, file), 'utf8');
  let clipSeq = 0;

  /** A verified human clip with real bytes in the store (the writer copies it). */
  async function clip(expressionId: number, speakerId: number, durationMs: number, wpm: number): Promise<number> {
    const sha256 = app.store.putSync(Buffer.from(`RIFF clip ${++clipSeq}`)).sha256;
    return app.db.transaction(async (tx) => {
      const [row] = await tx
        .insert(recordings)
        .values({ uid: `ds-${clipSeq}`, expressionId, speakerId, kind: 'human', status: 'verified', sha256, sampleRate: 48000, durationMs, wordsPerMinute: wpm, createdAt: 1000 + clipSeq, decidedAt: 2000 + clipSeq })
        .returning({ id: recordings.id });
      return row!.id;
    });
  }

  const videoId = async (name: string) => (await app.db.select({ id: videos.id }).from(videos).where(eq(videos.name, name)))[0]!.id;

  /** Per split, the ids the release's rows hold: what CHANGELOG.md is checked against. */
  async function rowsOf(version: string) {
    const r = (await getRelease(app.db, version))!;
    const rows = await app.db
      .select({ expressionId: releaseExpressions.expressionId, recordingId: releaseExpressions.recordingId, videoId: releaseExpressions.videoId, split: releaseVideos.split })
      .from(releaseExpressions)
      .innerJoin(releaseVideos, and(eq(releaseVideos.releaseId, releaseExpressions.releaseId), eq(releaseVideos.videoId, releaseExpressions.videoId)))
      .where(eq(releaseExpressions.releaseId, r.id));
    const by = (key: 'expressionId' | 'recordingId' | 'videoId', split: string) => new Set(rows.filter((x) => x.split === split && x[key] !== null).map((x) => x[key]!));
    return { by };
  }

  beforeAll(async () => {
    app = await testApp();
    admin = await makeUser(app, 'boss', ['admin']);
    annotatorId = (await makeUser(app, 'ann', ['annotator'])).id;
    const v1 = (await makeUser(app, 'val1', ['validator'])).id;
    const v2 = (await makeUser(app, 'val2', ['validator'])).id;
    const speaker = (await makeUser(app, 'spk', ['speaker'])).id;
    // Two videos from a folder named DAVIS (the card states DAVIS's terms), one from elsewhere.
    const davis = path.join(app.config.dataDir, 'DAVIS');
    await writeDavisVideo(davis, 'bear', { objects: 3, speed: 2 });
    await writeDavisVideo(davis, 'cows', { objects: 2, speed: 3 });
    await runImport(app, { format: 'davis', dir: davis, status: 'accepted' });
    const elk = await importVideo(app, 'elk', 'accepted', 2);
    const [bear, cows] = await Promise.all(['bear', 'cows'].map(videoId));
    const e1 = await addExpression(app, { videoId: bear!, authorId: annotatorId, status: 'accepted', targets: [1], text: 'the bear walking away slowly' });
    const e2 = await addExpression(app, { videoId: bear!, authorId: annotatorId, status: 'accepted', targets: [2, 3], text: 'the two bears turning around' });
    await addExpression(app, { videoId: cows!, authorId: annotatorId, status: 'accepted', targets: [], text: 'the cow flying over the fence' });
    await addExpression(app, { videoId: elk, authorId: null, status: 'accepted', targets: [1], text: 'the elk running to the left' });
    for (const e of [e1, e2]) await addValidation(app, e, v1);
    await addValidation(app, e1, v2);
    await clip(e1, speaker, 1800, 110);
  });
  afterAll(async () => app.cleanup());

  it('only admins read or write the datasheet text, within its limits; writes are audited', async () => {
    const annotator = await makeUser(app, 'ann2', ['annotator']);
    await expect(callerFor(app, annotator).admin.datasheet.get()).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(callerFor(app, annotator).admin.datasheet.update(text({ uses: 'x' }))).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(callerFor(app, null).admin.datasheet.update(text({ uses: 'x' }))).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    const caller = callerFor(app, admin);
    await expect(caller.admin.datasheet.update(text({ uses: 'x'.repeat(4001) }))).rejects.toMatchObject({ code: 'BAD_REQUEST' });
    // Nothing stored yet: the defaults, with the MeViS citation and no licence.
    expect(await caller.admin.datasheet.get()).toMatchObject({ licence: null, citation: MEVIS_CITATION, uses: '' });
    const saved = await caller.admin.datasheet.update(text({ motivation: 'First motivation.', uses: 'For RVOS research.', licence: 'CC-BY-4.0' }));
    expect(saved.licence).toBe('CC-BY-4.0');
    expect(await caller.admin.datasheet.get()).toEqual(saved);
    const logged = await app.db.select().from(auditLog).where(eq(auditLog.action, 'datasheet.update'));
    expect(logged).toHaveLength(1);
    expect(JSON.parse(logged[0]!.data!)).toEqual({ changed: ['motivation', 'uses', 'licence'], licence: 'CC-BY-4.0' });
  });

  it('writes v1 and v2 with the datasheet as it was, figures in the manifest, a changelog matching the rows, and rebuilds byte for byte after the text changed', async () => {
    const caller = callerFor(app, admin);
    const v1 = await createRelease(app.db, { proportions: HALF }, admin.id);
    const r1 = await writeRelease(app.db, app.store, v1, out('v1'));
    const card1 = read(r1.dir, 'README.md');
    for (const s of ['## Motivation', '## Composition', '## Collection process', '## Preprocessing, cleaning and labeling', '## Uses', '## Distribution', '## Maintenance', '## Citation']) {
      expect(card1).toContain(`\n${s}\n`);
    }
    expect(card1).toContain('First motivation.');
    expect(card1).toContain('For RVOS research.');
    expect(card1).toContain('Licence: Creative Commons Attribution 4.0 International (SPDX: CC-BY-4.0');
    expect(card1).toContain(MEVIS_CITATION);
    // Provenance: the import folders, DAVIS's terms for the two videos from "DAVIS", the other one not guessed.
    expect(card1).toMatch(/\| `DAVIS` \| 2 \|/);
    expect(card1).toContain('- DAVIS (2 videos): the README of the DAVIS 2017 package states');
    expect(card1).toContain('- 1 video from DAVIS-layout imports whose folder names do not say which dataset they are');
    expect(card1).toContain('The chosen licence allows commercial use, while terms above are non-commercial');
    // People and the protocol as run.
    expect(card1).toContain('Expressions: 3 written in MeViS Studio by 1 annotator, 1 imported with their videos; answers of 2 validators decided them.');
    expect(card1).toContain('10 % of a validator\'s samples are gold checks');
    expect(card1).toContain("This is the project's first release");

    const files1 = (JSON.parse(read(r1.dir, 'manifest.json')) as Manifest).files.map((f) => f.path);
    const figures = files1.filter((f) => f.startsWith('figures/'));
    expect(figures).toEqual(['figures/audio_duration.svg', 'figures/audio_wpm.svg', 'figures/expression_length.svg', 'figures/expressions_per_video.svg', 'figures/motion_verbs.svg', 'figures/objects_per_video.svg', 'figures/targets_per_expression.svg']);
    for (const f of figures) expect(card1).toContain(`](${f})`);
    expect(files1).toContain('CHANGELOG.md');
    // The figures count what the release holds.
    expect(bars(read(r1.dir, 'figures/expression_length.svg')).reduce((s, b) => s + b.value, 0)).toBe(4);
    expect(bars(read(r1.dir, 'figures/targets_per_expression.svg')).map((b) => b.value)).toEqual([1, 2, 1]);
    expect(bars(read(r1.dir, 'figures/objects_per_video.svg')).filter((b) => b.value > 0)).toEqual([{ label: '2', value: 2 }, { label: '3', value: 1 }]);
    expect(bars(read(r1.dir, 'figures/motion_verbs.svg')).map((b) => b.label).sort()).toEqual(['fly', 'run', 'turn', 'walk']);
    expect(bars(read(r1.dir, 'figures/audio_wpm.svg')).filter((b) => b.value > 0)).toEqual([{ label: '100–120', value: 1 }]);
    expect(read(r1.dir, 'CHANGELOG.md')).toContain("Release v1 is the project's first release");

    // Between the releases: cows' expression is rejected, a new video comes with two expressions,
    // bear gets one more and elk's expression a clip; the admin changes the text and the licence.
    const [cowsExpr] = await app.db.select({ id: expressions.id }).from(expressions).where(eq(expressions.text, 'the cow flying over the fence'));
    await app.db.transaction((tx) => tx.update(expressions).set({ status: 'rejected' }).where(eq(expressions.id, cowsExpr!.id)));
    const dogs = await importVideo(app, 'dogs', 'accepted', 2);
    await addExpression(app, { videoId: dogs, authorId: annotatorId, status: 'accepted', targets: [1, 2], text: 'the two dogs chasing each other' });
    await addExpression(app, { videoId: dogs, authorId: annotatorId, status: 'accepted', targets: [2], text: 'the dog jumping over the log' });
    const bearId = await videoId('bear');
    await addExpression(app, { videoId: bearId, authorId: annotatorId, status: 'accepted', targets: [3], text: 'the bear climbing the rock' });
    const [elkExpr] = await app.db.select({ id: expressions.id }).from(expressions).where(eq(expressions.text, 'the elk running to the left'));
    await clip(elkExpr!.id, (await makeUser(app, 'spk2', ['speaker'])).id, 2600, 140);
    await caller.admin.datasheet.update(text({ motivation: 'Second motivation.', uses: 'For RVOS research.', licence: 'CC-BY-NC-SA-4.0' }));

    const v2 = await createRelease(app.db, { proportions: HALF }, admin.id);
    const r2 = await writeRelease(app.db, app.store, v2, out('v2'));
    const card2 = read(r2.dir, 'README.md');
    expect(card2).toContain('Second motivation.');
    expect(card2).not.toContain('First motivation.');
    expect(card2).toContain('Licence: Creative Commons Attribution-NonCommercial-ShareAlike 4.0 International (SPDX: CC-BY-NC-SA-4.0');
    expect(card2).not.toContain('allows commercial use');
    expect(card2).toContain('since release v1, by split');

    // CHANGELOG.md against the rows: per split, ids in v2 and not in v1, and the other way.
    const [a, b] = [await rowsOf('v1'), await rowsOf('v2')];
    const diff = (x: Set<number>, y: Set<number>) => [...x].filter((i) => !y.has(i)).length;
    const changelog = read(r2.dir, 'CHANGELOG.md');
    expect(changelog).toContain('Compared with release v1');
    let splitsSeen = 0;
    for (const split of ['train', 'valid_u', 'valid', 'test']) {
      const cell = (key: 'videoId' | 'expressionId' | 'recordingId') => `+${diff(b.by(key, split), a.by(key, split))} / −${diff(a.by(key, split), b.by(key, split))}`;
      const any = ['videoId', 'expressionId', 'recordingId'].some((k) => a.by(k as 'videoId', split).size + b.by(k as 'videoId', split).size > 0);
      if (!any) {
        expect(changelog).not.toContain(`| ${split} |`);
        continue;
      }
      splitsSeen++;
      expect(changelog).toContain(`| ${split} | ${cell('videoId')} | ${cell('expressionId')} | ${cell('recordingId')} |`);
    }
    expect(splitsSeen).toBeGreaterThan(0);
    // The totals, which these changes fix: 3 expressions in, 1 out; dogs in, cows out; elk's clip in.
    expect(changelog).toContain('| **total** | +1 / −1 | +3 / −1 | +1 / −0 |');
    expect(changelog).toMatch(/Videos added:\n\n- \w+ \(1\): dogs/);
    expect(changelog).toMatch(/Videos removed:\n\n- \w+ \(1\): cows/);

    // The text changes again; both releases rebuild byte for byte (their snapshots, not today's text).
    await caller.admin.datasheet.update(text({ motivation: 'Third motivation.', licence: 'CC0-1.0' }));
    const again1 = await writeRelease(app.db, app.store, (await getRelease(app.db, 'v1'))!, out('v1-again'));
    const again2 = await writeRelease(app.db, app.store, (await getRelease(app.db, 'v2'))!, out('v2-again'));
    expect(again1.manifestSha256).toBe(r1.manifestSha256);
    expect(again2.manifestSha256).toBe(r2.manifestSha256);
    expect(read(again1.dir, 'README.md')).toBe(card1);
    expect(read(again2.dir, 'CHANGELOG.md')).toBe(changelog);
    for (const f of figures) expect(read(again2.dir, f)).toBe(read(r2.dir, f));
    // The snapshot is in the release's parameters.
    const [row] = await app.db.select({ params: releases.params }).from(releases).where(eq(releases.version, 'v1'));
    expect(JSON.parse(row!.params).datasheet).toMatchObject({ motivation: 'First motivation.', licence: 'CC-BY-4.0' });
  });
});
