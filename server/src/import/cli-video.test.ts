import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DIALECT } from '../db/dialect.ts';
import { repoRoot } from '../paths.ts';
import { createThrowawayPg } from '../testing/pg.ts';
import { videoToolsMissing, writeVideoFile } from '../testing/video-builder.ts';

const missing = videoToolsMissing();

describe.skipIf(missing !== null)(`studio import --format video${missing ?? ''}`, () => {
  it('prints every problem on its own line, refuses an fps out of range, and imports at the stated rate', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'studio-cli-video-'));
    const pg = DIALECT === 'postgres' ? await createThrowawayPg('cli_video') : null;
    const importVideos = (...args: string[]) =>
      spawnSync(path.join(repoRoot, 'node_modules/.bin/tsx'), [path.join(repoRoot, 'server/src/cli/index.ts'), 'import', '--format', 'video', ...args], {
        env: { ...process.env, DATA_DIR: dataDir, ...(pg && { DATABASE_URL: pg.url }) },
        encoding: 'utf8',
        timeout: 60_000,
      });
    try {
      const src = path.join(dataDir, 'src');
      mkdirSync(src);
      await writeVideoFile(src, 'short', { fps: 12, frames: 12 });
      rmSync(path.join(src, 'short', '00011.png'));
      await writeVideoFile(src, 'bare', { fps: 12, frames: 4 });
      rmSync(path.join(src, 'bare'), { recursive: true });

      const refused = importVideos(src);
      expect(refused.status).toBe(1);
      expect(refused.stderr.trim().split('\n').slice(-3)).toEqual([
        'error: 2 problems, nothing was imported:',
        '  bare.mp4: has no masks: expected a folder bare/ with a mask PNG per frame, or bare.mask_dict.json beside it',
        '  short/: holds 11 masks but short.mp4 gives 12 frames at 12 fps: every frame needs exactly one mask; masks at about 11 fps over its 1.00 s would match',
      ]);

      const outOfRange = importVideos('--fps', '500', src);
      expect(outOfRange.status).toBe(1);
      expect(outOfRange.stderr).toContain("error: option '--fps <n>' argument '500' is invalid. fps must be a number from 0.1 to 120");

      rmSync(path.join(src, 'bare.mp4'));
      const ok = importVideos('--fps', '11', src);
      expect(ok.stderr).toContain('extracting frames');
      expect(ok.status).toBe(0);
      expect(ok.stdout).toMatch(/import \d+ done in [0-9.]+s: 1 videos added, 0 unchanged; 11 frames, 2 objects/);
    } finally {
      await pg?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});
