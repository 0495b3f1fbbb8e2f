import { expect, type Page } from '@playwright/test';
import { decodeRle } from '../../shared/src/rle/index.ts';

export interface Masks {
  size: [number, number];
  tracks: { localId: number; counts: (string | null)[] }[];
}

async function trpcQuery<T>(page: Page, path: string, input: unknown): Promise<T> {
  const res = await page.request.get(`/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`);
  expect(res.ok(), `${path}: ${res.status()}`).toBe(true);
  return ((await res.json()) as { result: { data: T } }).result.data;
}

/** The masks as the API serves them to the page (same cookies as the browser). */
export const fetchMasks = (page: Page, videoId: number) => trpcQuery<Masks>(page, 'videos.masks', { videoId });

export const fetchAnnotationView = (page: Page, videoId: number) =>
  trpcQuery<{ motion: { localId: number; moving: boolean | null }[]; existingTexts: string[] }>(page, 'annotate.video', { videoId });

export const fetchMine = (page: Page) => trpcQuery<{ expressions: { id: number; text: string; targets: number[]; status: string }[] }>(page, 'annotate.mine', { limit: 50 });

/**
 * Label image of one frame as the player composites it (later tracks paint over earlier ones),
 * and for each track index a pixel deep inside its visible part, so scaling cannot blur it.
 */
export function interiorPoints(masks: Masks, frame: number, radius = 4) {
  const [h, w] = masks.size;
  const label = new Int16Array(h * w).fill(-1);
  masks.tracks.forEach((t, i) => {
    const c = t.counts[frame];
    if (!c) return;
    const m = decodeRle({ size: masks.size, counts: c });
    for (let p = 0; p < m.length; p++) if (m[p]) label[p] = i;
  });
  const inside = (x: number, y: number, v: number) => {
    for (let dy = -radius; dy <= radius; dy++)
      for (let dx = -radius; dx <= radius; dx++) {
        const xx = x + dx;
        const yy = y + dy;
        if (xx < 0 || yy < 0 || xx >= w || yy >= h || label[yy * w + xx] !== v) return false;
      }
    return true;
  };
  const points = new Map<number, { x: number; y: number }>();
  let background: { x: number; y: number } | null = null;
  for (let y = radius; y < h - radius; y += 3)
    for (let x = radius; x < w - radius; x += 3) {
      const v = label[y * w + x]!;
      if (v >= 0 && !points.has(v) && inside(x, y, v)) points.set(v, { x, y });
      if (v < 0 && !background && inside(x, y, -1)) background = { x, y };
    }
  return { points, background: background! };
}

/** Page coordinates of a video pixel, through the stage's fit, zoom and pan. */
export async function pagePoint(page: Page, x: number, y: number): Promise<{ x: number; y: number }> {
  const box = (await page.getByTestId('stage').boundingBox())!;
  const p = await page.evaluate(({ x, y }) => window.__studioPlayer!.toStage(x + 0.5, y + 0.5), { x, y });
  return { x: box.x + p.x, y: box.y + p.y };
}

export async function waitForPlayer(page: Page): Promise<void> {
  await expect(page.getByTestId('player')).toBeVisible();
  await page.waitForFunction(() => window.__studioPlayer?.frameReady === true);
}

/** RGBA of the player's scene layer at a video pixel, through the stage's fit, zoom and pan. */
export async function scenePixel(page: Page, x: number, y: number): Promise<number[]> {
  return page.evaluate(
    ({ x, y }) => {
      const canvas = document.querySelector<HTMLCanvasElement>('.konvajs-content canvas')!;
      const p = window.__studioPlayer!.toStage(x + 0.5, y + 0.5);
      const ratio = canvas.width / canvas.clientWidth;
      return Array.from(canvas.getContext('2d')!.getImageData(Math.floor(p.x * ratio), Math.floor(p.y * ratio), 1, 1).data);
    },
    { x, y },
  );
}

/** Turns the player's masks on or off and draws at once. */
export async function setMasks(page: Page, on: boolean): Promise<void> {
  const box = page.getByLabel('masks');
  if (on) await box.check();
  else await box.uncheck();
  await page.evaluate(() => window.__studioPlayer!.renderNow());
}
