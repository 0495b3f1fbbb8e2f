import { expect, test } from '@playwright/test';
import { acceptedExpression, loggedIn, mutate, query } from './helpers/api.ts';

/** A dashboard tile's number. */
async function tile(page: import('@playwright/test').Page, testId: string): Promise<number> {
  const text = (await page.getByTestId(testId).locator('.stat-value').textContent()) ?? '';
  return Number(text.replace(/[^0-9.]/g, ''));
}

test('an admin curates: an excluded demo video is never served to annotators again', async ({ browser }) => {
  const admin = await loggedIn(browser, 'admin');
  // The home page leads into the cockpit; its side navigation leads to each page.
  await admin.getByTestId('open-cockpit').click();
  await admin.getByRole('navigation', { name: 'Admin pages' }).getByRole('link', { name: 'Curation' }).click();
  await expect(admin).toHaveURL(/\/admin\/curation$/);
  await expect(admin.getByRole('navigation', { name: 'Admin pages' }).getByRole('link', { name: 'Curation' })).toHaveAttribute('aria-current', 'page');
  const table = admin.getByTestId('curation-table');
  await expect(table.locator('tbody tr')).toHaveCount(3);
  // Scores are computed at import: every demo video has its objects counted and a suggestion.
  for (const cell of await table.getByTestId('suggestion').all()) await expect(cell).not.toHaveText('scoring…');
  const row = table.locator('tbody tr').first();
  const name = (await row.getAttribute('data-video'))!;
  await row.getByRole('checkbox').check();
  await admin.getByTestId('curation-exclude').click();
  await expect(table.locator(`tr[data-video="${name}"]`).getByTestId('video-status')).toHaveText('excluded');
  // Filtering by state finds it; the audit log shows who did it.
  await admin.getByLabel('status filter').selectOption('excluded');
  await expect(table.locator('tbody tr')).toHaveCount(1);
  await admin.getByRole('navigation', { name: 'Admin pages' }).getByRole('link', { name: 'Audit log' }).click();
  await admin.getByLabel('action filter').fill('video.status');
  await expect(admin.getByTestId('audit-log').locator('tbody tr').first()).toContainText('admin');

  const annotator = await loggedIn(browser, 'annotator');
  const list = await query<{ videos: { id: number; name: string }[] }>(annotator, 'videos.list', { limit: 10, offset: 0 });
  expect(list.videos.map((v) => v.name)).not.toContain(name);
  const excludedId = (await query<{ rows: { id: number; name: string }[] }>(admin, 'admin.curation.list', { status: 'excluded' })).rows[0]!.id;
  for (let i = 0; i < 15; i++) {
    const next = await mutate<{ videoId: number | null }>(annotator, 'annotate.nextVideo', {});
    expect(next.videoId).not.toBe(excludedId);
  }
  expect((await annotator.request.get(`/media/frames/${excludedId}/0`)).status()).toBe(404);
});

test('an admin creates a user who logs in, then disables them and their lease goes back to the queue', async ({ browser }) => {
  const admin = await loggedIn(browser, 'admin');
  await admin.goto('/admin/users');
  const users = admin.getByTestId('users');
  await users.getByLabel('new username').fill('newcomer');
  await users.getByLabel('annotator').uncheck();
  await users.getByLabel('validator').check();
  // The first answer is lost on the way back (the server did create the user): the page retries
  // with the same request id and password and gets the first outcome, not "already exists".
  let lost = 0;
  await admin.route('**/trpc/admin.users.create**', async (route) => {
    if (lost++ === 0) {
      await route.fetch();
      await route.abort('connectionreset');
    } else await route.continue();
  });
  await users.getByTestId('user-create').click();
  await expect(admin.getByTestId('new-password')).toHaveAttribute('data-saved', 'true');
  expect(lost).toBe(2);
  const password = ((await admin.getByTestId('new-password').locator('code').textContent()) ?? '').trim();
  expect(password.length).toBeGreaterThanOrEqual(12);

  // A sample for them to hold.
  const annotator = await loggedIn(browser, 'annotator');
  const videos = await query<{ videos: { id: number }[] }>(annotator, 'videos.list', { limit: 10, offset: 0 });
  const sub = await mutate<{ expressionId: number }>(annotator, 'annotate.submit', {
    uid: crypto.randomUUID(), videoId: videos.videos[0]!.id, targets: [2], text: 'the object circling back to where it started', motionReasoning: false, acknowledged: ['static_target', 'static_attributes'],
  });

  const page = await (await browser.newContext()).newPage();
  await page.goto('/');
  await page.getByLabel('Username').fill('newcomer');
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByTestId('who')).toContainText('newcomer');
  const held = await mutate<{ expressionId: number } | null>(page, 'validate.next');
  expect(held).not.toBeNull();

  await admin.reload();
  const row = admin.getByTestId('users').locator('tr[data-user="newcomer"]');
  await row.getByTestId('user-toggle').click();
  await expect(row.getByTestId('user-state')).toHaveText('disabled');
  // Their session is gone, and what they held is free for the next validator at once.
  expect((await page.request.post('/trpc/validate.next', { headers: { 'content-type': 'application/json' } })).status()).toBe(401);
  const validator = await loggedIn(browser, 'validator2');
  const seen: number[] = [];
  for (let i = 0; i < 30; i++) {
    const s = await mutate<{ expressionId: number } | null>(validator, 'validate.next');
    if (!s) break;
    seen.push(s.expressionId);
    if (s.expressionId === held!.expressionId) break;
    await mutate(validator, 'validate.answer', { expressionId: s.expressionId, answer: { kind: 'reject', reason: 'ambiguous' } });
  }
  expect(seen).toContain(held!.expressionId);
  expect(sub.expressionId).toBeGreaterThan(0);
});

test('the dashboard counts what an annotate → validate run produced', async ({ browser }) => {
  const admin = await loggedIn(browser, 'admin');
  await admin.goto('/admin');
  await expect(admin.getByTestId('dashboard')).toBeVisible();
  const before = await tile(admin, 'dash-expr-accepted');
  const annotator = await loggedIn(browser, 'annotator');
  const validator = await loggedIn(browser, 'validator1');
  await acceptedExpression(annotator, validator, 'the object drifting slowly to the far corner');
  await admin.reload();
  await expect.poll(() => tile(admin, 'dash-expr-accepted')).toBe(before + 1);
  // The plots are drawn (uPlot canvases), and the per-user table knows the annotator.
  await expect(admin.getByTestId('dashboard').locator('canvas').first()).toBeVisible();
  await expect(admin.getByTestId('dashboard')).toContainText('annotator');
  // A name leads to that user's recent work in the audit log.
  await admin.getByTestId('dash-annotators-annotator').getByRole('link', { name: 'annotator' }).click();
  await expect(admin).toHaveURL(/\/admin\/audit$/);
  await expect(admin.getByLabel('user filter')).toHaveValue('annotator');
  await expect(admin.getByTestId('audit-log').locator('tbody tr').first()).toContainText('expression.submit');
});
