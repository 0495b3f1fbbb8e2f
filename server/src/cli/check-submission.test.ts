import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { encode as encodePng } from 'fast-png';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SubmissionReport } from '#shared/eval/submission-check.ts';
import { repoRoot } from '../paths.ts';
import { writeMevisSplit, type MevisSplit } from '../testing/mevis-builder.ts';
import { folderMembers, writeZip, zipBytes } from '../testing/zip-builder.ts';
import { checkSubmission } from './check-submission.ts';

const png = (width: number, height: number) => encodePng({ width, height, data: new Uint8Array(width * height), channels: 1, depth: 8 });

function cli(...args: string[]) {
  return spawnSync(path.join(repoRoot, 'node_modules/.bin/tsx'), [path.join(repoRoot, 'server/src/cli/index.ts'), 'check-submission', ...args], { encoding: 'utf8', timeout: 60_000 });
}

const summary = (r: SubmissionReport) => Object.fromEntries(r.groups.map((g) => [g.kind, { count: g.count, items: g.items }]));

describe('studio check-submission', () => {
  let tmp: string;
  let split: string;
  let meta: MevisSplit['meta'];
  let perfect: string;
  beforeAll(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'studio-check-'));
    split = path.join(tmp, 'valid_u');
    meta = (await writeMevisSplit(split)).meta;
    // Empty masks of the frame size (64×48) for every expected frame.
    perfect = path.join(tmp, 'perfect');
    for (const [video, v] of Object.entries(meta.videos)) {
      for (const expId of Object.keys(v.expressions)) {
        mkdirSync(path.join(perfect, video, expId), { recursive: true });
        for (const f of v.frames) writeFileSync(path.join(perfect, video, expId, `${f}.png`), png(64, 48));
      }
    }
  });
  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('a valid submission (zip or folder) passes with exit code 0', async () => {
    const zip = path.join(tmp, 'perfect.zip');
    writeZip(perfect, '', zip);
    const r = cli('--split', split, zip);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('expected 2 videos, 6 expressions, 24 frame PNGs; found 24 files, 24 expected frame PNGs (24 opened)');
    expect(r.stdout).toMatch(/submission OK$/m);

    const fromDir = await checkSubmission({ split, submission: perfect });
    expect(fromDir).toMatchObject({ valid: true, errors: 0, warnings: 0, groups: [] });

    const json = cli('--split', split, '--json', zip);
    expect(json.status).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ valid: true, found: { frames: 24, checkedPngs: 24 } });
  });

  it('everything wrong at once: every problem listed and counted, exit code 1', async () => {
    const members = folderMembers(perfect, 'submission/').filter((m) => !m.name.startsWith('submission/v-two/') && m.name !== 'submission/v-one/1/00002.png');
    const at = (name: string) => members.find((m) => m.name === `submission/${name}`)!;
    at('v-one/0/00001.png').data = png(32, 32);
    at('v-one/2/00003.png').data = Buffer.from('not a png');
    members.push({ name: 'submission/v-one/0/notes.txt', data: Buffer.from('hello') });
    members.push({ name: 'submission/v-three/0/00000.png', data: png(64, 48) });
    const zip = path.join(tmp, 'broken.zip');
    writeFileSync(zip, zipBytes(members));

    const report = await checkSubmission({ split, submission: zip });
    // kind: files or frames concerned / distinct findings
    expect(report.groups.map((g) => `${g.kind}: ${g.count}/${g.items}`)).toEqual([
      'nested-root: 1/1', 'missing-video: 12/1', 'missing-frame: 1/1', 'undecodable-png: 1/1', 'wrong-size: 1/1', 'extra-folder: 1/1', 'extra-file: 1/1',
    ]);
    expect(report).toMatchObject({ valid: false, errors: 5, warnings: 2, root: 'submission/', found: { frames: 11, checkedPngs: 11 } });

    const r = cli('--split', split, zip);
    expect(r.status).toBe(1);
    const out = r.stdout;
    expect(out).toContain('ERROR   video folders are not at the top of the zip: 1 wrapping folder');
    expect(out).toContain('submission/ — the video folders are under submission/');
    expect(out).toContain('hint: zip the video folders themselves, e.g. `cd submission && zip -r ../submission.zip .`');
    expect(out).toContain('ERROR   missing videos: 12 frame PNGs in 1 video');
    expect(out).toContain('submission/v-two/ — 3 expressions, 12 frames');
    expect(out).toContain('ERROR   missing frame PNGs: 1 frame PNG in 1 expression');
    expect(out).toContain('submission/v-one/1/ — 1 frame: 00002.png');
    expect(out).toContain('ERROR   PNGs that cannot be decoded: 1 PNG');
    expect(out).toContain('submission/v-one/2/00003.png — not a PNG file');
    expect(out).toContain("ERROR   PNGs whose size differs from the frame's: 1 PNG");
    expect(out).toContain('submission/v-one/0/00001.png — 32×32, the frame is 64×48');
    expect(out).toContain('warning unexpected folders (ignored): 1 file in 1 folder');
    expect(out).toContain('submission/v-three/ — 1 file');
    expect(out).toContain('warning unexpected files (ignored): 1 file');
    expect(out).toContain('submission/v-one/0/notes.txt');
    expect(out).toMatch(/submission INVALID: 5 errors, 2 warnings$/m);
  });

  it('path traversal and absolute member names are errors and never read', async () => {
    const members = folderMembers(perfect);
    members.push({ name: '../evil.png', data: png(64, 48) }, { name: 'v-one/0/../../../x.png', data: png(64, 48) }, { name: '/etc/cron.d/x', data: Buffer.from('x') }, { name: 'v-one\\0\\00000.png', data: png(64, 48) });
    const zip = path.join(tmp, 'traversal.zip');
    writeFileSync(zip, zipBytes(members));
    const report = await checkSubmission({ split, submission: zip });
    expect(summary(report)).toEqual({ 'unsafe-path': { count: 4, items: 4 } });
    expect(report.groups[0].examples.map((p) => p.detail)).toEqual(['path traversal ("..")', 'path traversal ("..")', 'absolute path', 'backslash in the path']);
    const r = cli('--split', split, zip);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('ERROR   unsafe member paths (refused, not read): 4 members');
  });

  it('zip-bomb-like declared sizes are refused without inflating', async () => {
    const members = folderMembers(perfect);
    members.find((m) => m.name === 'v-one/0/00000.png')!.declaredSize = 2 ** 30;
    const zip = path.join(tmp, 'bomb.zip');
    writeFileSync(zip, zipBytes(members));
    const report = await checkSubmission({ split, submission: zip });
    expect(summary(report)).toEqual({ 'oversized-member': { count: 1, items: 1 } });
    expect(report.groups[0].examples[0]).toMatchObject({ path: 'v-one/0/00000.png', detail: '1.0 GiB declared, limit 64.0 MiB' });
    expect(report.found.checkedPngs).toBe(23);

    // A zip64 member declaring 20 GiB: over the total limit, so no PNG is opened at all.
    const total = folderMembers(perfect);
    total.push({ name: 'padding.bin', data: Buffer.alloc(16), declaredSize: 20 * 2 ** 30 });
    const zip64 = path.join(tmp, 'bomb64.zip');
    writeFileSync(zip64, zipBytes(total, true));
    const r = cli('--split', split, '--json', zip64);
    expect(r.status).toBe(1);
    const json = JSON.parse(r.stdout) as SubmissionReport;
    expect(summary(json)).toEqual({ 'oversized-total': { count: 1, items: 1 }, 'extra-file': { count: 1, items: 1 } });
    expect(json.found.checkedPngs).toBe(0);
  });

  it('a split without mask_dict.json takes the frame size from the JPEGs', async () => {
    const noGt = path.join(tmp, 'valid');
    cpSync(split, noGt, { recursive: true });
    rmSync(path.join(noGt, 'mask_dict.json'));
    const sub = path.join(tmp, 'small');
    cpSync(perfect, sub, { recursive: true });
    writeFileSync(path.join(sub, 'v-two', '1', '00000.png'), png(48, 64));
    const report = await checkSubmission({ split: noGt, submission: sub });
    expect(summary(report)).toEqual({ 'wrong-size': { count: 1, items: 1 } });
  });

  it('a file that is not a zip is one error; a missing split is a one-line error', () => {
    const notZip = path.join(tmp, 'not.zip');
    writeFileSync(notZip, 'hello');
    const r = cli('--split', split, notZip);
    expect(r.status).toBe(1);
    expect(r.stdout).toMatch(/ERROR {3}unreadable archive: 1 archive\n.*not a zip archive/);
    const bad = cli('--split', tmp, notZip);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^error: .*meta_expressions\.json not found/m);
  });
});
