import { expect, test, type Browser, type Page } from '@playwright/test';
import { acceptedExpression, loggedIn, mutate, query } from './helpers/api.ts';
import { login } from './helpers/app.ts';

// Its own project (raters-last), after the quality and probe specs: it sends samples back to
// validation. Alone: `npx playwright test e2e/raters.spec.ts --project raters-last --no-deps`.

interface Detail {
  status: string;
  answers: { validator: string; voidedAt: number | null }[] | null;
}

/** A validator made through the admin API with a password we know (so the demo's own validators keep their work). */
async function newValidator(browser: Browser, admin: Page, name: string): Promise<{ page: Page; username: string }> {
  const username = `${name}-${Date.now() % 100_000}`;
  const password = 'a validator passphrase for raters';
  // A second role, so the exclusion may take "validator" away and leave an account.
  await mutate(admin, 'admin.users.create', { requestId: crypto.randomUUID(), username, roles: ['validator', 'speaker'], password });
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 1000 } })).newPage();
  await login(page, username, password);
  return { page, username };
}

test('the admin takes a validator’s answers out: the sample they accepted is back in validation, and another validator decides it', async ({ browser }) => {
  const admin = await loggedIn(browser, 'admin');
  const annotator = await loggedIn(browser, 'annotator');
  const bad = await newValidator(browser, admin, 'rater-bad');
  // The sample this validator alone accepted (samples ahead of it in their queue they rejected).
  const expressionId = await acceptedExpression(annotator, bad.page, 'the one that wanders in a wide loop before it rests');
  expect((await query<Detail>(admin, 'admin.expressions.get', { expressionId })).status).toBe('accepted');

  await admin.goto('/admin/quality');
  const row = admin.getByTestId('quality-people').locator(`tr[data-user="${bad.username}"][data-role="validator"]`);
  await row.getByTestId('exclude-open').click();
  const dialog = admin.getByTestId('exclude-dialog');
  // The preview: at least the accepted sample goes back to round 1.
  await expect(dialog.getByTestId('exclude-samples').locator('li[data-from="accepted"][data-to="pending"]')).toBeVisible();
  await dialog.getByTestId('exclude-note').fill('accepted without looking (e2e)');
  await dialog.getByTestId('exclude-remove-role').check();
  await dialog.getByTestId('exclude-confirm').click();
  await expect(dialog.getByTestId('exclude-done')).toContainText('voided');
  await expect(dialog.getByTestId('exclude-done')).toContainText('the validator role is taken away');
  await dialog.getByRole('button', { name: 'Close' }).click();
  await expect(admin.getByTestId('quality-exclusions').locator(`tr[data-user="${bad.username}"]`)).toContainText('accepted without looking (e2e)');

  // The sample is waiting for round 1 again; the answer is kept, marked voided.
  const after = await query<Detail>(admin, 'admin.expressions.get', { expressionId });
  expect(after.status).toBe('pending');
  expect(after.answers!.find((a) => a.validator === bad.username)!.voidedAt).not.toBeNull();
  // No new work for the excluded validator.
  const refused = await bad.page.request.post('/trpc/validate.next', { headers: { 'content-type': 'application/json' } });
  expect(refused.status()).toBe(403);

  // Another validator is handed it (oldest first: what is ahead of it is rejected on the way) and decides it.
  const good = await newValidator(browser, admin, 'rater-good');
  for (let guard = 0; ; guard++) {
    expect(guard, 'the reopened sample never came up').toBeLessThan(60);
    const sample = await mutate<{ expressionId: number } | null>(good.page, 'validate.next');
    expect(sample, 'the queue ran dry before the reopened sample').not.toBeNull();
    const mine = sample!.expressionId === expressionId;
    const fb = await mutate<{ outcome: string | null }>(good.page, 'validate.answer', {
      expressionId: sample!.expressionId,
      answer: mine ? { kind: 'targets', targets: [1] } : { kind: 'reject', reason: 'ambiguous' },
    });
    if (mine) {
      expect(fb.outcome).toBe('accepted');
      break;
    }
  }
  const decided = await query<Detail>(admin, 'admin.expressions.get', { expressionId });
  expect(decided.status).toBe('accepted');
  expect(decided.answers!.filter((a) => a.voidedAt === null).map((a) => a.validator)).toEqual([good.username]);
});
