import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { fixture } from '../server/src/testing/fixtures.ts';
import { encodeVideo, videoToolsMissing } from '../server/src/testing/video-builder.ts';
import { folderMembers, zipBytes } from '../server/src/testing/zip-builder.ts';
import { loggedIn } from './helpers/api.ts';

// Its own project, after the others (it adds a video to the curation table). The video is made
// here with ffmpeg from the DAVIS fixture's kite-surf frames (no binary is committed): its 50
// frames played `loops` times at 24 fps, 854×480, with the fixture's palette masks beside it.

const davis = fixture('davis2017-val-osvos');
const missing = videoToolsMissing() ?? (davis.available ? null : davis.skipNote);

let dir: string;
test.beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'e2e-import-video-'));
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A zip of `<name>-upload/<name>.mp4` and `<name>-upload/<name>/00000.png …` (the first `masks` of the frames' masks). */
function videoZip(name: string, opts: { loops?: number; masks?: number } = {}): string {
  const frames = 50 * (opts.loops ?? 1);
  const src = path.join(dir, name);
  const jpegs = path.join(dir, `${name}-frames`);
  mkdirSync(path.join(src, name), { recursive: true });
  mkdirSync(jpegs, { recursive: true });
  const fixtureName = (f: number) => String(f % 50).padStart(5, '0');
  for (let f = 0; f < frames; f++) {
    cpSync(path.join(davis.path, 'JPEGImages', 'kite-surf', `${fixtureName(f)}.jpg`), path.join(jpegs, `${String(f).padStart(5, '0')}.jpg`));
    if (f < (opts.masks ?? frames)) cpSync(path.join(davis.path, 'Annotations', 'kite-surf', `${fixtureName(f)}.png`), path.join(src, name, `${String(f).padStart(5, '0')}.png`));
  }
  encodeVideo(jpegs, path.join(src, `${name}.mp4`), { fps: 24 });
  const zip = path.join(dir, `${name}.zip`);
  writeFileSync(zip, zipBytes(folderMembers(src, `${name}-upload/`)));
  return zip;
}

test('an admin uploads an MP4 with its mask PNGs as a zip, watches the frames being extracted, and finds the video in curation', async ({ browser }) => {
  test.skip(missing !== null, missing ?? '');
  test.setTimeout(240_000);
  // 200 frames (8.3 s): an extraction long enough to show its progress on a slow machine.
  const zip = videoZip('e2e-kite', { loops: 4 });
  const admin = await loggedIn(browser, 'admin');
  await admin.goto('/admin/import');
  const panel = admin.getByTestId('import-panel');
  await panel.getByTestId('import-format').selectOption('video');
  // Empty frame rate: the video's own (24 fps).
  await expect(panel.getByTestId('import-fps')).toHaveValue('');
  await panel.getByTestId('import-file').setInputFiles(zip);
  await panel.getByTestId('import-upload').click();

  await expect(panel.getByTestId('import-progress')).toBeVisible({ timeout: 60_000 });
  const report = panel.getByTestId('import-report');
  await expect(report).toHaveAttribute('data-outcome', 'imported', { timeout: 180_000 });
  // Extraction was a phase of its own, before the masks were read: the report's timeline says so
  // (the page polls once a second, and on a fast machine 200 frames take less than that).
  const phases = report.getByTestId('import-phases').locator('li');
  expect(await phases.evaluateAll((items) => items.map((li) => li.getAttribute('data-phase')))).toEqual(['extract', 'video', 'masks', 'commit']);
  await expect(phases.and(admin.locator('[data-phase="video"]'))).toContainText('extracting frames from the videos');
  await expect(phases.and(admin.locator('[data-phase="video"]'))).toContainText('200 frames');
  await expect(report.getByTestId('import-summary')).toContainText('Imported (video files): 1 videos added');
  await expect(report.getByTestId('import-summary')).toContainText('200 frames');
  await expect(report.getByTestId('import-summary')).toContainText('3 objects');
  await expect(report.getByTestId('import-summary')).toContainText('curation: 1 scored');
  await expect(report.locator('[data-testid="import-videos"] li[data-video="e2e-kite"]')).toBeVisible();

  await admin.goto('/admin/curation');
  await admin.getByLabel('search videos').fill('e2e-kite');
  const row = admin.getByTestId('curation-table').locator('tr[data-video="e2e-kite"]');
  await expect(row).toBeVisible();
  await expect(row).toContainText('200 · 854×480');
  await expect(row).toContainText('8.3 s');
  await expect(row.getByTestId('video-status')).toHaveText('candidate');
});

test('a video whose masks do not match its frames is refused, naming both numbers; every problem is listed', async ({ browser }) => {
  test.skip(missing !== null, missing ?? '');
  test.setTimeout(120_000);
  // 49 masks for 50 frames.
  const zip = videoZip('e2e-kite-short', { masks: 49 });
  const admin = await loggedIn(browser, 'admin');
  await admin.goto('/admin/import');
  const panel = admin.getByTestId('import-panel');
  await panel.getByTestId('import-file').setInputFiles(zip);
  await panel.getByTestId('import-upload').click();
  const report = panel.getByTestId('import-report');
  await expect(report).toHaveAttribute('data-outcome', 'refused', { timeout: 90_000 });
  await expect(report.getByTestId('import-refused')).toContainText('Nothing was imported');
  const problems = report.getByTestId('import-problems');
  await expect(problems.locator('li')).toHaveCount(1);
  await expect(problems).toContainText('e2e-kite-short/ holds 49 masks but e2e-kite-short.mp4 gives 50 frames at 24 fps: every frame needs exactly one mask');

  // At a stated rate, the frames are counted at that rate; an fps out of range cannot be sent.
  await panel.getByTestId('import-fps').fill('500');
  await expect(panel.getByTestId('import-fps-help')).toHaveText('The frame rate must be a number from 0.1 to 120.');
  await expect(panel.getByTestId('import-upload')).toBeDisabled();
  await panel.getByTestId('import-fps').fill('12');
  await panel.getByTestId('import-file').setInputFiles(zip);
  await panel.getByTestId('import-upload').click();
  await expect(problems).toContainText('e2e-kite-short/ holds 49 masks but e2e-kite-short.mp4 gives 25 frames at 12 fps', { timeout: 90_000 });
  await admin.goto('/admin/curation');
  await admin.getByLabel('search videos').fill('e2e-kite-short');
  await expect(admin.getByTestId('curation-table').locator('tr[data-video="e2e-kite-short"]')).toHaveCount(0);
});
