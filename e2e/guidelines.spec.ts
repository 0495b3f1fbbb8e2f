import { expect, test } from '@playwright/test';
import { loggedIn } from './helpers/api.ts';

test('the guideline page is one click from every screen and explains A1–A5 and V1–V2 with examples', async ({ browser }) => {
  for (const [user, path] of [
    ['annotator', '/annotate'],
    ['validator1', '/validate'],
    ['speaker', '/record'],
    ['admin', '/'],
  ] as const) {
    const page = await loggedIn(browser, user);
    await page.goto(path);
    const link = page.getByTestId('guidelines-link');
    await expect(link, `${user} on ${path}`).toBeVisible();
    await expect(link).toHaveAttribute('href', '/guidelines');
    await page.context().close();
  }
  const page = await loggedIn(browser, 'annotator');
  await page.goto('/guidelines#A5');
  for (const id of ['A1', 'A2', 'A3', 'A4', 'A5', 'V1', 'V2']) {
    const rule = page.getByTestId(`rule-${id}`);
    await expect(rule).toContainText(`${id}.`);
    await expect(rule).toContainText('Good');
    await expect(rule).toContainText('Not like this');
  }
  // A link to a rule lands on it.
  await expect(page.getByTestId('rule-A5')).toBeInViewport();
  await expect(page.getByTestId('rule-A1')).toContainText('the horse near the fence');
});
