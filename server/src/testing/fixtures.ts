import { existsSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../paths.ts';

export { repoRoot };

/**
 * Real video-segmentation fixtures live beside the checkout (../shared/fixtures) and are never
 * copied into the repo. STUDIO_FIXTURES points elsewhere (CI, other machines).
 */
export const fixturesRoot = process.env.STUDIO_FIXTURES
  ? path.resolve(process.env.STUDIO_FIXTURES)
  : path.resolve(repoRoot, '../shared/fixtures');

export interface Fixture {
  path: string;
  available: boolean;
  /** A test title suffix that says why the suite was skipped, so a skip is never silent. */
  skipNote: string;
}

export function fixture(name: string): Fixture {
  const p = path.join(fixturesRoot, name);
  const available = existsSync(p);
  return {
    path: p,
    available,
    skipNote: available ? '' : ` (skipped: fixture ${p} not found; set STUDIO_FIXTURES to the fixtures folder)`,
  };
}
