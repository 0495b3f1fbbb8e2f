import { expect, test } from '@playwright/test';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { acceptedExpression, loggedIn, mutate, query } from './helpers/api.ts';

test.skip(Boolean(process.env.E2E_AUDIO_SKIP), `audio fixtures unavailable: ${process.env.E2E_AUDIO_SKIP}`);

test('a silent recording is refused with a clear message, in the page and by the server', async ({ browser }) => {
  const annotator = await loggedIn(browser, 'annotator');
  const validator = await loggedIn(browser, 'validator2');
  const expressionId = await acceptedExpression(annotator, validator, 'the cat climbing slowly up the wall');

  const speaker = await loggedIn(browser, 'speaker');
  await speaker.goto('/record');
  await expect(speaker.getByTestId('sentence')).toBeVisible();
  // The microphone check says nothing reaches the input, before any take is wasted.
  await speaker.getByTestId('mic-check-start').click();
  await expect(speaker.getByTestId('mic-check-result').locator('[data-code=no_signal]')).toContainText(/No sound reached the microphone/, { timeout: 30_000 });
  await speaker.getByTestId('record').click();
  await speaker.waitForTimeout(3000);
  await speaker.getByTestId('stop').click();
  const error = speaker.getByTestId('clip-findings').locator('li.error[data-code=silent]');
  await expect(error).toContainText(/no speech/i);
  await expect(speaker.getByTestId('submit-take')).toBeDisabled();

  // The same silence sent to the server directly is refused there too, and nothing is stored. The
  // server takes uploads only for a sentence it offered this speaker: ask for one, as the page does.
  const offered = (await mutate<{ expressionId: number }>(speaker, 'record.next')).expressionId;
  const before = (await query<unknown[]>(speaker, 'record.mine')).length;
  const silence = readFileSync(path.join(process.env.E2E_DATA_DIR!, 'audio-fixtures', 'silence48.wav'));
  const res = await speaker.request.post('/trpc/record.upload', {
    headers: { 'x-studio-upload': '1' },
    multipart: { uid: crypto.randomUUID(), expressionId: String(offered), acknowledged: '[]', file: { name: 'take.wav', mimeType: 'audio/wav', buffer: silence } },
  });
  expect(res.status()).toBe(400);
  expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/no speech/i);
  const mine = await query<{ expressionId: number }[]>(speaker, 'record.mine');
  expect(mine.some((m) => m.expressionId === expressionId)).toBe(false);
  expect(mine).toHaveLength(before);
});
