import { expect, test } from '@playwright/test';
import { objectColor } from '../client/src/canvas/palette.ts';
import { loggedIn, mutate, query } from './helpers/api.ts';
import { audit } from './helpers/axe.ts';
import { fetchAnnotationView, interiorPoints, scenePixel, setMasks, waitForPlayer, type Masks } from './helpers/player.ts';



interface VideoRow {
  id: number;
  name: string;
  objectCount: number;
  frameCount: number;
}

test('an admin sees a video with its masks, excludes an object, and the annotator is no longer offered it', async ({ browser }) => {
  // Five pages, three accounts, every frame loaded twice: over a minute on a busy CI machine.
  test.setTimeout(180_000);
  const annotator = await loggedIn(browser, 'annotator');
  const { videos } = await query<{ videos: VideoRow[] }>(annotator, 'videos.list', { limit: 50, offset: 0 });
  const admin = await loggedIn(browser, 'admin');
  // A curated video with three objects or more, one of them large enough on frame 0 to read its
  // colour inside (after the earlier specs, the list also holds imported videos, whose objects
  // may be small or absent on the first frame).
  let video: VideoRow | undefined;
  let masks: Masks | undefined;
  for (const v of videos.filter((v) => v.objectCount >= 3)) {
    const m = await query<Masks>(admin, 'videos.masks', { videoId: v.id, withExcluded: true });
    if (interiorPoints(m, 0).points.size > 0) {
      [video, masks] = [v, m];
      break;
    }
  }
  expect(video, 'a curated video with three objects or more, one visible on frame 0').toBeTruthy();
  if (!video || !masks) return;

  await admin.goto('/admin/curation');
  await admin.getByLabel('search videos').fill(video.name);
  const row = admin.getByTestId('curation-table').locator(`tr[data-video="${video.name}"]`);
  // The curation preview shows the masks over the frames.
  await row.locator('td.thumbs').hover();
  await expect(admin.getByTestId('mask-preview')).toHaveAttribute('data-masked', /^[1-9]/);
  await row.getByRole('link', { name: video.name }).click();
  await expect(admin).toHaveURL(new RegExp(`/admin/videos/${video.id}$`));
  await waitForPlayer(admin);
  // Every frame in (the loading bar gone), as e2e/a11y.spec.ts audits pages.
  await admin.waitForLoadState('networkidle');
  await expect(admin.getByTestId('player').locator('.progress-label')).toHaveCount(0);
  const problems: string[] = [];
  await audit(admin, 'a video\'s objects', problems);
  expect(problems, problems.join('\n')).toEqual([]);

  // The player draws each object's mask in its colour: frame 0 with masks on is the frame blended
  // with the object's colour at the mask opacity, inside the object.
  const { points } = interiorPoints(masks, 0);
  const [index, pt] = [...points].at(-1)!;
  const victim = masks.tracks[index]!.localId;
  const opacity = Number(await admin.getByLabel('mask opacity').inputValue());
  await setMasks(admin, false);
  const plain = await scenePixel(admin, pt.x, pt.y);
  await setMasks(admin, true);
  const shown = await scenePixel(admin, pt.x, pt.y);
  const want = objectColor(index).map((c, k) => plain[k]! * (1 - opacity) + c * opacity);
  for (let k = 0; k < 3; k++) expect(Math.abs(shown[k]! - want[k]!), `channel ${k}: ${shown[k]} vs ${want[k]!.toFixed(0)}`).toBeLessThanOrEqual(8);

  // Each object with its coverage; the victim is excluded with a note.
  const objectRow = admin.getByTestId('object-table').locator(`tr[data-object="${victim}"]`);
  await expect(objectRow.getByTestId('coverage')).toContainText(`/${video.frameCount}`);
  await objectRow.getByTestId('object-select').click();
  await expect.poll(() => admin.evaluate(() => window.__studioPlayer!.selected)).toEqual([victim]);
  await admin.getByTestId('exclude-note').fill('a bystander (e2e)');
  await admin.getByTestId('object-exclude').click();
  await expect(objectRow).toHaveAttribute('data-state', 'excluded');
  await expect(objectRow.getByTestId('object-state')).toContainText('excluded by admin: a bystander (e2e)');
  // Still drawn here, marked as excluded.
  await expect(admin.getByTestId('legend')).toContainText(`#${victim}`);
  await expect(admin.getByTestId('legend').getByRole('button', { name: new RegExp(`#${victim}\\b.*excluded`) })).toBeVisible();

  // The annotator's page no longer offers it: not in the legend, the keys, the masks or the API.
  await annotator.goto(`/annotate/${video.id}`);
  await waitForPlayer(annotator);
  const legend = await annotator.getByTestId('legend').getByRole('button').allTextContents();
  expect(legend.length).toBe(masks.tracks.length - 1);
  expect(legend.map((t) => t.match(/#(\d+)/)![1])).not.toContain(String(victim));
  const view = await fetchAnnotationView(annotator, video.id);
  expect(view.motion.map((m) => m.localId)).not.toContain(victim);
  const theirs = await query<Masks>(annotator, 'videos.masks', { videoId: video.id, withExcluded: true });
  expect(theirs.tracks.map((t) => t.localId)).not.toContain(victim);

  // Put back: the object is annotated again (the spec leaves the demo as it found it).
  await admin.getByTestId('object-restore').click();
  await expect(objectRow).toHaveAttribute('data-state', 'active');
  await admin.goto('/admin/audit');
  await admin.getByLabel('action filter').fill('object.');
  await expect(admin.getByTestId('audit-log').locator('tbody tr').first()).toContainText('object.restore');
});

test('a validator flags a bad mask; the admin queue shows it on the video and the admin dismisses it', async ({ browser }) => {
  test.setTimeout(180_000);
  // A sample for the validator to hold (earlier specs may have drained the queue).
  const annotator = await loggedIn(browser, 'annotator');
  const { videos } = await query<{ videos: VideoRow[] }>(annotator, 'videos.list', { limit: 50, offset: 0 });
  const view = await fetchAnnotationView(annotator, videos[0]!.id);
  const target = (view.motion.find((m) => m.moving) ?? view.motion[0]!).localId;
  await mutate(annotator, 'annotate.submit', {
    uid: crypto.randomUUID(),
    videoId: videos[0]!.id,
    targets: [target],
    text: 'the figure that slides toward the far edge and then turns back',
    motionReasoning: false,
    acknowledged: ['static_target', 'static_attributes'],
  });

  const validator = await loggedIn(browser, 'validator2');
  await validator.goto('/validate');
  await expect(validator.getByTestId('validate-page')).toBeVisible();
  await waitForPlayer(validator);
  const note = `the mask bleeds into the background ${Date.now() % 100000}`;
  await validator.getByTestId('flag-mask-open').click();
  const flagged = Number(await validator.getByTestId('flag-mask-object').inputValue());
  await validator.getByTestId('flag-mask-note').fill(note);
  // Enter sends the flag, not the answer.
  await validator.getByTestId('flag-mask-note').press('Enter');
  await expect(validator.getByTestId('flag-mask-sent')).toBeVisible();
  await expect(validator.getByTestId('answer')).toBeVisible();

  const admin = await loggedIn(browser, 'admin');
  await admin.goto('/admin');
  await admin.getByRole('navigation', { name: 'Admin pages' }).getByRole('link', { name: 'Mask flags' }).click();
  await expect(admin).toHaveURL(/\/admin\/flags$/);
  const row = admin.getByTestId('flag-list').locator('tr', { hasText: note });
  await expect(row).toBeVisible();
  await expect(row).toContainText('validator2');
  // Shown on the player: the flagged object outlined.
  await row.getByTestId('flag-show').click();
  await waitForPlayer(admin);
  // Every frame in (the loading bar gone), as e2e/a11y.spec.ts audits pages.
  await admin.waitForLoadState('networkidle');
  await expect(admin.getByTestId('player').locator('.progress-label')).toHaveCount(0);
  const problems: string[] = [];
  await audit(admin, 'the mask flags queue', problems);
  expect(problems, problems.join('\n')).toEqual([]);
  await expect.poll(() => admin.evaluate(() => window.__studioPlayer!.selected)).toEqual([flagged]);
  await row.getByTestId('flag-dismiss').click();
  await expect(admin.getByTestId('flag-list').locator('tr', { hasText: note })).toHaveCount(0);
  await admin.getByLabel('flag state').selectOption('resolved');
  await expect(admin.getByTestId('flag-list').locator('tr', { hasText: note }).getByTestId('flag-state')).toHaveText('dismissed by admin');
});
