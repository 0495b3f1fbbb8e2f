import { defineConfig } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

// The config is evaluated in the runner and again in each worker; the env var makes them agree
// on one fresh data dir, which the tests read the generated demo passwords from.
process.env.E2E_DATA_DIR ??= mkdtempSync(path.join(os.tmpdir(), 'studio-e2e-'));
const port = Number(process.env.E2E_PORT ?? 3199);

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
];

export default defineConfig({
  testDir: './e2e',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  workers: 1,
  reporter: [['list']],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    browserName: 'chromium',
    headless: true,
    launchOptions: { executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', args: CHROMIUM_ARGS },
    viewport: { width: 1280, height: 900 },
    screenshot: 'only-on-failure',
    trace: 'retain-on-failure',
  },
  webServer: {
    // The real server on a fresh data dir: migrations, demo generation and import, HTTP.
    command: 'npx tsx server/src/index.ts',
    env: { DATA_DIR: process.env.E2E_DATA_DIR, PORT: String(port), STUDIO_DEMO: '1', LOG_LEVEL: 'warn' },
    url: `http://127.0.0.1:${port}/healthz`,
    reuseExistingServer: false,
    timeout: 180_000,
    stdout: 'pipe',
    stderr: 'pipe',
  },
});
