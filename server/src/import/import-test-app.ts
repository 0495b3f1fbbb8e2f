import { afterEach, beforeEach } from 'vitest';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { testApp, type TestApp } from '../testing/app.ts';

/**
 * For importer tests (call inside a describe): a fresh test app per test, with an empty source
 * folder `root` in its data dir that the test fills with generated videos.
 */
export function importTestApp(): { app: TestApp; root: string } {
  const t = {} as { app: TestApp; root: string };
  beforeEach(async () => {
    t.app = await testApp();
    t.root = path.join(t.app.dir, 'src');
    mkdirSync(t.root);
  });
  afterEach(async () => t.app.cleanup());
  return t;
}
