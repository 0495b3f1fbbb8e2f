import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test, type Browser, type Page } from '@playwright/test';
import { writeDavisVideo } from '../server/src/testing/davis-builder.ts';
import { acceptedExpression, loggedIn, mutate, query } from './helpers/api.ts';
import { audit } from './helpers/axe.ts';

// Runs last (its own project): it imports and accepts a video, and changes users' roles.

interface Checklist {
  steps: { id: string; done: boolean; detail: string }[];
  facts: { videos: number; acceptedVideos: number };
}

/** Imports one generated DAVIS-layout video with the studio's CLI, beside the running server. */
async function importGenerated(name: string): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cockpit-import-'));
  await writeDavisVideo(dir, name, { objects: 3, frames: 6, speed: 3 });
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: process.env.E2E_DATA_DIR, STUDIO_DEMO: '0', LOG_LEVEL: 'warn' };
  if (process.env.E2E_DATABASE_URL) env.DATABASE_URL = process.env.E2E_DATABASE_URL;
  const run = spawnSync(process.execPath, ['--import', 'tsx', 'server/src/cli/index.ts', 'import', '--format', 'davis', dir], { env, encoding: 'utf8', timeout: 120_000 });
  expect(run.status, `studio import: ${run.stderr}`).toBe(0);
}

/** A new user made through the admin API, with a password we know. */
async function newUser(admin: Page, username: string, roles: string[], password: string): Promise<number> {
  const u = await mutate<{ id: number }>(admin, 'admin.users.create', { requestId: crypto.randomUUID(), username, roles, password });
  return u.id;
}

async function loginAs(browser: Browser, username: string, password: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto('/');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByTestId('who')).toContainText(username);
  return page;
}

const step = (page: Page, id: string) => page.getByTestId('checklist').locator(`li[data-step="${id}"]`);

test('the first-run checklist ticks itself off: import with the CLI, accept in curation', async ({ browser }) => {
  const admin = await loggedIn(browser, 'admin');
  // The home page leads to the cockpit and names the next step.
  await expect(admin.getByTestId('home-next-step')).toBeVisible();
  await admin.getByTestId('open-cockpit').click();
  await expect(admin).toHaveURL(/\/admin$/);
  await expect(admin.getByRole('navigation', { name: 'Admin pages' }).getByRole('link', { name: 'Overview' })).toHaveAttribute('aria-current', 'page');
  await expect(admin.getByTestId('checklist').locator('li')).toHaveCount(5);

  // What the page shows is what the project holds.
  const before = await query<Checklist>(admin, 'admin.checklist');
  for (const s of before.steps) await expect(step(admin, s.id)).toHaveAttribute('data-done', String(s.done));
  // The demo's people are there to work: inviting is done on a demo install.
  await expect(step(admin, 'invite')).toHaveAttribute('data-done', 'true');

  const name = `cockpit-${Date.now()}`;
  await importGenerated(name);
  // Back on the overview (a visit asks again), the import counts one more video and is ticked.
  await admin.getByRole('navigation', { name: 'Admin pages' }).getByRole('link', { name: 'Import' }).click();
  await expect(admin.getByTestId('import-page')).toContainText('npm run studio -- import');
  await admin.getByRole('navigation', { name: 'Admin pages' }).getByRole('link', { name: 'Overview' }).click();
  const n = before.facts.videos + 1;
  await expect(step(admin, 'import').getByTestId('step-detail')).toContainText(`${n} video${n === 1 ? '' : 's'} imported`);
  await expect(step(admin, 'import')).toHaveAttribute('data-done', 'true');

  // The curate step's link leads to curation, where the new candidate is accepted.
  await step(admin, 'curate').getByRole('link', { name: 'Curation' }).click();
  await expect(admin).toHaveURL(/\/admin\/curation$/);
  await admin.getByLabel('search videos').fill(name);
  const row = admin.getByTestId('curation-table').locator(`tr[data-video="${name}"]`);
  await row.getByRole('checkbox').check();
  await admin.getByTestId('curation-accept').click();
  await expect(row.getByTestId('video-status')).toHaveText('accepted');
  await admin.getByRole('navigation', { name: 'Admin pages' }).getByRole('link', { name: 'Overview' }).click();
  const m = before.facts.acceptedVideos + 1;
  await expect(step(admin, 'curate').getByTestId('step-detail')).toContainText(`${m} video${m === 1 ? '' : 's'} accepted`);
  await expect(step(admin, 'curate')).toHaveAttribute('data-done', 'true');
});

