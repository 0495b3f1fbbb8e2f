import { expect, test, type Page } from '@playwright/test';
import { loggedIn } from './helpers/api.ts';
import { fetchAnnotationView, waitForPlayer } from './helpers/player.ts';

/** Every control needed to write and send an expression lies inside the window with the video. */
async function fitsOnScreen(page: Page) {
  const { width, height } = page.viewportSize()!;
  for (const el of [page.getByTestId('stage'), page.getByRole('textbox', { name: 'Motion expression' }), page.getByTestId('submit')]) {
    const box = (await el.boundingBox())!;
    expect(box.y + box.height, `at ${width}×${height}`).toBeLessThanOrEqual(height);
  }
}

test('an annotator chooses a video from the list, sees what the buttons do, and everything fits at 1440×900 and 1280×720', async ({ browser }) => {
  const page = await loggedIn(browser, 'annotator', { width: 1440, height: 900 });
  const list = page.getByTestId('video-list');
  const links = list.getByRole('link', { name: 'Annotate this video' });
  await expect(links.first()).toBeVisible();
  // The last one, not the one the lottery would pick first.
  const chosen = links.last();
  const href = (await chosen.getAttribute('href'))!;
  await chosen.click();
  await page.waitForURL(new RegExp(`${href}$`));
  await waitForPlayer(page);
  await expect(page.getByTestId('skip-video')).toHaveText(/never offer me this video/);
  await expect(page.getByTestId('next-video')).toHaveText(/Another video \(keep this one\)/);
  await fitsOnScreen(page);
  await page.setViewportSize({ width: 1280, height: 720 });
  await fitsOnScreen(page);
});

test('findings: no "too short" on an untouched field or after a submit; each finding links to its rule', async ({ browser }) => {
  const page = await loggedIn(browser, 'annotator', { width: 1440, height: 900 });
  await page.getByTestId('start-annotating').click();
  await page.waitForURL(/\/annotate\/\d+$/);
  await waitForPlayer(page);
  const videoId = Number(page.url().split('/').pop());
  const view = await fetchAnnotationView(page, videoId);
  const moving = view.motion.filter((m) => m.moving).map((m) => m.localId);
  const box = page.getByRole('textbox', { name: 'Motion expression' });
  await expect(box).toHaveValue('');
  await expect(page.locator('[data-code=too_short]')).toHaveCount(0);
  await box.fill('the dog');
  await expect(page.locator('[data-code=too_short]')).toBeVisible();
  // Picked target, no motion word: refused under A1, with a link to A1 on the guideline page.
  const index = view.motion.findIndex((m) => m.localId === moving[0]);
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press(String((index + 1) % 10));
  await box.fill('the sheep near the fence');
  const finding = page.locator('[data-code=target_without_motion]');
  await expect(finding).toBeVisible();
  await expect(finding.getByTestId('rule-link-target_without_motion')).toHaveAttribute('href', '/guidelines#A1');
  await expect(page.getByTestId('submit')).toBeDisabled();
  await box.fill(`the sheep that trots away first, ${Date.now() % 1000} steps ahead`);
  for (const cb of await page.getByTestId('findings').getByRole('checkbox').all()) await cb.check();
  await page.getByTestId('submit').click();
  await expect(page.getByTestId('submit-notice')).toContainText('Submitted');
  await expect(box).toHaveValue('');
  await expect(page.locator('[data-code=too_short]')).toHaveCount(0);
  await expect(page.locator('.error')).toHaveCount(0);
});
