import { expect, test } from '@playwright/test';
import { acceptedExpression, loggedIn, query } from './helpers/api.ts';

test.skip(Boolean(process.env.E2E_AUDIO_SKIP), `audio tools unavailable: ${process.env.E2E_AUDIO_SKIP}`);

interface AudioStatus {
  stats: { byKind: { kind: string; status: string; seconds: number; clips: number }[] };
  jobs: { state: string; done: number; total: number; failed: number }[];
}

test('an admin fills what still needs audio with TTS and sees the seconds, by kind', async ({ browser }) => {
  const annotator = await loggedIn(browser, 'annotator');
  const validator = await loggedIn(browser, 'validator1');
  await acceptedExpression(annotator, validator, 'the horse galloping along the fence and turning back');

  const admin = await loggedIn(browser, 'admin');
  await admin.goto('/admin/audio');
  const panel = admin.getByTestId('audio-panel');
  await expect(panel).toBeVisible();
  await expect(panel.getByTestId('tts-seconds')).toHaveText('0.0 s');
  await panel.getByLabel('percent to synthesize').fill('100');
  await panel.getByTestId('tts-fill').click();
  await expect(panel.getByTestId('tts-jobs')).toContainText('finished', { timeout: 60_000 });
  const status = await query<AudioStatus>(admin, 'admin.audio.status');
  const job = status.jobs[0]!;
  expect(job.total).toBeGreaterThan(0);
  expect(job.done).toBe(job.total);
  expect(status.stats.byKind.filter((k) => k.kind === 'tts').reduce((n, k) => n + k.clips, 0)).toBe(job.total - job.failed);
  await expect(panel.getByTestId('tts-seconds')).not.toHaveText('0.0 s', { timeout: 10_000 });

  // Two listeners find the first synthesized clip unclear: it fails, and the page does not say it
  // goes back to a speaker (there is none; the expression gets audio again).
  const outcomes: string[] = [];
  for (const name of ['validator1', 'validator2']) {
    const listener = await loggedIn(browser, name);
    await listener.goto('/verify');
    await expect(listener.getByTestId('sentence')).toBeVisible();
    await listener.getByTestId('clip-play').click();
    await expect(listener.getByTestId('vote-match')).toBeEnabled({ timeout: 30_000 });
    await listener.getByLabel('What is wrong').fill('the voice is hard to follow');
    await listener.getByTestId('vote-unclear').click();
    const thanks = listener.locator('p.ok').first();
    await expect(thanks).toContainText('Thanks');
    outcomes.push((await thanks.textContent())!);
    await listener.context().close();
  }
  expect(outcomes[0]).toContain('another listener or the speech recognizer');
  expect(outcomes[1]).toContain('the synthesized clip is dropped');
  expect(outcomes[1]).not.toContain('speaker');
});
