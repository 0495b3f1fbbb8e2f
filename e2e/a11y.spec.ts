import { expect, test } from '@playwright/test';
import { loggedIn } from './helpers/api.ts';
import { audit } from './helpers/axe.ts';

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
  // The cockpit, page by page (one expression's page is checked in cockpit.spec.ts, which makes one).
  ['admin', '/admin', 'admin overview'],
  ['admin', '/admin/import', 'admin import'],
  ['admin', '/admin/curation', 'admin curation'],
  ['admin', '/admin/expressions', 'admin expressions'],
  ['admin', '/admin/audio', 'admin audio'],
  ['admin', '/admin/releases', 'admin releases'],
  ['admin', '/admin/challenge', 'admin challenge'],
  ['admin', '/admin/users', 'admin users'],
  ['admin', '/admin/audit', 'admin audit log'],
  ['admin', '/admin/settings', 'admin settings'],
  ['annotator', '/account', 'account'],
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
