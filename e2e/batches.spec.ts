import { expect, test, type Browser, type Page } from '@playwright/test';
import { loggedIn, mutate, query } from './helpers/api.ts';
import { audit } from './helpers/axe.ts';
import { fetchAnnotationView, fetchMasks, interiorPoints, pagePoint, waitForPlayer } from './helpers/player.ts';

// Its own project, after everything that expects the demo as made: while the batch is open, one
// video belongs to the demo annotator alone. The batch is closed at the end.

interface Batch {
  id: number;
  name: string;
  closedAt: number | null;
  videos: number;
  videosStarted: number;
  expressionsWritten: number;
}

/** A second annotator, made through the admin API with a password we know. */
async function anotherAnnotator(browser: Browser, admin: Page): Promise<Page> {
  const username = `batch-other-${Date.now() % 100_000}`;
  const password = 'another annotator passphrase';
  await mutate(admin, 'admin.users.create', { requestId: crypto.randomUUID(), username, roles: ['annotator'], password });
  const page = await (await browser.newContext()).newPage();
  await page.goto('/');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByTestId('who')).toContainText(username);
  return page;
}

/** Writes one expression on the video open in the player, through the page: an object, a text, submit. */
async function writeExpression(page: Page, videoId: number, text: string): Promise<void> {
  const [masks, view] = await Promise.all([fetchMasks(page, videoId), fetchAnnotationView(page, videoId)]);
  const moving = new Set(view.motion.filter((m) => m.moving).map((m) => m.localId));
  const points = [...interiorPoints(masks, 0).points].map(([i, pt]) => ({ localId: masks.tracks[i]!.localId, pt }));
  const target = points.find((p) => moving.has(p.localId)) ?? points[0]!;
  const at = await pagePoint(page, target.pt.x, target.pt.y);
  await page.mouse.click(at.x, at.y);
  await expect(page.getByTestId(`target-${target.localId}`)).toBeVisible();
  await page.getByRole('textbox', { name: 'Motion expression' }).fill(text);
  // Warnings the guidelines raise for this pick are confirmed, as an annotator would.
  const confirm = page.getByTestId('findings').locator('li.warning input[type=checkbox]');
  for (let i = 0; i < (await confirm.count()); i++) await confirm.nth(i).check();
  await page.getByTestId('submit').click();
  await expect(page.getByTestId('submit-notice')).toBeVisible();
}

test('an admin gives one annotator a batch: it comes to them first and to no one else, and its progress moves', async ({ browser }) => {
  // Four people's sessions, an axe audit and the player: longer than the default on two busy cores.
  test.setTimeout(240_000);
  const admin = await loggedIn(browser, 'admin');
  const other = await anotherAnnotator(browser, admin);

  // The cockpit's Batches page: a new batch for the demo annotator, one video chosen from the list.
  await admin.getByTestId('open-cockpit').click();
  await admin.getByRole('navigation', { name: 'Admin pages' }).getByRole('link', { name: 'Batches' }).click();
  await expect(admin).toHaveURL(/\/admin\/batches$/);
  const name = `e2e batch ${Date.now() % 100_000}`;
  const form = admin.getByTestId('new-batch');
  await form.getByText('New batch').click();
  await form.getByLabel('batch name').fill(name);
  await form.getByLabel('annotator', { exact: true }).selectOption({ label: 'annotator' });
  await form.getByLabel('choose from the list').check();
  const first = form.getByTestId('new-batch-unassigned').locator('tbody tr').first();
  const videoName = (await first.getAttribute('data-video'))!;
  await first.getByRole('checkbox').check();
  await expect(form).toContainText('(1 chosen)');
  await form.getByTestId('batch-create').click();
  const row = admin.getByTestId('batch-table').locator(`tr[data-batch="${name}"]`);
  await expect(row.getByTestId('batch-state')).toHaveText('open');
  await expect(row.getByTestId('batch-progress')).toContainText('0 / 1 videos');
  await expect(admin.getByTestId('batch-panel').locator(`tr[data-video="${videoName}"]`)).toBeVisible();
  const batch = (await query<Batch[]>(admin, 'admin.batches.list')).find((b) => b.name === name)!;
  const videoId = (await query<{ videoList: { id: number; name: string }[] }>(admin, 'admin.batches.get', { batchId: batch.id })).videoList[0]!.id;

  const problems: string[] = [];
  await admin.waitForLoadState('networkidle');
  await audit(admin, 'admin batches', problems);
  expect(problems, problems.join('\n')).toEqual([]);

  // Another annotator: not from the lottery, not in their list, not when asking for it by id.
  for (let i = 0; i < 15; i++) expect((await mutate<{ videoId: number | null }>(other, 'annotate.nextVideo', {})).videoId).not.toBe(videoId);
  const theirList = await query<{ videos: { id: number }[] }>(other, 'videos.list', { limit: 500, offset: 0 });
  expect(theirList.videos.map((v) => v.id)).not.toContain(videoId);
  await other.goto(`/annotate/${videoId}`);
  await expect(other.getByText(`video ${videoId} is set aside for another annotator's work batch`)).toBeVisible();

  // The demo annotator: their home says how far they are, and "Start annotating" opens the batch's video.
  const annotator = await loggedIn(browser, 'annotator');
  const mine = annotator.getByTestId('my-batches').locator(`[data-batch="${name}"]`);
  await expect(mine).toContainText('0 / 1 videos');
  await annotator.getByTestId('start-annotating').click();
  await annotator.waitForURL(new RegExp(`/annotate/${videoId}$`));
  await waitForPlayer(annotator);
  await writeExpression(annotator, videoId, `the object travelling in batch ${Date.now() % 1000}`);
  await annotator.goto('/');
  await expect(mine).toContainText('1 / 1 videos');

  // The admin's page moves by itself (it polls): one of one video started, one expression written.
  await expect(row.getByTestId('batch-progress')).toContainText('1 / 1 videos');
  await expect(row.getByTestId('batch-written')).toHaveText('1');

  // Closing hands the video back to the lottery; the batch stays, closed, with its counts.
  admin.once('dialog', (d) => void d.accept());
  await admin.getByTestId('batch-close').click();
  await expect(row.getByTestId('batch-state')).toContainText('closed');
  await expect(row.getByTestId('batch-progress')).toContainText('1 / 1 videos');
  expect((await query<{ video: { id: number } }>(other, 'annotate.video', { videoId })).video.id).toBe(videoId);
  await annotator.reload();
  await expect(annotator.getByTestId('home-annotator')).toBeVisible();
  await expect(annotator.getByTestId('my-batches')).toHaveCount(0);
});
