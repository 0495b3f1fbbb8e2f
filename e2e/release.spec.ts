import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import { loggedIn, query } from './helpers/api.ts';

test('an admin exports a release from the page, follows it, and downloads it as a .tar', async ({ browser }) => {
  const admin = await loggedIn(browser, 'admin');
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
  const releases = await query<{ version: string; videos: number; expressions: number; includeDemo: boolean }[]>(admin, 'admin.releases.list');
  expect(releases[0]).toMatchObject({ version: 'v1', includeDemo: true });
  expect(releases[0]!.expressions).toBeGreaterThan(0);
});
