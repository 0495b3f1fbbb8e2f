/**
 * bench:client — what the browser downloads: compressed bytes over the wire (Chromium's
 * encodedDataLength, headers included) until the login page can be used, and from a fresh tab of
 * a logged-in annotator until the first frame of a video shows on the annotate page, with the
 * time to that frame. Real server, real build (it builds first), Debian's Chromium, a generated
 * 1280×720 video of 40 frames and 8 objects. Last line:
 *   bench:client login_kb=<n> annotate_kb=<n> first_frame_ms=<n>
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { chromium, type Page } from '@playwright/test';
import { openApp } from '../server/src/app.ts';
import { loadConfig } from '../server/src/config.ts';
import { createAppServer } from '../server/src/http/server.ts';
import { runImport } from '../server/src/import/run.ts';
import { createUser } from '../server/src/services/users.ts';
import { listVideos } from '../server/src/services/videos.ts';
import { writeSyntheticVideo } from './lib/synthetic-video.ts';

const PASSWORD = 'measure-only-5531';

/** Counts the bytes every response of this page took on the wire, by URL kind. */
async function wireBytes(page: Page) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  const urls = new Map<string, string>();
  const bytes = { total: 0, byKind: new Map<string, number>() };
  cdp.on('Network.responseReceived', (e) => urls.set(e.requestId, e.response.url));
  cdp.on('Network.loadingFinished', (e) => {
    const url = urls.get(e.requestId) ?? '';
    const kind = url.includes('/assets/') ? 'code' : url.includes('/media/frames/') ? 'frames' : url.includes('/trpc/') ? 'api' : 'page';
    bytes.total += e.encodedDataLength;
    bytes.byKind.set(kind, (bytes.byKind.get(kind) ?? 0) + e.encodedDataLength);
  });
  return {
    snapshot: () => ({ kb: bytes.total / 1024, byKind: Object.fromEntries([...bytes.byKind].map(([k, v]) => [k, Math.round(v / 1024)])) }),
  };
}

async function main() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-client-'));
  const src = path.join(dir, 'src');
  await writeSyntheticVideo(src, 'bench-client', { width: 1280, height: 720, frames: 40, objects: 8, seed: 7 });
  const app = await openApp(loadConfig({ DATA_DIR: path.join(dir, 'data'), STUDIO_DEMO: '0' }), { log: pino({ level: 'silent' }) });
  await runImport(app, { format: 'davis', dir: src, status: 'accepted' });
  await createUser(app.db, { username: 'annie', roles: ['annotator'], password: PASSWORD }, null);
  const server = createAppServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const videoId = (await listVideos(app.db, { limit: 1, offset: 0 }, { onlyAccepted: true })).videos[0]!.id;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  try {
    // The login page, from an empty cache.
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const login = await context.newPage();
    const loginBytes = await wireBytes(login);
    await login.goto(base);
    await login.getByRole('button', { name: 'Log in' }).waitFor();
    await login.waitForLoadState('networkidle');
    const atLogin = loginBytes.snapshot();
    console.log(`login page: ${atLogin.kb.toFixed(1)} kB`, atLogin.byKind);
    await login.getByLabel('Username').fill('annie');
    await login.getByLabel('Password').fill(PASSWORD);
    await login.getByRole('button', { name: 'Log in' }).click();
    await login.getByTestId('who').waitFor();
    await login.close();

    // A fresh context with the session cookie only (empty cache): straight to a video's annotate page.
    const cookies = await context.cookies();
    const fresh = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    await fresh.addCookies(cookies);
    const page = await fresh.newPage();
    const annotateBytes = await wireBytes(page);
    const t0 = Date.now();
    await page.goto(`${base}/annotate/${videoId}`);
    await page.waitForFunction(() => window.__studioPlayer?.frameReady === true, undefined, { timeout: 60_000 });
    const firstFrameMs = Date.now() - t0;
    const atFrame = annotateBytes.snapshot();
    console.log(`annotate page to the first frame: ${atFrame.kb.toFixed(1)} kB in ${firstFrameMs} ms`, atFrame.byKind);
    await fresh.close();
    await context.close();
    console.log('target: login ≤ 150 kB, annotate ≤ 400 kB (compressed, over the wire)');
    console.log(`bench:client login_kb=${atLogin.kb.toFixed(0)} annotate_kb=${atFrame.kb.toFixed(0)} first_frame_ms=${firstFrameMs}`);
  } finally {
    await browser.close();
    server.close();
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
