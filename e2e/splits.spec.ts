import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { writeDavisVideo } from '../server/src/testing/davis-builder.ts';
import { acceptedExpression, loggedIn, mutate, query } from './helpers/api.ts';
import { uploadDavisFolder } from './helpers/import.ts';
import { tarNames } from './helpers/tar.ts';

// Runs after every other spec (the `splits-last` project): it adds a video and makes a release,
// and picks nothing by position, since earlier specs leave releases and imported videos behind.

const VIDEO = 'e2e-split-choice';
let dir: string;
test.beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'e2e-splits-'));
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('an admin puts a new video in valid_u on its page; the next release writes it there, under its source frame names, and the split is then fixed', async ({ browser }) => {
  test.setTimeout(240_000);
  // A video with YouTube-VOS frame names (every 5th frame), imported from the browser.
  const root = path.join(dir, 'set');
  await writeDavisVideo(root, VIDEO, { frames: 4, width: 96, height: 64, objects: 2, speed: 3, frameName: (f) => String(5 * f).padStart(5, '0') });
  const admin = await loggedIn(browser, 'admin');
  await uploadDavisFolder(admin, root, path.join(dir, 'split-video.zip'));

  // Accepted for annotation, with one accepted expression, so the next release includes it.
  // Listed once its curation scores are in (a background job after the import, queued behind the
  // jobs of earlier imports).
  const listed = async () => (await query<{ rows: { id: number; name: string }[] }>(admin, 'admin.curation.list', { search: VIDEO })).rows.find((r) => r.name === VIDEO)?.id;
  await expect.poll(listed, { timeout: 60_000 }).toBeDefined();
  const videoId = (await listed())!;
  await mutate(admin, 'admin.curation.setStatus', { videoIds: [videoId], status: 'accepted' });
  await acceptedExpression(await loggedIn(browser, 'annotator'), await loggedIn(browser, 'validator1'), 'the first square sliding to the right', VIDEO);

  // The video's admin page: no split yet; choose valid_u.
  await admin.goto(`/admin/videos/${videoId}`);
  const split = admin.getByTestId('video-split');
  await expect(split).toContainText('none chosen yet');
  await split.getByTestId('video-split-select').selectOption('valid_u');
  await expect(split).toHaveAttribute('data-split', 'valid_u');
  await expect(split).toContainText('chosen by an admin');

  // A release from the page; its row says how the splits were chosen.
  const before = (await query<{ version: string }[]>(admin, 'admin.releases.list')).map((r) => r.version);
  await admin.goto('/admin/releases');
  const releases = admin.getByTestId('releases-panel');
  await expect(releases.getByTestId('release-keep-splits')).toBeChecked();
  await releases.getByLabel('release notes').fill('e2e split choice');
  await releases.getByTestId('release-create').click();
  let version = '';
  await expect
    .poll(async () => {
      version = (await query<{ version: string }[]>(admin, 'admin.releases.list')).map((r) => r.version).find((v) => !before.includes(v)) ?? '';
      return version;
    })
    .not.toBe('');
  const row = releases.locator(`tr[data-version="${version}"]`);
  await expect(row.getByTestId('release-download')).toBeVisible({ timeout: 90_000 });
  await expect(row.getByTestId('release-splits').locator('[data-split="valid_u"]')).toHaveAttribute('title', '1 chosen by an admin');

  // The download holds the video in valid_u, frames under their source names.
  const [download] = await Promise.all([admin.waitForEvent('download'), row.getByTestId('release-download').click()]);
  const names = await tarNames(await download.path());
  expect(names).toContain(`${version}/valid_u/JPEGImages/${VIDEO}/00015.jpg`);
  expect(names.filter((n) => n.includes(`/JPEGImages/${VIDEO}/`))).toEqual([0, 5, 10, 15].map((f) => `${version}/valid_u/JPEGImages/${VIDEO}/${String(f).padStart(5, '0')}.jpg`));

  // Released: the page shows the split as fixed, and the server refuses to move it.
  await admin.goto(`/admin/videos/${videoId}`);
  await expect(split).toContainText(`since release ${version}`);
  await expect(split.getByTestId('video-split-select')).toHaveCount(0);
  const refused = await admin.request.post('/trpc/admin.splits.set', { headers: { 'content-type': 'application/json' }, data: JSON.stringify({ videoIds: [videoId], split: 'train' }) });
  expect(refused.status()).toBe(409);
  expect(await refused.text()).toContain(`${VIDEO} (valid_u since release ${version})`);
});
