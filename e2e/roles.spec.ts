import { expect, test } from '@playwright/test';
import { account, demoAccounts, login } from './helpers/app.ts';

const ROLE_HOMES = ['admin', 'annotator', 'validator', 'speaker'];

test('every demo user logs in and sees exactly their role home', async ({ page }) => {
  const accounts = demoAccounts();
  expect(accounts.map((a) => a.username).sort()).toEqual(['admin', 'annotator', 'speaker', 'validator1', 'validator2']);
  for (const a of accounts) {
    await login(page, a.username);
    for (const role of ROLE_HOMES) {
      const section = page.getByTestId(`home-${role}`);
      if (a.roles.includes(role)) await expect(section).toBeVisible();
      else await expect(section).toHaveCount(0);
    }
    await page.getByRole('button', { name: 'Log out' }).click();
    await expect(page.getByRole('button', { name: 'Log in' })).toBeVisible();
  }
});

test('role homes show real counts from the demo data', async ({ page }) => {
  await login(page, 'admin');
  await expect(page.getByTestId('stat-videos-accepted')).toContainText('3');
  const masks = Number((await page.getByTestId('stat-masks').locator('.stat-value').textContent()) ?? '0');
  expect(masks).toBeGreaterThan(100);
  await page.goto('/admin/users');
  await expect(page.getByTestId('user-table')).toContainText('validator2');
  await page.getByRole('button', { name: 'Log out' }).click();
  // The log-out must be done before the next log-in's page load (a navigation cancels it).
  await expect(page.getByRole('button', { name: 'Log in' })).toBeVisible();

  await login(page, 'annotator');
  await expect(page.getByTestId('stat-annotate-videos')).toContainText('3');
  await expect(page.getByTestId('video-list').locator('tbody tr')).toHaveCount(3);
});

test('a wrong password is refused with a message and no session', async ({ page }) => {
  await page.goto('/');
  await page.getByLabel('Username').fill('admin');
  await page.getByLabel('Password').fill('definitely-not-the-password');
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByRole('alert')).toContainText('unknown username or wrong password');
  await page.reload();
  await expect(page.getByRole('button', { name: 'Log in' })).toBeVisible();
});

test('the session cookie is HttpOnly and SameSite=Strict', async ({ page, context }) => {
  await login(page, 'speaker');
  const cookie = (await context.cookies()).find((c) => c.name === 'studio_session');
  expect(cookie?.httpOnly).toBe(true);
  expect(cookie?.sameSite).toBe('Strict');
  expect(await page.evaluate(() => document.cookie)).not.toContain('studio_session');
});

test('an expired session raises a log-in dialog over the page instead of leaving it', async ({ page, context }) => {
  await login(page, 'annotator');
  // The video links (each row also has an "Annotate this video" link).
  const links = page.getByTestId('video-list').locator('a[href^="/videos/"]');
  await links.first().click();
  await expect(page.getByTestId('player')).toBeVisible();
  await page.getByRole('link', { name: '← Home' }).click();
  // The session disappears (as after expiry); the next server call is refused.
  await context.clearCookies();
  await links.nth(1).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('Your session has ended');
  const url = page.url();
  expect(url).toMatch(/\/videos\/\d+$/);
  await dialog.getByLabel('Username').fill('annotator');
  await dialog.getByLabel('Password').fill(account('annotator').password);
  await dialog.getByRole('button', { name: 'Log in' }).click();
  await expect(dialog).toHaveCount(0);
  expect(page.url()).toBe(url);
  await expect(page.getByTestId('player')).toBeVisible();
});
