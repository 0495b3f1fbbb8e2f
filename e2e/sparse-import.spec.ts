import { mkdtempSync, rmSync, unlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { writeDavisVideo } from '../server/src/testing/davis-builder.ts';
import { loggedIn } from './helpers/api.ts';
import { uploadDavisFolder } from './helpers/import.ts';

// Runs in the `import-last` project (its name ends in `import.spec.ts`), after the fixture import:
// the candidate videos it adds would change the curation counts the other specs expect.

let dir: string;
test.beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'e2e-sparse-'));
});
test.afterAll(() => rmSync(dir, { recursive: true, force: true }));

test('a video masked on key frames only is imported, and curation does not suggest it, saying how many objects lack full tracks', async ({ browser }) => {
  test.setTimeout(180_000);
  // Key-frame annotation as XMem/AOT-style tools give it: masks on every 10th of 30 frames. Beside
  // it, the same video masked on every frame.
  const root = path.join(dir, 'set');
  for (const name of ['e2e-keyframes', 'e2e-fulltrack']) await writeDavisVideo(root, name, { frames: 30, width: 96, height: 64, objects: 3, speed: 2 });
  for (let f = 0; f < 30; f++) if (f % 10 !== 0) unlinkSync(path.join(root, 'Annotations', 'e2e-keyframes', `${String(f).padStart(5, '0')}.png`));

  const admin = await loggedIn(browser, 'admin');
  const report = await uploadDavisFolder(admin, root, path.join(dir, 'keyframes.zip'));
  await expect(report.getByTestId('import-summary')).toContainText('2 videos added');

  await admin.goto('/admin/curation');
  await admin.getByLabel('search videos').fill('e2e-');
  const table = admin.getByTestId('curation-table');
  const sparse = table.locator('tr[data-video="e2e-keyframes"]').getByTestId('suggestion');
  await expect(sparse).not.toHaveText('scoring…', { timeout: 60_000 });
  await expect(sparse).toContainText('not suggested');
  await expect(sparse).toContainText('3 of 3 objects masked on only part of their track (key frames)');
  const full = table.locator('tr[data-video="e2e-fulltrack"]').getByTestId('suggestion');
  await expect(full).not.toHaveText('scoring…', { timeout: 60_000 });
  await expect(full).not.toContainText('masked on only part');
});
