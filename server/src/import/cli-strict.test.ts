import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DIALECT } from '../db/dialect.ts';
import { repoRoot } from '../paths.ts';
import { createThrowawayPg } from '../testing/pg.ts';
import { writeDavisVideo } from '../testing/davis-builder.ts';

describe('studio import --strict', () => {
  it('refuses warnings with --strict in one line, and imports them by default, listing warnings and coverage', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'studio-cli-strict-'));
    // On PostgreSQL (test:unit:pg) the CLI runs on a throw-away database of this test's own.
    const pg = DIALECT === 'postgres' ? await createThrowawayPg('cli_strict') : null;
    const importDavis = (...args: string[]) =>
      spawnSync(path.join(repoRoot, 'node_modules/.bin/tsx'), [path.join(repoRoot, 'server/src/cli/index.ts'), 'import', '--format', 'davis', ...args], {
        env: { ...process.env, DATA_DIR: dataDir, ...(pg && { DATABASE_URL: pg.url }) },
        encoding: 'utf8',
        timeout: 60_000,
      });
    try {
      const src = path.join(dataDir, 'src');
      mkdirSync(src);
      await writeDavisVideo(src, 'holey', { frames: 6, objects: 2 });
      await writeDavisVideo(src, 'keys', { frames: 9, objects: 1 });
      rmSync(path.join(src, 'Annotations/holey/00003.png'));
      for (const f of [1, 2, 3, 5, 6, 7, 8]) rmSync(path.join(src, `Annotations/keys/0000${f}.png`));

      const strict = importDavis('--strict', src);
      expect(strict.status).toBe(1);
      expect(strict.stderr.trim().split('\n').at(-1)).toMatch(/^error: strict import refused 1 warning\(s\), nothing was imported: Annotations\/holey\/00003\.png: missing between 00002\.png and 00004\.png/);

      const ok = importDavis(src);
      expect(ok.status).toBe(0);
      expect(ok.stdout).toMatch(/2 videos added, 0 unchanged; 15 frames, 3 objects/);
      expect(ok.stdout).toContain('masks: 0 object(s) annotated on every frame; 3 sparse (some frames not annotated; masked/all frames): holey #1 5/6, holey #2 5/6, keys #1 2/9');
      expect(ok.stdout).toContain('1 warning(s), imported anyway (--strict refuses them):\n  Annotations/holey/00003.png: missing between 00002.png and 00004.png');
    } finally {
      await pg?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
