import { expect, test, type Page } from '@playwright/test';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseWav } from '../shared/src/audio/index.ts';
import { acceptedExpression, loggedIn, query } from './helpers/api.ts';
import { FIXTURE_TEXT } from './helpers/audio-fixtures.ts';

test.skip(Boolean(process.env.E2E_AUDIO_SKIP), `audio fixtures unavailable: ${process.env.E2E_AUDIO_SKIP}`);

/** Skips sentences until the fixture's one comes up (other accepted expressions may wait first). */
async function untilSentence(page: Page, text: string) {
  for (let guard = 0; guard < 30; guard++) {
    const sentence = page.getByTestId('sentence');
    await expect(sentence).toBeVisible();
    const shown = ((await sentence.textContent()) ?? '').trim();
    if (shown === text) return;
    await page.getByRole('button', { name: 'Skip' }).click();
    await expect(sentence).not.toHaveText(shown);
  }
  throw new Error(`"${text}" never came up`);
}

/** Largest normalised cross-correlation of two signals over lags up to ±maxLag samples. */
function bestCorrelation(a: Float32Array, b: Float32Array, maxLag: number): number {
  let best = 0;
  for (let lag = -maxLag; lag <= maxLag; lag += 4) {
    let ab = 0;
    let aa = 0;
    let bb = 0;
    for (let i = 0; i < a.length; i += 2) {
      const j = i + lag;
      if (j < 0 || j >= b.length) continue;
      ab += a[i]! * b[j]!;
      aa += a[i]! * a[i]!;
      bb += b[j]! * b[j]!;
    }
    if (aa > 0 && bb > 0) best = Math.max(best, ab / Math.sqrt(aa * bb));
  }
  return best;
}

test('record with the (fake) microphone, check, submit: stored as 48 kHz PCM matching the source; a verifier accepts it', async ({ browser }) => {
  const annotator = await loggedIn(browser, 'annotator');
  const validator = await loggedIn(browser, 'validator1');
  const expressionId = await acceptedExpression(annotator, validator, FIXTURE_TEXT);

  const speaker = await loggedIn(browser, 'speaker');
  await speaker.goto('/record');
  await untilSentence(speaker, FIXTURE_TEXT);
  await expect(speaker.getByTestId('recorder')).toHaveAttribute('data-method', 'mediarecorder-pcm');
  await speaker.getByTestId('record').click();
  await expect(speaker.getByTestId('stop')).toBeVisible();
  // The live waveform draws while recording.
  await expect(speaker.getByTestId('live-waveform').locator('canvas').first()).toBeVisible();
  await speaker.waitForTimeout(5500);
  await speaker.getByTestId('stop').click();

  // The take: its waveform, its measurements, the live checks.
  const take = speaker.getByTestId('take');
  await expect(take).toBeVisible();
  await expect(take.getByTestId('take-clip').locator('canvas').first()).toBeVisible();
  await expect(speaker.getByTestId('take-stats')).toContainText('words per minute');
  await expect(speaker.getByTestId('clip-findings').locator('li.error')).toHaveCount(0);
  // Not yet acknowledged by the server, the take survives a reload (IndexedDB).
  await speaker.reload();
  await expect(speaker.getByTestId('sentence')).toHaveText(FIXTURE_TEXT);
  await expect(take.getByTestId('take-clip').locator('canvas').first()).toBeVisible();
  await expect(speaker.getByTestId('take-stats')).toContainText('words per minute');
  for (const box of await speaker.getByTestId('clip-findings').getByRole('checkbox').all()) await box.check();
  await speaker.getByTestId('submit-take').click();
  await expect(speaker.getByTestId('record-notice')).toContainText('Submitted');

  // The stored clip: 48 kHz mono 16-bit PCM whose content is the fixture's speech.
  const mine = await query<{ id: number; expressionId: number; status: string }[]>(speaker, 'record.mine');
  const clip = mine.find((m) => m.expressionId === expressionId)!;
  const res = await speaker.request.get(`/media/audio/${clip.id}`);
  expect(res.headers()['content-type']).toBe('audio/wav');
  const stored = parseWav(new Uint8Array(await res.body()));
  expect([stored.sampleRate, stored.channels, stored.bitsPerSample, stored.format]).toEqual([48000, 1, 16, 'pcm']);
  const source = parseWav(new Uint8Array(readFileSync(path.join(process.env.E2E_DATA_DIR!, 'audio-fixtures', 'speech48.wav'))));
  const window = source.samples.subarray(0, Math.min(source.length, stored.length));
  expect(bestCorrelation(window, stored.samples, 48000)).toBeGreaterThan(0.9);
  // Someone else may not fetch it.
  const other = await loggedIn(browser, 'validator2');
  expect((await other.request.get(`/media/audio/${clip.id}`)).status()).toBe(404);

  // A validator (not the speaker) plays it to the end and accepts it.
  await other.goto('/verify');
  await expect(other.getByTestId('sentence')).toHaveText(FIXTURE_TEXT);
  await expect(other.getByTestId('vote-match')).toBeDisabled();
  await other.getByTestId('clip-play').click();
  await expect(other.getByTestId('vote-match')).toBeEnabled({ timeout: 20_000 });
  // By key: Y once the clip has played to the end.
  await other.keyboard.press('y');
  await expect(other.getByText(/another listener or the speech recognizer/)).toBeVisible();
  // One vote is not enough: a second listener, with the keyboard only (Space plays, Y votes).
  const second = await loggedIn(browser, 'validator1');
  await second.goto('/verify');
  await expect(second.getByTestId('sentence')).toHaveText(FIXTURE_TEXT);
  await expect(second.getByTestId('vote-match')).toBeDisabled();
  await expect(second.getByTestId('clip-play')).toBeEnabled(); // the waveform has loaded
  await second.keyboard.press(' ');
  await expect(second.getByTestId('vote-match')).toBeEnabled({ timeout: 20_000 });
  await second.keyboard.press('y');
  await expect(second.getByText(/Thanks/)).toBeVisible();
  // Verified once the speech recognizer agrees too.
  await expect
    .poll(async () => (await query<{ id: number; status: string }[]>(speaker, 'record.mine')).find((m) => m.id === clip.id)!.status, { timeout: 30_000 })
    .toBe('verified');
});

