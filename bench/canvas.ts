/**
 * bench:canvas — per-frame render time of the video player with all masks vs. without masks, in
 * Debian's Chromium, on 1280×720 synthetic videos with 20 and 60 objects. Run `npm run bench:canvas`
 * (it builds the client first). Prints the distributions and, last, one line per object count:
 *   bench:canvas objects=<n> overlay_ratio=<with/without median> p95_ms=<ms>
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import pino from 'pino';
import { chromium } from '@playwright/test';
import { openApp } from '../server/src/app.ts';
import { loadConfig } from '../server/src/config.ts';
import { createAppServer } from '../server/src/http/server.ts';
import { runImport } from '../server/src/import/run.ts';
import { createUser } from '../server/src/services/users.ts';
import { listVideos } from '../server/src/services/videos.ts';
import { writeSyntheticVideo } from './lib/synthetic-video.ts';

const OBJECT_COUNTS = [20, 60];
const FRAMES = 40;
const ROUNDS = 3;
const PASSWORD = 'measure-only-9271';

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};
const fmt = (x: number) => x.toFixed(2);

async function main() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-canvas-'));
  const src = path.join(dir, 'src');
  console.log(`generating ${OBJECT_COUNTS.length} videos, 1280×720, ${FRAMES} frames, ${OBJECT_COUNTS.join(' and ')} objects…`);
  for (const n of OBJECT_COUNTS) await writeSyntheticVideo(src, `bench-${n}-objects`, { width: 1280, height: 720, frames: FRAMES, objects: n, seed: n });
  const app = await openApp(loadConfig({ DATA_DIR: path.join(dir, 'data'), STUDIO_DEMO: '0' }), { log: pino({ level: 'silent' }) });
  await runImport(app, { format: 'davis', dir: src, status: 'accepted' });
  await createUser(app.db, { username: 'bench', roles: ['admin'], password: PASSWORD }, null);
  const server = createAppServer(app);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  });
  const summary: string[] = [];
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
    await page.goto(base);
    await page.getByLabel('Username').fill('bench');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByTestId('who').waitFor();
    const { videos } = await listVideos(app.db, { limit: 10, offset: 0 }, { onlyAccepted: false });
    for (const n of OBJECT_COUNTS) {
      const v = videos.find((x) => x.name === `bench-${n}-objects`)!;
      await page.goto(`${base}/videos/${v.id}`);
      await page.waitForFunction(() => window.__studioPlayer?.frameReady === true);
      // All frames on the client first: this measures drawing, not the network.
      await page.waitForFunction(() => !document.querySelector('[role=progressbar]'), undefined, { timeout: 60_000 });
      // No named functions inside evaluate: tsx would wrap them in a helper the page lacks.
      // First pass: a mask opacity no frame was composited with yet, so every render composites.
      const cold = await page.evaluate((frames) => {
        const out: number[] = [];
        window.__studioPlayer!.setMasks(true);
        window.__studioPlayer!.setOpacity(0.6);
        for (let f = 0; f < frames; f++) {
          window.__studioPlayer!.seek(f);
          out.push(window.__studioPlayer!.renderNow());
        }
        return out;
      }, FRAMES);
      // Let the composites settle into bitmaps, as they do during normal viewing.
      await page.waitForTimeout(1500);
      const r = await page.evaluate(
        ({ frames, rounds }) => {
          const withMasks: number[] = [];
          const withoutMasks: number[] = [];
          for (let k = 0; k < rounds; k++) {
            for (let f = 0; f < frames; f++) {
              window.__studioPlayer!.seek(f);
              window.__studioPlayer!.setMasks(true);
              withMasks.push(window.__studioPlayer!.renderNow());
              window.__studioPlayer!.setMasks(false);
              withoutMasks.push(window.__studioPlayer!.renderNow());
            }
          }
          window.__studioPlayer!.setMasks(true);
          return { cold: [] as number[], withMasks, withoutMasks, scale: window.__studioPlayer!.scale };
        },
        { frames: FRAMES, rounds: ROUNDS },
      );
      r.cold = cold;
      const med = (xs: number[]) => quantile(xs, 0.5);
      console.log(
        `\n${n} objects (stage scale ${r.scale.toFixed(2)}, ${r.withMasks.length} renders each):\n` +
          `  first render (composites frame + masks): median ${fmt(med(r.cold))} ms, p95 ${fmt(quantile(r.cold, 0.95))} ms\n` +
          `  with masks (cached composites):          median ${fmt(med(r.withMasks))} ms, p95 ${fmt(quantile(r.withMasks, 0.95))} ms\n` +
          `  without masks:                           median ${fmt(med(r.withoutMasks))} ms, p95 ${fmt(quantile(r.withoutMasks, 0.95))} ms`,
      );
      summary.push(`bench:canvas objects=${n} overlay_ratio=${(med(r.withMasks) / med(r.withoutMasks)).toFixed(2)} p95_ms=${fmt(quantile(r.withMasks, 0.95))}`);
    }
  } finally {
    await browser.close();
    server.close();
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log('\ntarget: overlay_ratio ≤ 1.25 and p95 < 16.7 ms at 20 objects');
  for (const line of summary) console.log(line);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
