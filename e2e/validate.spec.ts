import { expect, test, type Page } from '@playwright/test';
import { loggedIn, mutate, query } from './helpers/api.ts';
import { fetchAnnotationView, fetchMasks, fetchMine, interiorPoints, pagePoint, waitForPlayer } from './helpers/player.ts';

interface Planted {
  text: string;
  videoId: number;
  targets: number[];
  /** An object that is not a target (for a wrong answer). */
  wrong: number;
}

/** The annotator writes three expressions on one video through the API. */
async function plant(annotator: Page): Promise<Planted[]> {
  const list = await annotator.request.get(`/trpc/videos.list?input=${encodeURIComponent(JSON.stringify({ limit: 10, offset: 0 }))}`);
  const videoId = ((await list.json()) as { result: { data: { videos: { id: number }[] } } }).result.data.videos[0]!.id;
  const view = await fetchAnnotationView(annotator, videoId);
  const masks = await fetchMasks(annotator, videoId);
  const visible = [...interiorPoints(masks, 0).points.keys()].map((i) => masks.tracks[i]!.localId);
  const moving = view.motion.filter((m) => m.moving && visible.includes(m.localId)).map((m) => m.localId);
  expect(moving.length).toBeGreaterThanOrEqual(3);
  const [a, b, c] = moving as [number, number, number];
  const planted: Planted[] = [
    { text: 'the pair walking away from the camera side by side', videoId, targets: [a, b].sort((x, y) => x - y), wrong: c },
    { text: 'the one that keeps walking after the others stop', videoId, targets: [c], wrong: a },
    { text: 'the one turning around twice before leaving', videoId, targets: [b], wrong: a },
  ];
  for (const p of planted) {
    const res = await annotator.request.post('/trpc/annotate.submit', {
      headers: { 'content-type': 'application/json' },
      data: { uid: crypto.randomUUID(), videoId, targets: p.targets, text: p.text, motionReasoning: false, acknowledged: ['static_target', 'static_attributes'] },
    });
    expect(res.status(), await res.text()).toBe(200);
  }
  return planted;
}

async function clickObject(page: Page, videoId: number, localId: number) {
  const masks = await fetchMasks(page, videoId);
  const i = masks.tracks.findIndex((t) => t.localId === localId);
  const pt = interiorPoints(masks, 0).points.get(i)!;
  const p = await pagePoint(page, pt.x, pt.y);
  await page.mouse.click(p.x, p.y);
  await expect(page.getByTestId(`answer-${localId}`)).toBeVisible();
}

async function reject(page: Page, label: RegExp) {
  await page.getByTestId('reject').click();
  await page.getByRole('dialog').getByLabel(label).check();
  await page.getByRole('dialog').getByRole('button', { name: 'Reject' }).click();
  await expect(page.getByTestId('feedback')).toBeVisible();
}

/**
 * Works through a validator's queue: planted samples get `act`, anything else (left by earlier
 * specs) is rejected as ambiguous so the queue drains. Returns when nothing waits.
 */
async function work(page: Page, planted: Planted[], act: (p: Planted) => Promise<void>) {
  await page.goto('/validate');
  for (let guard = 0; guard < 40; guard++) {
    const sentence = page.getByTestId('sentence');
    const none = page.getByTestId('no-samples');
    await expect(sentence.or(none)).toBeVisible();
    if (await none.isVisible()) return;
    // The page may move on between the two looks (a sample still loading turns out to be none).
    const raw = await sentence.textContent({ timeout: 2000 }).catch(() => null);
    if (raw === null) continue;
    const text = raw.trim();
    const mine = planted.find((p) => p.text === text);
    if (mine) {
      await waitForPlayer(page);
      await act(mine);
    } else {
      await reject(page, /ambiguous/);
    }
    await page.getByTestId('next-sample').click();
  }
  throw new Error('the queue did not drain');
}

/** Every JSON body from our API that this page received, with the time it arrived. */
function recordResponses(page: Page) {
  const bodies: { url: string; at: number; body: unknown }[] = [];
  page.on('response', async (res) => {
    if (!res.url().includes('/trpc/')) return;
    try {
      bodies.push({ url: res.url(), at: Date.now(), body: await res.json() });
    } catch {
      // Not JSON (aborted or empty): nothing to check.
    }
  });
  return bodies;
}

function keysIn(value: unknown, out: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => keysIn(v, out));
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) {
      if (v !== null && v !== undefined) out.push(k);
      keysIn(v, out);
    }
  return out;
}

