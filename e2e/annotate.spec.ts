import { expect, test, type Page } from '@playwright/test';
import { login } from './helpers/app.ts';
import { fetchAnnotationView, fetchMasks, fetchMine, interiorPoints, pagePoint, waitForPlayer } from './helpers/player.ts';

/** Starts annotating (the server picks the video) and returns the video id. */
async function startAnnotating(page: Page): Promise<number> {
  await login(page, 'annotator');
  await page.getByTestId('start-annotating').click();
  await page.waitForURL(/\/annotate\/\d+$/);
  await waitForPlayer(page);
  return Number(page.url().split('/').pop());
}

/** Two moving objects visible on frame 0, with a pixel inside each. */
async function twoMovingObjects(page: Page, videoId: number) {
  const [masks, view] = await Promise.all([fetchMasks(page, videoId), fetchAnnotationView(page, videoId)]);
  const { points } = interiorPoints(masks, 0);
  const moving = new Set(view.motion.filter((m) => m.moving).map((m) => m.localId));
  const picks = [...points].filter(([i]) => moving.has(masks.tracks[i]!.localId)).slice(0, 2);
  expect(picks).toHaveLength(2);
  return picks.map(([i, pt]) => ({ localId: masks.tracks[i]!.localId, pt }));
}

test.describe.configure({ mode: 'serial' });

test('pick two objects on the canvas, keep the draft over a reload, submit once despite a retry', async ({ page }) => {
  const videoId = await startAnnotating(page);
  const before = (await fetchMine(page)).expressions.length;
  const targets = await twoMovingObjects(page, videoId);
  for (const t of targets) {
    const p = await pagePoint(page, t.pt.x, t.pt.y);
    await page.mouse.click(p.x, p.y);
    await expect(page.getByTestId(`target-${t.localId}`)).toBeVisible();
  }
  await expect(page.getByTestId('kind')).toContainText('multiple targets');
  const text = `the pair moving together across the scene ${Date.now() % 1000}`;
  await page.getByRole('textbox', { name: 'Motion expression' }).fill(text);

  // Mid-way reload: the draft comes back from local storage.
  await page.reload();
  await waitForPlayer(page);
  for (const t of targets) await expect(page.getByTestId(`target-${t.localId}`)).toBeVisible();
  await expect(page.getByRole('textbox', { name: 'Motion expression' })).toHaveValue(text);

  // The first submit reaches the server, but its answer is lost on the way back.
  let intercepted = 0;
  await page.route('**/trpc/annotate.submit**', async (route) => {
    intercepted++;
    await route.fetch();
    await route.abort('failed');
  });
  await page.getByTestId('submit').click();
  await expect(page.getByTestId('submit-error')).toContainText('Could not reach the server');
  expect(intercepted).toBe(1);
  await expect(page.getByRole('textbox', { name: 'Motion expression' })).toHaveValue(text);

  // The retry carries the same submission id: the server answers with the stored expression.
  await page.unroute('**/trpc/annotate.submit**');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('submit-notice')).toContainText('Already received');
  const mine = (await fetchMine(page)).expressions;
  expect(mine.length).toBe(before + 1);
  expect(mine.filter((e) => e.text === text)).toHaveLength(1);
  expect(mine.find((e) => e.text === text)!.targets).toEqual(targets.map((t) => t.localId).sort((a, b) => a - b));
  await expect(page.getByTestId('my-expressions')).toContainText(text);
  // The draft is gone once the server has it.
  await expect(page.getByRole('textbox', { name: 'Motion expression' })).toHaveValue('');
});

test('a no-target expression without a motion verb is refused with a clear message', async ({ page }) => {
  const videoId = await startAnnotating(page);
  await page.keyboard.press('n');
  await expect(page.locator('.chip.no-target')).toBeVisible();
  await page.getByRole('textbox', { name: 'Motion expression' }).fill('the purple elephant next to the tree');
  const finding = page.locator('[data-code=no_target_without_motion]');
  await expect(finding).toBeVisible();
  await expect(finding).toContainText(/motion/i);
  await expect(page.getByTestId('submit')).toBeDisabled();
  // The server refuses it on its own, whatever the browser does.
  const res = await page.request.post('/trpc/annotate.submit', {
    headers: { 'content-type': 'application/json' },
    data: { uid: crypto.randomUUID(), videoId, targets: [], text: 'the purple elephant next to the tree', motionReasoning: false, acknowledged: [] },
  });
  expect(res.status()).toBe(400);
  expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/motion/i);
  // With a motion verb it goes through.
  await page.getByRole('textbox', { name: 'Motion expression' }).fill('the elephant running away behind the trees');
  await expect(finding).toHaveCount(0);
  await page.getByTestId('submit').click();
  await expect(page.getByTestId('submit-notice')).toContainText('Submitted');
});

