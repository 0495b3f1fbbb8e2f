import { expect, test, type Page } from '@playwright/test';
import { objectColor } from '../client/src/canvas/palette.ts';
import { login } from './helpers/app.ts';
import { fetchMasks, interiorPoints, scenePixel, setMasks, waitForPlayer, type Masks } from './helpers/player.ts';



async function openFirstVideo(page: Page): Promise<number> {
  await login(page, 'annotator');
  await page.getByTestId('video-list').getByRole('link').first().click();
  await waitForPlayer(page);
  return Number(page.url().split('/').pop());
}

/**
 * Inside each object the scene shows the frame blended with the object's colour at the mask
 * opacity; where there is no mask it shows the frame untouched.
 */
async function expectMaskColours(page: Page, masks: Masks, frame: number) {
  await page.waitForFunction((f) => window.__studioPlayer?.frame === f && window.__studioPlayer.frameReady, frame);
  const { points, background } = interiorPoints(masks, frame);
  expect(points.size).toBeGreaterThanOrEqual(3);
  const opacity = Number(await page.getByLabel('mask opacity').inputValue());
  const probes = [...points, [-1, background] as const];
  await setMasks(page, false);
  const plain = new Map<number, number[]>();
  for (const [i, pt] of probes) plain.set(i, await scenePixel(page, pt.x, pt.y));
  await setMasks(page, true);
  for (const [i, pt] of probes) {
    const shown = await scenePixel(page, pt.x, pt.y);
    const under = plain.get(i)!;
    const want = i < 0 ? under.slice(0, 3) : objectColor(i).map((c, k) => under[k]! * (1 - opacity) + c * opacity);
    const what = i < 0 ? `background at ${pt.x},${pt.y}` : `object #${masks.tracks[i]!.localId} at ${pt.x},${pt.y}`;
    for (let k = 0; k < 3; k++) expect(Math.abs(shown[k]! - want[k]!), `${what}: channel ${k} shows ${shown[k]}, expected ${want[k]!.toFixed(0)}`).toBeLessThanOrEqual(8);
  }
}

test('the player draws every object mask in its colour where the mask is', async ({ page }) => {
  const videoId = await openFirstVideo(page);
  const masks = await fetchMasks(page, videoId);
  await expectMaskColours(page, masks, 0);

  // Step forward: the overlay follows the frame.
  for (let i = 0; i < 6; i++) await page.getByRole('button', { name: 'next frame' }).click();
  await expect(page.getByTestId('frame-no')).toContainText('7/');
  await expectMaskColours(page, masks, 6);

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

test('the player works from the keyboard: step, play, zoom in, out and fit, with visible focus', async ({ page }) => {
  await openFirstVideo(page);
  const zoom = page.locator('.player-controls .zoom');
  await expect(zoom).toContainText('100%');
  await page.keyboard.press('+');
  await expect(zoom).toContainText('150%');
  await page.keyboard.press('+');
  await expect(zoom).toContainText('225%');
  await page.keyboard.press('-');
  await expect(zoom).toContainText('150%');
  await page.keyboard.press('f');
  await expect(zoom).toContainText('100%');
  const frame = () => page.evaluate(() => window.__studioPlayer!.frame);
  await page.keyboard.press('ArrowRight');
  await expect.poll(frame).toBe(1);
  await page.keyboard.press('ArrowLeft');
  await expect.poll(frame).toBe(0);
  await page.keyboard.press(' ');
  await expect(page.getByTestId('play-toggle')).toHaveText('Pause');
  await page.keyboard.press(' ');
  await expect(page.getByTestId('play-toggle')).toHaveText('Play');
  // Tabbing shows where the focus is.
  await page.keyboard.press('Tab');
  const outline = await page.evaluate(() => {
    const el = document.activeElement as HTMLElement;
    const s = getComputedStyle(el);
    return { tag: el.tagName, style: s.outlineStyle, width: parseFloat(s.outlineWidth) };
  });
  expect(outline.style, JSON.stringify(outline)).not.toBe('none');
  expect(outline.width).toBeGreaterThanOrEqual(2);
});
