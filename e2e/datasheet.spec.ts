import { expect, test } from '@playwright/test';
import { acceptedExpression, loggedIn, query } from './helpers/api.ts';
import { tarNames, tarText } from './helpers/tar.ts';

// Runs last (its own project, datasheet-last): it changes the datasheet text every later release
// copies. Alone: `npx playwright test e2e/datasheet.spec.ts --project datasheet-last --no-deps`.

test('an admin writes the datasheet and picks a licence; the next release\'s README carries them', async ({ browser }) => {
  const admin = await loggedIn(browser, 'admin');
  const marker = `datasheet-e2e-${Date.now().toString(36)}`;
  // Something to release whatever the earlier specs left (run alone, the demo has nothing accepted).
  await acceptedExpression(await loggedIn(browser, 'annotator'), await loggedIn(browser, 'validator1'), 'the shape gliding slowly over to the far right edge');

  await admin.goto('/admin/datasheet');
  const form = admin.getByTestId('datasheet-form');
  await form.getByTestId('datasheet-licence').selectOption('CC-BY-NC-SA-4.0');
  await form.getByTestId('datasheet-motivation').fill(`Made to test the datasheet (${marker}).`);
  await form.getByTestId('datasheet-uses').fill('Research on referring motion expression segmentation only.');
  // The MeViS citation is there by default.
  await expect(form.getByTestId('datasheet-citation')).toHaveValue(/@inproceedings\{MeViS,/);
  await form.getByTestId('datasheet-save').click();
  await expect(form.getByTestId('datasheet-saved')).toBeVisible();
  // Saved on the server: a reload shows it.
  await admin.reload();
  await expect(admin.getByTestId('datasheet-motivation')).toHaveValue(`Made to test the datasheet (${marker}).`);
  await expect(admin.getByTestId('datasheet-licence')).toHaveValue('CC-BY-NC-SA-4.0');

  const before = new Set((await query<{ version: string }[]>(admin, 'admin.releases.list')).map((r) => r.version));
  await admin.goto('/admin/releases');
  const panel = admin.getByTestId('releases-panel');
  await panel.getByLabel('release notes').fill(marker);
  await panel.getByTestId('release-include-demo').check();
  await panel.getByTestId('release-create').click();
  await expect.poll(async () => (await query<{ version: string }[]>(admin, 'admin.releases.list')).filter((r) => !before.has(r.version)).length, { timeout: 30_000 }).toBe(1);
  const version = (await query<{ version: string }[]>(admin, 'admin.releases.list')).find((r) => !before.has(r.version))!.version;
  const row = panel.locator(`tr[data-version="${version}"]`);
  await expect(row.getByTestId('release-download')).toBeVisible({ timeout: 60_000 });

  const [download] = await Promise.all([admin.waitForEvent('download'), row.getByTestId('release-download').click()]);
  const file = await download.path();
  const readme = await tarText(file, `${version}/README.md`);
  expect(readme).not.toBeNull();
  expect(readme).toContain(`Made to test the datasheet (${marker}).`);
  expect(readme).toContain('Research on referring motion expression segmentation only.');
  expect(readme).toContain('Licence: Creative Commons Attribution-NonCommercial-ShareAlike 4.0 International (SPDX: CC-BY-NC-SA-4.0');
  expect(readme).toContain('@inproceedings{MeViS,');
  for (const section of ['## Motivation', '## Composition', '## Collection process', '## Uses', '## Distribution', '## Maintenance', '## Citation']) expect(readme).toContain(`\n${section}\n`);
  // The figures it shows and the changelog it names are in the package.
  const names = await tarNames(file);
  const figures = [...readme!.matchAll(/\]\((figures\/[\w-]+\.svg)\)/g)].map((m) => m[1]!);
  expect(figures.length).toBeGreaterThan(0);
  for (const f of figures) expect(names).toContain(`${version}/${f}`);
  const changelog = await tarText(file, `${version}/CHANGELOG.md`);
  expect(changelog).toContain(`# Changes in release ${version}`);
});
