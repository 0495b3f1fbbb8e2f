import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { writeDavisVideo } from '../server/src/testing/davis-builder.ts';
import { fixture } from '../server/src/testing/fixtures.ts';
import { folderMembers, zipBytes } from '../server/src/testing/zip-builder.ts';
import { loggedIn } from './helpers/api.ts';

// Runs last (its own project): the four fixture videos it imports would change the counts the
// other specs expect of the demo data.

const davis = fixture('davis2017-val-osvos');
const VIDEOS = ['horsejump-high', 'kite-surf', 'paragliding-launch', 'soapbox'];

let dir: string;
test.beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'e2e-import-'));
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('an admin imports the DAVIS fixture as a zip from the browser, follows its progress, and finds the videos in curation', async ({ browser }) => {
  test.skip(!davis.available, davis.skipNote);
  test.setTimeout(240_000);
  // A zip as people make them: the dataset inside one top folder.
  const zip = path.join(dir, 'davis2017-val.zip');
  writeFileSync(zip, zipBytes([...folderMembers(path.join(davis.path, 'JPEGImages'), 'davis2017-val/JPEGImages/'), ...folderMembers(path.join(davis.path, 'Annotations'), 'davis2017-val/Annotations/')]));

  const admin = await loggedIn(browser, 'admin');
  await admin.goto('/admin/import');
  const panel = admin.getByTestId('import-panel');
  // Strict by default: a warning would refuse the import (the fixture has none).
  await expect(panel.getByTestId('import-strict')).toBeChecked();
  await panel.getByTestId('import-file').setInputFiles(zip);
  await panel.getByTestId('import-upload').click();
  await expect(panel.getByTestId('import-progress')).toBeVisible({ timeout: 60_000 });
  await expect(panel.getByTestId('import-phase')).not.toBeEmpty();

  const report = panel.getByTestId('import-report');
  await expect(report).toHaveAttribute('data-outcome', 'imported', { timeout: 180_000 });
  await expect(report.getByTestId('import-summary')).toContainText('4 videos added');
  await expect(report.getByTestId('import-summary')).toContainText('754 masks');
  await expect(report.getByTestId('import-summary')).toContainText('curation: 4 scored');
  for (const name of VIDEOS) await expect(report.locator(`[data-testid="import-videos"] li[data-video="${name}"]`)).toBeVisible();

  // The imported videos are candidates in curation, scored.
  await admin.goto('/admin/curation');
  await admin.getByLabel('search videos').fill('kite-surf');
  const row = admin.getByTestId('curation-table').locator('tr[data-video="kite-surf"]');
  await expect(row).toBeVisible();
  await expect(row.getByTestId('video-status')).toHaveText('candidate');
  await expect(row.getByTestId('suggestion')).not.toHaveText('scoring…');
});

test('a broken archive is refused with a clear error naming the problem, and imports nothing', async ({ browser }) => {
  const admin = await loggedIn(browser, 'admin');
  const good = zipBytes([{ name: 'set/JPEGImages/v/00000.jpg', data: Buffer.alloc(40_000, 1) }, { name: 'set/Annotations/v/00000.png', data: Buffer.alloc(40_000, 2) }]);
  const broken = path.join(dir, 'broken.zip');
  // Cut in the middle, as an interrupted download leaves it.
  writeFileSync(broken, good.subarray(0, Math.floor(good.length / 2)));
  await admin.goto('/admin/import');
  const panel = admin.getByTestId('import-panel');
  await panel.getByTestId('import-file').setInputFiles(broken);
  await panel.getByTestId('import-upload').click();
  const report = panel.getByTestId('import-report');
  await expect(report).toHaveAttribute('data-outcome', 'refused', { timeout: 60_000 });
  await expect(report.getByTestId('import-refused')).toContainText('Nothing was imported');
  await expect(report.getByTestId('import-problems')).toContainText(/damaged zip: no end-of-directory record \(truncated upload\?\)/);

  // Not an archive at all: said before anything else.
  const text = path.join(dir, 'notes.zip');
  writeFileSync(text, 'these are my notes, not an archive');
  await panel.getByTestId('import-file').setInputFiles(text);
  await panel.getByTestId('import-upload').click();
  await expect(report.getByTestId('import-problems')).toContainText('not a .zip, .tar or .tar.gz archive');
});

test('an admin picks a folder under IMPORT_ROOT, browsing by name, and imports it', async ({ browser }) => {
  // playwright.config.ts starts the server with IMPORT_ROOT=<data dir>/import-root.
  const root = path.join(process.env.E2E_DATA_DIR!, 'import-root');
  await writeDavisVideo(path.join(root, 'shots', 'take-1'), 'e2e-folder-video', { frames: 4, objects: 3 });
  const admin = await loggedIn(browser, 'admin');
  await admin.goto('/admin/import');
  const panel = admin.getByTestId('import-panel');
  await panel.getByLabel(/a folder on the server/).check();
  const folders = panel.getByTestId('import-folders');
  await folders.locator('tr[data-folder="shots"]').getByRole('button', { name: 'shots/' }).click();
  const row = folders.locator('tr[data-folder="take-1"]');
  await expect(row).toContainText('DAVIS layout');
  await row.getByTestId('import-folder-start').click();
  const report = panel.getByTestId('import-report');
  await expect(report).toHaveAttribute('data-outcome', 'imported', { timeout: 60_000 });
  await expect(panel).toContainText('Last import: IMPORT_ROOT/shots/take-1');
  await expect(report.locator('[data-testid="import-videos"] li[data-video="e2e-folder-video"]')).toBeVisible();
});
