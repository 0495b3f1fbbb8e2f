import { expect, type Browser, type Page } from '@playwright/test';
import { account } from './app.ts';

/** A logged-in page in its own browser context (its own cookies). */
export async function loggedIn(browser: Browser, username: string, viewport = { width: 1280, height: 1000 }): Promise<Page> {
  const page = await (await browser.newContext({ viewport })).newPage();
  await page.goto('/');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(account(username).password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByTestId('who')).toContainText(username);
  return page;
}

export async function query<T>(page: Page, path: string, input?: unknown): Promise<T> {
  const q = input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`;
  const res = await page.request.get(`/trpc/${path}${q}`);
  expect(res.ok(), `${path}: ${res.status()} ${await res.text()}`).toBe(true);
  return ((await res.json()) as { result: { data: T } }).result.data;
}

export async function mutate<T>(page: Page, path: string, input?: unknown): Promise<T> {
  const res = await page.request.post(`/trpc/${path}`, { headers: { 'content-type': 'application/json' }, data: input === undefined ? undefined : JSON.stringify(input) });
  expect(res.ok(), `${path}: ${res.status()} ${await res.text()}`).toBe(true);
  return ((await res.json()) as { result: { data: T } }).result.data;
}

/**
 * An accepted expression with this text (on the first listed video, or the one named), made the
 * way the product makes one: the annotator submits it, then a validator's queue is worked until the sample comes up and is answered with
 * the annotator's target (other samples on the way are rejected as ambiguous).
 */
export async function acceptedExpression(annotator: Page, validator: Page, text: string, videoName?: string): Promise<number> {
  const videos = await query<{ videos: { id: number; name: string }[] }>(annotator, 'videos.list', { limit: 50, offset: 0 });
  const video = videoName === undefined ? videos.videos[0] : videos.videos.find((v) => v.name === videoName);
  expect(video, `video ${videoName ?? '(first)'} is listed`).toBeDefined();
  const videoId = video!.id;
  const submitted = await mutate<{ expressionId: number }>(annotator, 'annotate.submit', {
    uid: crypto.randomUUID(),
    videoId,
    targets: [1],
    text,
    motionReasoning: false,
    acknowledged: ['static_target', 'static_attributes'],
  });
  for (let guard = 0; guard < 50; guard++) {
    const sample = await mutate<{ expressionId: number } | null>(validator, 'validate.next');
    expect(sample, 'the validator queue ran dry before the planted sample').not.toBeNull();
    const mine = sample!.expressionId === submitted.expressionId;
    const answer = mine ? { kind: 'targets', targets: [1] } : { kind: 'reject', reason: 'ambiguous' };
    const fb = await mutate<{ outcome: string | null }>(validator, 'validate.answer', { expressionId: sample!.expressionId, answer });
    if (mine) {
      expect(fb.outcome).toBe('accepted');
      return submitted.expressionId;
    }
  }
  throw new Error('the planted sample never came up');
}
