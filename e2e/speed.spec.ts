import { expect, test } from '@playwright/test';
import { account } from './helpers/app.ts';

test('the login page loads no work page code; code comes brotli-compressed and cacheable; each page brings its own chunk', async ({ page }) => {
  const assets: { url: string; encoding: string | undefined; cache: string | undefined }[] = [];
  page.on('response', (res) => {
    if (res.url().includes('/assets/')) assets.push({ url: res.url(), encoding: res.headers()['content-encoding'], cache: res.headers()['cache-control'] });
  });
  await page.goto('/');
  await expect(page.getByRole('button', { name: 'Log in' })).toBeVisible();
  await page.waitForLoadState('networkidle');
  expect(assets.length).toBeGreaterThan(0);
  for (const a of assets.filter((x) => /\.(js|css)$/.test(x.url) && !x.url.includes('worklet'))) {
    expect(a.encoding, a.url).toBe('br');
    expect(a.cache, a.url).toBe('public, max-age=31536000, immutable');
  }
  const loginCode = assets.map((a) => a.url).join(' ');
  expect(loginCode).not.toMatch(/VideoPlayer|AdminHome|RecordPage|AnnotatePage|ValidatePage/);

  await page.getByLabel('Username').fill('annotator');
  await page.getByLabel('Password').fill(account('annotator').password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByTestId('who')).toContainText('annotator');
  expect(assets.map((a) => a.url).join(' ')).not.toMatch(/VideoPlayer|AdminHome/);
  await page.getByRole('link', { name: 'Start annotating' }).click();
  await expect.poll(() => assets.some((a) => /AnnotatePage-.*\.js$/.test(a.url))).toBe(true);
  await expect.poll(() => assets.some((a) => /VideoPlayer-.*\.js$/.test(a.url))).toBe(true);
});
