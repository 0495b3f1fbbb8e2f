import { expect, test, type Page } from '@playwright/test';
import { decodeRle } from '../shared/src/rle/index.ts';
import { objectColor } from '../client/src/canvas/palette.ts';
import { login } from './helpers/app.ts';

interface Masks {
  size: [number, number];
  tracks: { localId: number; counts: (string | null)[] }[];
}

/** The masks as the API serves them to the page (same cookies as the browser). */
async function fetchMasks(page: Page, videoId: number): Promise<Masks> {
  const input = encodeURIComponent(JSON.stringify({ videoId }));
  const res = await page.request.get(`/trpc/videos.masks?input=${input}`);
  expect(res.ok()).toBe(true);
  return ((await res.json()) as { result: { data: Masks } }).result.data;
}

/**
 * Label image of one frame as the player composites it (later tracks paint over earlier ones),
 * and for each object a pixel deep inside its visible part, so scaling cannot blur it.
 */
function interiorPoints(masks: Masks, frame: number) {
  const [h, w] = masks.size;
  const label = new Int16Array(h * w).fill(-1);
  masks.tracks.forEach((t, i) => {
    const c = t.counts[frame];
    if (!c) return;
    const m = decodeRle({ size: masks.size, counts: c });
    for (let p = 0; p < m.length; p++) if (m[p]) label[p] = i;
  });
  const R = 4;
  const inside = (x: number, y: number, v: number) => {
    for (let dy = -R; dy <= R; dy++)
      for (let dx = -R; dx <= R; dx++) {
        const xx = x + dx, yy = y + dy;
        if (xx < 0 || yy < 0 || xx >= w || yy >= h || label[yy * w + xx] !== v) return false;
      }
    return true;
  };
  const points = new Map<number, { x: number; y: number }>();
  let background: { x: number; y: number } | null = null;
  for (let y = R; y < h - R; y += 3)
    for (let x = R; x < w - R; x += 3) {
      const v = label[y * w + x]!;
      if (v >= 0 && !points.has(v) && inside(x, y, v)) points.set(v, { x, y });
      if (v < 0 && !background && inside(x, y, -1)) background = { x, y };
    }
  return { points, background: background! };
}

/** RGBA of one canvas (0 = frame layer, 1 = mask layer) at a video pixel. */
async function layerPixel(page: Page, layer: number, x: number, y: number): Promise<number[]> {
  return page.evaluate(
    ({ layer, x, y }) => {
      const canvas = document.querySelectorAll<HTMLCanvasElement>('.konvajs-content canvas')[layer]!;
      const p = window.__studioPlayer!;
      const ratio = canvas.width / (p.width * p.scale);
      const px = Math.floor((x + 0.5) * p.scale * ratio);
      const py = Math.floor((y + 0.5) * p.scale * ratio);
      return Array.from(canvas.getContext('2d')!.getImageData(px, py, 1, 1).data);
    },
    { layer, x, y },
  );
}

async function openFirstVideo(page: Page): Promise<number> {
  await login(page, 'annotator');
  await page.getByTestId('video-list').getByRole('link').first().click();
  await expect(page.getByTestId('player')).toBeVisible();
  await page.waitForFunction(() => window.__studioPlayer?.frameReady === true);
  return Number(page.url().split('/').pop());
}

async function expectMaskColours(page: Page, masks: Masks, frame: number) {
  await page.waitForFunction((f) => window.__studioPlayer?.frame === f && window.__studioPlayer.frameReady, frame);
  const { points, background } = interiorPoints(masks, frame);
  expect(points.size).toBeGreaterThanOrEqual(3);
  for (const [trackIndex, pt] of points) {
    const [r, g, b, a] = await layerPixel(page, 1, pt.x, pt.y);
    const want = objectColor(trackIndex);
    // The layer is drawn with the mask opacity, so colours come back un-premultiplied ± rounding.
    expect(a, `alpha of object #${masks.tracks[trackIndex]!.localId}`).toBeGreaterThan(60);
    expect(Math.abs(r! - want[0]) + Math.abs(g! - want[1]) + Math.abs(b! - want[2]), `colour of #${masks.tracks[trackIndex]!.localId} at ${pt.x},${pt.y}`).toBeLessThan(16);
    const frameRgba = await layerPixel(page, 0, pt.x, pt.y);
    expect(frameRgba[3]).toBe(255);
  }
  const bg = await layerPixel(page, 1, background.x, background.y);
  expect(bg[3], 'no mask colour where no mask is').toBe(0);
}

test('the player draws every object mask in its colour where the mask is', async ({ page }) => {
  const videoId = await openFirstVideo(page);
  const masks = await fetchMasks(page, videoId);
  await expectMaskColours(page, masks, 0);

  // Step forward: the overlay follows the frame.
  for (let i = 0; i < 6; i++) await page.getByRole('button', { name: 'next frame' }).click();
  await expect(page.getByTestId('frame-no')).toContainText('7/');
  await expectMaskColours(page, masks, 6);

  // Masks off: the mask layer is empty where a mask was.
  const { points } = interiorPoints(masks, 6);
  const pt = points.values().next().value!;
  await page.getByLabel('masks').uncheck();
  await expect.poll(async () => (await layerPixel(page, 1, pt.x, pt.y))[3]).toBe(0);
});

test('playback advances frames, loops at the end, and pause stops it', async ({ page }) => {
  await openFirstVideo(page);
  await page.getByLabel('speed').selectOption('2');
  await page.getByTestId('play-toggle').click();
  // Sample the frame index in the page for a while: it must rise and wrap around to the start.
  const seen = await page.evaluate(async () => {
    const out: number[] = [];
    const until = performance.now() + 6000;
    while (performance.now() < until) {
      out.push(window.__studioPlayer!.frame);
      await new Promise((r) => setTimeout(r, 50));
    }
    return out;
  });
  const wraps = seen.filter((f, i) => i > 0 && f < seen[i - 1]!).length;
  expect(Math.max(...seen)).toBeGreaterThan(20);
  expect(wraps).toBeGreaterThanOrEqual(1);
  await page.getByTestId('play-toggle').click();
  const stopped = await page.evaluate(() => window.__studioPlayer!.frame);
  await page.waitForTimeout(400);
  expect(await page.evaluate(() => window.__studioPlayer!.frame)).toBe(stopped);
});
