import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { expect, type Locator, type Page } from '@playwright/test';
import { folderMembers, zipBytes } from '../../server/src/testing/zip-builder.ts';

/**
 * Zips a DAVIS-layout folder (JPEGImages/, Annotations/) to `zip` and imports it on the admin's
 * import page, as an admin would from the browser; returns the report once it says "imported".
 */
export async function uploadDavisFolder(admin: Page, root: string, zip: string): Promise<Locator> {
  writeFileSync(zip, zipBytes([...folderMembers(path.join(root, 'JPEGImages'), 'JPEGImages/'), ...folderMembers(path.join(root, 'Annotations'), 'Annotations/')]));
  await admin.goto('/admin/import');
  const panel = admin.getByTestId('import-panel');
  await panel.getByTestId('import-file').setInputFiles(zip);
  await panel.getByTestId('import-upload').click();
  const report = panel.getByTestId('import-report');
  await expect(report).toHaveAttribute('data-outcome', 'imported', { timeout: 120_000 });
  return report;
}