test('an expression with a target but no motion word is refused (A1), in the page and by the server', async ({ page }) => {
  const videoId = await startAnnotating(page);
  const view = await fetchAnnotationView(page, videoId);
  const movingIndex = view.motion.findIndex((m) => m.moving === true);
  expect(movingIndex).toBeGreaterThanOrEqual(0);
  const target = view.motion[movingIndex]!.localId;
  await page.keyboard.press(String((movingIndex + 1) % 10));
  await expect(page.getByTestId(`target-${target}`)).toBeVisible();
  const box = page.getByRole('textbox', { name: 'Motion expression' });
  const finding = page.locator('[data-code=target_without_motion]');
  for (const text of ['the horse near the fence', 'the person on the horse']) {
    await box.fill(text);
    await expect(finding).toBeVisible();
    await expect(finding).toContainText(/^A1:.*how they move/);
    await expect(page.getByTestId('submit')).toBeDisabled();
  }
  // The server refuses it on its own, confirmations or not.
  const res = await page.request.post('/trpc/annotate.submit', {
    headers: { 'content-type': 'application/json' },
    data: { uid: crypto.randomUUID(), videoId, targets: [target], text: 'the horse near the fence', motionReasoning: false, acknowledged: ['static_target', 'static_attributes', 'target_without_motion'] },
  });
  expect(res.status()).toBe(400);
  expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/^A1:/);
  // Describing the motion clears it.
  await box.fill(`the horse walking slowly along the fence ${Date.now() % 1000}`);
  await expect(finding).toHaveCount(0);
  await page.getByTestId('submit').click();
  await expect(page.getByTestId('submit-notice')).toContainText('Submitted');
});

test('keyboard, hover, highlight, zoom and the A1 warning', async ({ page }) => {
  const videoId = await startAnnotating(page);
  const view = await fetchAnnotationView(page, videoId);
  const masks = await fetchMasks(page, videoId);
  // "?" lists the shortcuts.
  await page.keyboard.press('?');
  await expect(page.getByRole('dialog')).toContainText('Keyboard shortcuts');
  await page.keyboard.press('Escape');
  await expect(page.getByRole('dialog')).toHaveCount(0);

  // Number keys toggle objects in legend order; the static one raises the A1 warning.
  const staticIndex = view.motion.findIndex((m) => m.moving === false);
  expect(staticIndex).toBeGreaterThanOrEqual(0);
  await page.keyboard.press(String((staticIndex + 1) % 10));
  await expect(page.getByTestId(`target-${view.motion[staticIndex]!.localId}`)).toBeVisible();
  await expect(page.locator('[data-code=static_target]')).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('targets').locator('.chip')).toHaveCount(0);

  // Hovering an object names it.
  const { points } = interiorPoints(masks, 0);
  const [trackIndex, pt] = [...points][0]!;
  let p = await pagePoint(page, pt.x, pt.y);
  await page.mouse.move(p.x, p.y);
  await expect(page.getByTestId('stage-tooltip')).toContainText(`#${masks.tracks[trackIndex]!.localId}`);

  // Zoom in with the wheel: picking still finds the object under the pointer. (The fitted scale
  // may be below 1: the video scales down to leave room for the editor.)
  const fitted = await page.evaluate(() => window.__studioPlayer!.scale);
  await page.mouse.wheel(0, -300);
  await expect.poll(() => page.evaluate(() => window.__studioPlayer!.scale)).toBeGreaterThan(fitted * 1.1);
  p = await pagePoint(page, pt.x, pt.y);
  await page.mouse.click(p.x, p.y);
  await expect(page.getByTestId(`target-${masks.tracks[trackIndex]!.localId}`)).toBeVisible();

  // Highlight one object from the legend (nothing selected): the focus layer shows it, and only it.
  await page.keyboard.press('Escape');
  await expect(page.getByTestId('targets').locator('.chip')).toHaveCount(0);
  const other = [...points].find(([i]) => i !== trackIndex)!;
  await page.getByTestId('legend').getByRole('button').nth(trackIndex).click();
  const focusAlpha = (x: number, y: number) =>
    page.evaluate(
      ({ x, y }) => {
        const canvas = document.querySelectorAll<HTMLCanvasElement>('.konvajs-content canvas')[1]!;
        const p = window.__studioPlayer!.toStage(x + 0.5, y + 0.5);
        const ratio = canvas.width / canvas.clientWidth;
        return canvas.getContext('2d')!.getImageData(Math.floor(p.x * ratio), Math.floor(p.y * ratio), 1, 1).data[3]!;
      },
      { x, y },
    );
  await page.mouse.move(5, 5);
  await expect.poll(() => focusAlpha(pt.x, pt.y)).toBeGreaterThan(100);
  expect(await focusAlpha(other[1].x, other[1].y)).toBe(0);

  // Arrows step, Space plays and pauses.
  await page.getByTestId('stage').click({ position: { x: 2, y: 2 } });
  const f0 = await page.evaluate(() => window.__studioPlayer!.frame);
  await page.keyboard.press('ArrowRight');
  await expect.poll(() => page.evaluate(() => window.__studioPlayer!.frame)).toBe(f0 + 1);
  await page.keyboard.press(' ');
  await expect(page.getByTestId('play-toggle')).toHaveText('Pause');
  await page.keyboard.press(' ');
  await expect(page.getByTestId('play-toggle')).toHaveText('Play');
});
