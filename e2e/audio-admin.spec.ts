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
});
