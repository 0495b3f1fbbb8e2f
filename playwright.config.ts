import { defineConfig } from '@playwright/test';
import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { audioFixtures } from './e2e/helpers/audio-fixtures.ts';

// The config is evaluated in the runner and again in each worker; the env var makes them agree
// on one fresh data dir, which the tests read the generated demo passwords from.
process.env.E2E_DATA_DIR ??= mkdtempSync(path.join(os.tmpdir(), 'studio-e2e-'));
const port = Number(process.env.E2E_PORT ?? 3199);
// `npm run test:e2e:pg`: the same suite with the server on PostgreSQL, in a database made for this
// run (createdb/dropdb: the config is synchronous) and dropped by the global teardown.
if (process.env.E2E_DB === 'postgres' && !process.env.E2E_DATABASE_URL) {
  const name = `studio_e2e_${process.pid}`;
  execFileSync('createdb', ['-h', '127.0.0.1', '-U', 'postgres', name]);
  process.env.E2E_DATABASE_URL = `postgres://postgres@127.0.0.1:5432/${name}`;
}
const audio = audioFixtures(path.join(process.env.E2E_DATA_DIR, 'audio-fixtures'));
if (audio.skipReason) process.env.E2E_AUDIO_SKIP = audio.skipReason;

// Flags Debian's Chromium needs here: no sandbox as root, and no background network traffic,
// which this machine's closed network refuses.
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--autoplay-policy=no-user-gesture-required',
];
const executablePath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** A fake microphone that plays `file` (Chromium's own test device). */
const fakeMic = (file: string | null) =>
  file ? ['--use-fake-ui-for-media-stream', '--use-fake-device-for-media-stream', `--use-file-for-fake-audio-capture=${file}`] : [];

export default defineConfig({
  testDir: './e2e',
  timeout: 90_000,
  expect: { timeout: 15_000 },
  workers: 1,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    browserName: 'chromium',
    headless: true,
    launchOptions: { executablePath, args: CHROMIUM_ARGS },
    viewport: { width: 1280, height: 900 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
  projects: [
    { name: 'app', testIgnore: /(record.*|audio-admin|release|admin|cockpit|import|import-video|challenge|objects|batches|quality|probe|raters|splits|datasheet)\.spec\.ts/ },
    // The recording tests need a microphone: Chromium's fake device fed from generated speech.
    {
      name: 'microphone',
      testMatch: /record\.spec\.ts/,
      dependencies: ['app'],
      use: { launchOptions: { executablePath, args: [...CHROMIUM_ARGS, ...fakeMic(audio.speech)] } },
    },
    {
      name: 'silent-microphone',
      testMatch: /record-silent\.spec\.ts/,
      dependencies: ['microphone'],
      use: { launchOptions: { executablePath, args: [...CHROMIUM_ARGS, ...fakeMic(audio.silence)] } },
    },
    // Last: synthesizing fills the queue the recording tests draw their sentences from, and the
    // release should hold what the other specs accepted.
    { name: 'admin-last', testMatch: /(admin|audio-admin|release)\.spec\.ts/, dependencies: ['silent-microphone'] },
    // After everything: it imports and accepts a video and changes users' roles and passwords.
    { name: 'cockpit-last', testMatch: /cockpit\.spec\.ts/, dependencies: ['admin-last'] },
    // After that: the browser import adds the four DAVIS fixture videos to the curation table.
    { name: 'import-last', testMatch: /import\.spec\.ts/, dependencies: ['cockpit-last'] },
    // Then the challenge server: it exports its own release (release.spec makes v1 itself) with the
    // demo videos. Alone: `npx playwright test e2e/challenge.spec.ts --project challenge-last --no-deps`.
    { name: 'challenge-last', testMatch: /challenge\.spec\.ts/, dependencies: ['import-last'] },
    // Each of these changes shared state (excluded objects, videos set aside for one annotator,
    // imported videos, probe tasks), so they run after everything that expects the demo as made.
    { name: 'objects-last', testMatch: /objects\.spec\.ts/, dependencies: ['challenge-last'] },
    { name: 'batches-last', testMatch: /batches\.spec\.ts/, dependencies: ['objects-last'] },
    { name: 'import-video-last', testMatch: /import-video\.spec\.ts/, dependencies: ['batches-last'] },
    { name: 'quality-last', testMatch: /quality\.spec\.ts/, dependencies: ['import-video-last'] },
    // Issue 18's later parts, each changing shared state in its own way: probe tasks on accepted
    // samples, voided answers (samples back in validation), split choices, the datasheet's text.
    { name: 'probe-last', testMatch: /probe\.spec\.ts/, dependencies: ['quality-last'] },
    { name: 'raters-last', testMatch: /raters\.spec\.ts/, dependencies: ['probe-last'] },
    { name: 'splits-last', testMatch: /splits\.spec\.ts/, dependencies: ['raters-last'] },
    { name: 'datasheet-last', testMatch: /datasheet\.spec\.ts/, dependencies: ['splits-last'] },
  ],
  globalTeardown: process.env.E2E_DATABASE_URL ? './e2e/helpers/drop-database.ts' : undefined,
  webServer: {
    // The real server on a fresh data dir: migrations, demo generation and import, HTTP.
    command: 'npx tsx server/src/index.ts',
    env: {
      DATA_DIR: process.env.E2E_DATA_DIR,
      PORT: String(port),
      STUDIO_DEMO: '1',
      LOG_LEVEL: 'warn',
      // Folders e2e/import.spec.ts imports from the browser (it creates the folder).
      IMPORT_ROOT: path.join(process.env.E2E_DATA_DIR, 'import-root'),
      ...(process.env.E2E_DATABASE_URL ? { DATABASE_URL: process.env.E2E_DATABASE_URL } : {}),
    },
    url: `http://127.0.0.1:${port}/healthz`,
    reuseExistingServer: false,
    timeout: 180_000,
    stdout: 'pipe',
    stderr: 'pipe',
  },
});