test('blind two-validator protocol: accepted after a second validator, discarded after two mismatches, rejected with V1 — nothing leaks', async ({ browser }) => {
  const annotator = await loggedIn(browser, 'annotator');
  const planted = await plant(annotator);
  const [accept, discard, rejectV1] = planted as [Planted, Planted, Planted];

  const v1 = await loggedIn(browser, 'validator1');
  const seenByV1 = recordResponses(v1);
  await work(v1, planted, async (p) => {
    if (p === rejectV1) {
      await reject(v1, /V1/);
      await expect(v1.getByTestId('feedback')).toContainText('You rejected this expression');
      return;
    }
    await clickObject(v1, p.videoId, p.wrong);
    await v1.getByTestId('submit-answer').click();
    await expect(v1.getByTestId('feedback')).toContainText('a second validator will decide');
    await expect(v1.getByTestId('correct-targets')).toHaveCount(0);
  });

  const v2 = await loggedIn(browser, 'validator2');
  const seenByV2 = recordResponses(v2);
  const answeredAt = new Map<string, number>();
  await work(v2, planted, async (p) => {
    expect(p).not.toBe(rejectV1);
    if (p === accept) for (const t of p.targets) await clickObject(v2, p.videoId, t);
    else await clickObject(v2, p.videoId, p.wrong);
    answeredAt.set(p.text, Date.now());
    await v2.getByTestId('submit-answer').click();
    const fb = v2.getByTestId('feedback');
    if (p === accept) {
      await expect(fb).toContainText('The expression is accepted');
      await expect(v2.getByTestId('correct-targets')).toContainText(p.targets.map((t) => `#${t}`).join(' '));
    } else {
      await expect(fb).toContainText('discarded');
    }
  });
  expect(answeredAt.size).toBe(2);

  // The annotator sees the outcomes.
  const mine = (await fetchMine(annotator)).expressions;
  const outcome = (p: Planted) => mine.find((e) => e.text === p.text)!.status;
  expect([outcome(accept), outcome(discard), outcome(rejectV1)]).toEqual(['accepted', 'discarded', 'rejected']);

  // Blindness: before a validator's own answer was stored, no response they got carried targets,
  // a round, a gold flag, an author or anyone's answer; afterwards only their own feedback did.
  const FORBIDDEN = /^(targets|correctTargets|answer|answers|agrees|agreed|round|gold|author|authorId|validations?|acknowledged)$/;
  for (const [who, bodies] of [
    ['validator1', seenByV1],
    ['validator2', seenByV2],
  ] as const) {
    expect(bodies.length, who).toBeGreaterThan(5);
    for (const b of bodies) {
      const keys = keysIn(b.body).filter((k) => FORBIDDEN.test(k));
      const isFeedback = b.url.includes('validate.answer');
      if (isFeedback) expect(keys.every((k) => ['agreed', 'correctTargets'].includes(k)), `${who} ${b.url}: ${keys}`).toBe(true);
      else expect(keys, `${who} got ${keys.join(', ')} from ${b.url}`).toEqual([]);
    }
  }
  // And no response to validator 2 before their answer mentioned validator 1's pick.
  const v2Text = JSON.stringify(seenByV2.filter((b) => !b.url.includes('validate.answer')).map((b) => b.body));
  expect(v2Text).not.toMatch(/"answer"|"targets"/);
});

