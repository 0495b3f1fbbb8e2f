import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Page } from '@playwright/test';
import { loggedIn } from './helpers/api.ts';

/** Rules the issue named besides the serious ones: a page without h1, content outside landmarks, empty table headers. */
const ALSO = new Set(['page-has-heading-one', 'region', 'empty-table-header', 'landmark-one-main', 'heading-order']);

/** axe-core in Chromium, WCAG 2.1 A/AA and best practices: no serious or critical violation may land. */
async function audit(page: Page, where: string, problems: string[]) {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  for (const v of result.violations) {
    if (v.impact !== 'serious' && v.impact !== 'critical' && !ALSO.has(v.id)) continue;
    problems.push(`${where}: ${v.impact} ${v.id}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
  }
}

test('the login page passes axe (no serious or critical violation)', async ({ page }) => {
  const problems: string[] = [];
  await page.goto('/');
  await expect(page.getByRole('button', { name: 'Log in' })).toBeVisible();
  await audit(page, 'login', problems);
  expect(problems, problems.join('\n')).toEqual([]);
});

// One test per page: axe takes seconds per page on a loaded machine.
const PAGES: [string, string, string][] = [
  ['admin', '/', 'admin home'],
  ['annotator', '/', 'annotator home'],
  ['annotator', '/annotate', 'annotate'],
  ['validator1', '/', 'validator home'],
  ['validator1', '/validate', 'validate'],
  ['validator1', '/verify', 'verify'],
  ['speaker', '/', 'speaker home'],
  ['speaker', '/record', 'record'],
  ['annotator', '/guidelines', 'guidelines'],
];
for (const [user, path, where] of PAGES) {
  test(`${where} (${user}) passes axe (no serious or critical violation)`, async ({ browser }) => {
    const problems: string[] = [];
    const p = await loggedIn(browser, user, { width: 1440, height: 900 });
    await p.goto(path);
    await p.waitForLoadState('networkidle');
    await expect(p.getByText('Loading…')).toHaveCount(0);
    await audit(p, `${where} (${user})`, problems);
    await p.context().close();
    expect(problems, problems.join('\n')).toEqual([]);
  });
}