test('an admin edits a user\'s roles (audited) and cannot remove their own admin role', async ({ browser }) => {
  const admin = await loggedIn(browser, 'admin');
  const username = `roles-${Date.now() % 1_000_000}`;
  const password = 'roles test passphrase';
  await newUser(admin, username, ['annotator'], password);
  // They work as an annotator; the validate queue is not theirs.
  const them = await loginAs(browser, username, password);
  expect((await them.request.post('/trpc/validate.next', { headers: { 'content-type': 'application/json' } })).status()).toBe(403);

  await admin.goto('/admin/users');
  const row = admin.getByTestId('user-table').locator(`tr[data-user="${username}"]`);
  await row.getByTestId('user-edit-roles').click();
  const editor = row.getByTestId('roles-editor');
  await editor.getByLabel('validator').check();
  await editor.getByLabel('annotator').uncheck();
  await editor.getByTestId('roles-save').click();
  await expect(row.getByTestId('user-roles')).toHaveText('validator');
  // Their very next request has the new role (roles are read with the session on each request).
  expect((await them.request.post('/trpc/validate.next', { headers: { 'content-type': 'application/json' } })).status()).toBe(200);
  expect((await them.request.post('/trpc/annotate.nextVideo', { headers: { 'content-type': 'application/json' }, data: '{}' })).status()).toBe(403);
  // Audited, with before and after.
  await admin.getByRole('navigation', { name: 'Admin pages' }).getByRole('link', { name: 'Audit log' }).click();
  await admin.getByLabel('action filter').fill('user.roles');
  await expect(admin.getByTestId('audit-log').locator('tbody tr').first()).toContainText('validator');

  // One's own admin box cannot be unticked, and the server refuses it too.
  await admin.getByRole('navigation', { name: 'Admin pages' }).getByRole('link', { name: 'Users' }).click();
  const mine = admin.getByTestId('user-table').locator('tr[data-user="admin"]');
  await mine.getByTestId('user-edit-roles').click();
  await expect(mine.getByTestId('roles-editor').getByLabel('admin')).toBeDisabled();
  const self = (await query<{ id: number; username: string }[]>(admin, 'admin.users.list')).find((u) => u.username === 'admin')!;
  const refused = await admin.request.post('/trpc/admin.users.setRoles', { headers: { 'content-type': 'application/json' }, data: JSON.stringify({ userId: self.id, roles: ['annotator'] }) });
  expect(refused.status()).toBe(400);
  expect(await refused.text()).toContain('you cannot remove your own admin role');
});

test('a user changes their own password: the current one is needed, their other sessions end', async ({ browser }) => {
  const admin = await loggedIn(browser, 'admin');
  const username = `pw-${Date.now() % 1_000_000}`;
  const password = 'first passphrase here';
  const next = 'second passphrase here';
  await newUser(admin, username, ['speaker'], password);
  const here = await loginAs(browser, username, password);
  const elsewhere = await loginAs(browser, username, password);

  await here.getByTestId('account-link').click();
  await expect(here).toHaveURL(/\/account$/);
  const form = here.getByTestId('change-password');
  await form.getByLabel('Current password').fill('not the password at all');
  await form.getByLabel('New password', { exact: true }).fill(next);
  await form.getByLabel('New password again').fill(next);
  await form.getByRole('button', { name: 'Change password' }).click();
  await expect(form.getByRole('alert')).toContainText('the current password is wrong');
  // A wrong current password ends nothing.
  await elsewhere.reload();
  await expect(elsewhere.getByTestId('who')).toContainText(username);

  await form.getByLabel('Current password').fill(password);
  await form.getByRole('button', { name: 'Change password' }).click();
  await expect(here.getByTestId('password-changed')).toContainText('1 other session ended');
  // This page stays signed in; the other browser is signed out.
  await here.reload();
  await expect(here.getByTestId('who')).toContainText(username);
  expect((await elsewhere.request.post('/trpc/record.next', { headers: { 'content-type': 'application/json' } })).status()).toBe(401);
  // Only the new password logs in now.
  const fresh = await (await browser.newContext()).newPage();
  await fresh.goto('/');
  await fresh.getByLabel('Username').fill(username);
  await fresh.getByLabel('Password').fill(password);
  await fresh.getByRole('button', { name: 'Log in' }).click();
  await expect(fresh.getByRole('alert')).toContainText('unknown username or wrong password');
  await loginAs(browser, username, next);
});

test('the admin opens an expression: targets on the video, every answer with picks and verdict', async ({ browser }) => {
  const annotator = await loggedIn(browser, 'annotator');
  const validator = await loggedIn(browser, 'validator1');
  const text = `the object gliding along the bottom edge ${Date.now() % 1000}`;
  const id = await acceptedExpression(annotator, validator, text);

  const admin = await loggedIn(browser, 'admin');
  await admin.goto('/admin/expressions');
  await admin.getByTestId('expression-table').getByRole('link', { name: text }).click();
  await expect(admin).toHaveURL(new RegExp(`/admin/expressions/${id}$`));
  const view = admin.getByTestId('expression-view');
  await expect(view.getByTestId('expression-text')).toHaveText(text);
  await expect(view.getByTestId('expression-status')).toContainText('accepted');
  await expect(view.getByTestId('expression-targets')).toHaveText('#1');
  await expect(admin.getByTestId('player')).toBeVisible();
  await expect(view.getByTestId('outlined')).toContainText("the annotator's targets, #1");
  // The section stays marked in the navigation while one of its pages is open.
  await expect(admin.getByRole('navigation', { name: 'Admin pages' }).getByRole('link', { name: 'Expressions' })).toHaveAttribute('aria-current', 'true');

  const answer = view.getByTestId('answers').locator('tr[data-validator="validator1"]');
  await expect(answer.getByTestId('answer-picks')).toHaveText('#1');
  await expect(answer.getByTestId('answer-verdict')).toHaveText('agreed with the annotator');
  await answer.getByTestId('outline-picks').click();
  await expect(view.getByTestId('outlined')).toContainText("validator1's picks, #1");
  // The legend marks the outlined object.
  await expect(admin.getByTestId('legend').locator('.legend-item.selected')).toHaveCount(1);

  // The page passes axe like every other.
  const problems: string[] = [];
  await admin.waitForLoadState('networkidle');
  await audit(admin, 'admin expression', problems);
  expect(problems, problems.join('\n')).toEqual([]);
  // An id that does not exist: a clear message, not an empty page.
  await admin.goto('/admin/expressions/987654');
  await expect(admin.getByTestId('cockpit')).toContainText('expression 987654 not found');
});