test('a validator answers by keyboard alone, with the keys and the answer on one screen at 1440×900 and 1280×720', async ({ browser }) => {
  const annotator = await loggedIn(browser, 'annotator');
  const list = await annotator.request.get(`/trpc/videos.list?input=${encodeURIComponent(JSON.stringify({ limit: 10, offset: 0 }))}`);
  const videoId = ((await list.json()) as { result: { data: { videos: { id: number }[] } } }).result.data.videos[0]!.id;
  const view = await fetchAnnotationView(annotator, videoId);
  const target = view.motion.find((m) => m.moving)!.localId;
  const byKeys = { text: 'the one that sprints off first and then slows down', targets: [target] };
  const noTarget = { text: 'the bicycle racing past everyone from the left', targets: [] as number[] };
  const toReject = { text: 'the one that wanders around aimlessly near the edge', targets: [target] };
  for (const p of [byKeys, noTarget, toReject]) {
    const res = await annotator.request.post('/trpc/annotate.submit', {
      headers: { 'content-type': 'application/json' },
      data: { uid: crypto.randomUUID(), videoId, targets: p.targets, text: p.text, motionReasoning: false, acknowledged: ['static_target', 'static_attributes'] },
    });
    expect(res.status(), await res.text()).toBe(200);
  }

  const page = await loggedIn(browser, 'validator1', { width: 1440, height: 900 });
  /** Every control needed to answer lies inside the window, nothing below the fold. */
  const fitsOnScreen = async () => {
    const { height } = page.viewportSize()!;
    for (const id of ['sentence', 'stage', 'answer-keys', 'submit-answer', 'reject']) {
      const box = (await page.getByTestId(id).boundingBox())!;
      expect(box.y + box.height, `${id} at ${page.viewportSize()!.width}×${height}`).toBeLessThanOrEqual(height);
    }
  };
  const seen = new Set<string>();
  await page.goto('/validate');
  for (let guard = 0; guard < 40 && seen.size < 3; guard++) {
    const sentence = page.getByTestId('sentence');
    await expect(sentence.or(page.getByTestId('no-samples'))).toBeVisible();
    if (await page.getByTestId('no-samples').isVisible()) break;
    const text = (await sentence.textContent())!.trim();
    await waitForPlayer(page);
    if (text === byKeys.text) {
      await fitsOnScreen();
      await page.setViewportSize({ width: 1280, height: 720 });
      await fitsOnScreen();
      // The key shown beside the object's number is the key that picks it.
      const key = (await page.getByTestId(`key-object-${target}`).locator('kbd').textContent())!;
      await page.keyboard.press(key);
      await expect(page.getByTestId(`answer-${target}`)).toBeVisible();
      await expect(page.getByTestId(`key-object-${target}`)).toHaveAttribute('aria-pressed', 'true');
      await page.keyboard.press('Enter');
      await expect(page.getByTestId('feedback')).toContainText('You agreed with the annotator');
      await expect(page.getByTestId('correct-targets')).toContainText(`#${target} (outlined in the video)`);
      await page.setViewportSize({ width: 1440, height: 900 });
    } else if (text === noTarget.text) {
      await page.keyboard.press('n');
      await expect(page.getByTestId('no-target')).toHaveAttribute('aria-pressed', 'true');
      await page.keyboard.press('Enter');
      await expect(page.getByTestId('feedback')).toContainText('You agreed with the annotator');
      // Nothing is outlined for a no-target expression, and the feedback does not say so.
      await expect(page.getByTestId('correct-targets')).toHaveText('The annotator meant no object: a no-target expression.');
    } else {
      // R, the reason's number on screen, Enter: V1 for ours, "ambiguous" (3) for what earlier specs left.
      await page.keyboard.press('r');
      const dialog = page.getByRole('dialog');
      await expect(dialog).toBeVisible();
      const reason = text === toReject.text ? /V1/ : /ambiguous/;
      const number = (await dialog.locator('label', { hasText: reason }).locator('kbd').textContent())!;
      await page.keyboard.press(number);
      await expect(dialog.getByLabel(reason)).toBeChecked();
      await page.keyboard.press('Enter');
      await expect(page.getByTestId('feedback')).toContainText('You rejected this expression');
    }
    if ([byKeys, noTarget, toReject].some((p) => p.text === text)) seen.add(text);
    await page.keyboard.press('Enter');
    // Enter leaves the feedback for the next sample: wait for that, or the next look reads this sentence again.
    await expect(page.getByTestId('feedback')).toHaveCount(0);
  }
  expect([...seen].sort()).toEqual([byKeys.text, noTarget.text, toReject.text].sort());
  const mine = (await fetchMine(annotator)).expressions;
  const statusOf = (t: string) => mine.find((e) => e.text === t)!.status;
  expect(statusOf(byKeys.text)).toBe('accepted');
  expect(statusOf(noTarget.text)).toBe('accepted');
});

test('two validators who agree with each other against the annotator: their answer is offered to the annotator, who resubmits it', async ({ browser }) => {
  const annotator = await loggedIn(browser, 'annotator');
  const videos = await query<{ videos: { id: number }[] }>(annotator, 'videos.list', { limit: 10, offset: 0 });
  const videoId = videos.videos[0]!.id;
  const view = await fetchAnnotationView(annotator, videoId);
  const [meant, read] = view.motion.filter((m) => m.moving).map((m) => m.localId) as [number, number];
  const text = 'the one that overtakes the others halfway across';
  const { expressionId } = await mutate<{ expressionId: number }>(annotator, 'annotate.submit', {
    uid: crypto.randomUUID(),
    videoId,
    targets: [meant],
    text,
    motionReasoning: false,
    acknowledged: ['static_target', 'static_attributes'],
  });
  // Both validators read the sentence as another object (through the API; the page is tested above).
  for (const name of ['validator1', 'validator2']) {
    const v = await loggedIn(browser, name);
    for (let guard = 0; ; guard++) {
      expect(guard, `${name}: the planted sample never came up`).toBeLessThan(50);
      const sample = await mutate<{ expressionId: number } | null>(v, 'validate.next');
      expect(sample, `${name}: the queue ran dry`).not.toBeNull();
      const ours = sample!.expressionId === expressionId;
      await mutate(v, 'validate.answer', { expressionId: sample!.expressionId, answer: ours ? { kind: 'targets', targets: [read] } : { kind: 'reject', reason: 'ambiguous' } });
      if (ours) break;
    }
  }

  await annotator.goto('/annotate');
  const row = annotator.getByTestId('my-expression').filter({ hasText: text });
  await expect(row).toContainText('discarded');
  await expect(row.getByTestId('suggested-fix')).toContainText(`Both validators read it as #${read}`);
  await row.getByRole('button', { name: `Resubmit with #${read}` }).click();
  await expect(row.getByTestId('suggested-fix')).toContainText('Resubmitted for validation');
  // A new expression with the validators' answer, waiting for validation like any other.
  const again = (await fetchMine(annotator)).expressions.filter((e) => e.text === text);
  expect(again.map((e) => [e.status, e.targets])).toEqual(
    expect.arrayContaining([
      ['discarded', [meant]],
      ['pending', [read]],
    ]),
  );
});