test('the microphone check shows the input levels before the first take; takes by keyboard: R records and stops, D discards', async ({ browser }) => {
  // A sentence to record, so the page has a take to make.
  // Two sentences to record, so the page has a take to make and a next sentence after skipping.
  const annotator = await loggedIn(browser, 'annotator');
  const validator = await loggedIn(browser, 'validator1');
  await acceptedExpression(annotator, validator, 'the goat jumping down from the rock');
  await acceptedExpression(annotator, validator, 'the goat climbing back up the rock');
  const speaker = await loggedIn(browser, 'speaker');
  await speaker.goto('/record');
  await expect(speaker.getByTestId('sentence')).toBeVisible();
  // Open by itself in a browser that never passed the check.
  const check = speaker.getByTestId('mic-check');
  await expect(check).toHaveAttribute('open', '');
  await check.getByTestId('mic-check-start').click();
  const result = check.getByTestId('mic-check-result');
  await expect(result).toBeVisible({ timeout: 30_000 });
  // The fake microphone plays speech: a voice level is measured and something reached the input.
  await expect(result).toContainText(/voice -\d+ dBFS/);
  await expect(result.locator('[data-code=no_signal]')).toHaveCount(0);

  const before = await speaker.getByTestId('sentence').textContent();
  await speaker.keyboard.press('r');
  await expect(speaker.getByTestId('stop')).toBeVisible();
  await speaker.waitForTimeout(3000);
  await speaker.keyboard.press('r');
  await expect(speaker.getByTestId('take')).toBeVisible();
  await speaker.keyboard.press('d');
  await expect(speaker.getByTestId('take')).toHaveCount(0);
  await expect(speaker.getByTestId('sentence')).toHaveText(before!);

  // The live waveform shows the last take until the sentence changes; the next sentence starts blank.
  const painted = () =>
    speaker.getByTestId('live-waveform').evaluate((el) => {
      // wavesurfer draws inside a shadow root.
      const canvases: HTMLCanvasElement[] = [];
      const stack: ParentNode[] = [el];
      while (stack.length) {
        const root = stack.pop()!;
        for (const node of root.querySelectorAll('*')) {
          if (node instanceof HTMLCanvasElement) canvases.push(node);
          if (node.shadowRoot) stack.push(node.shadowRoot);
        }
      }
      let n = 0;
      for (const c of canvases) {
        if (!c.width || !c.height) continue;
        const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        for (let i = 3; i < d.length; i += 4) if (d[i]! > 0) n++;
      }
      return n;
    });
  await speaker.keyboard.press('r');
  await expect(speaker.getByTestId('stop')).toBeVisible();
  await expect.poll(painted, { timeout: 10_000 }).toBeGreaterThan(0);
  await speaker.keyboard.press('r');
  await expect(speaker.getByTestId('take')).toBeVisible();
  await speaker.keyboard.press('d');
  await speaker.getByRole('button', { name: 'Skip' }).click();
  await expect(speaker.getByTestId('sentence')).not.toHaveText(before!);
  await expect(speaker.getByTestId('recorder')).toBeVisible();
  expect(await painted()).toBe(0);
});
