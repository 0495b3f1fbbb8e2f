import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { tarNames } from './helpers/tar.ts';
import { acceptedExpression, loggedIn, query } from './helpers/api.ts';


test('an admin exports a release from the page, follows it, and downloads its two packages as .tar files', async ({ browser }) => {
  const admin = await loggedIn(browser, 'admin');
  // An accepted expression on the demo video the default seed puts in the valid split: the release
  // has a withheld split, so a ground-truth package (and the spec runs alone, too).
  await acceptedExpression(await loggedIn(browser, 'annotator'), await loggedIn(browser, 'validator1'), 'the duck paddling away to the far bank', 'demo-pond');
  await admin.goto('/admin/releases');
  const panel = admin.getByTestId('releases-panel');
  await panel.getByLabel('release notes').fill('e2e release');
  // The work in these tests is on the demo videos, which releases leave out unless asked.
  await panel.getByTestId('release-include-demo').check();
  await panel.getByTestId('release-create').click();
  const row = panel.locator('tr[data-version="v1"]');
  await expect(row.getByTestId('release-download')).toBeVisible({ timeout: 60_000 });
  await expect(row).toContainText('e2e release');
  const [download] = await Promise.all([admin.waitForEvent('download'), row.getByTestId('release-download').click()]);
  expect(download.suggestedFilename()).toBe('mevis-v1.tar');
  const file = await download.path();
  const bytes = readFileSync(file);
  // A POSIX tar: the first header names a file of the release, "ustar" at offset 257.
  expect(bytes.subarray(257, 262).toString()).toBe('ustar');
  expect(bytes.subarray(0, 3).toString()).toBe('v1/');
  // The page says which package is which; the public one holds no ground truth of valid/test.
  await expect(panel.getByTestId('release-packages')).toContainText('never publish it');
  const names = await tarNames(file);
  expect(names).toContain('v1/manifest.json');
  expect(names.filter((n) => /ground.truth|(valid|test)\/mask_dict|tracking\/(valid|test)/.test(n))).toEqual([]);
  expect(names).toContain('v1/valid/meta_expressions.json');
  // The ground truth of valid: a second archive, for the benchmark server.
  const [gt] = await Promise.all([admin.waitForEvent('download'), row.getByTestId('release-ground-truth-download').click()]);
  expect(gt.suggestedFilename()).toBe('mevis-v1.ground-truth.tar');
  const gtNames = await tarNames(await gt.path());
  expect(gtNames).toContain('v1.ground-truth/manifest.json');
  expect(gtNames).toContain('v1.ground-truth/valid/mask_dict.json');
  expect(gtNames.some((n) => n.startsWith('v1.ground-truth/tracking/valid/demo-pond/'))).toBe(true);
  expect(gtNames.filter((n) => /JPEGImages|audio\//.test(n))).toEqual([]);
  const releases = await query<{ version: string; videos: number; expressions: number; includeDemo: boolean }[]>(admin, 'admin.releases.list');
  expect(releases[0]).toMatchObject({ version: 'v1', includeDemo: true });
  expect(releases[0]!.expressions).toBeGreaterThan(0);
});
