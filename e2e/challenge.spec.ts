import { expect, test, type Browser, type Page } from '@playwright/test';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { tarNames } from './helpers/tar.ts';
import { submissionMembers } from '../server/src/testing/challenge-submission.ts';
import { zipBytes } from '../server/src/testing/zip-builder.ts';
import { loggedIn, mutate, query } from './helpers/api.ts';
import { login } from './helpers/app.ts';

// The challenge server end to end (issue 16). Runs after the other specs (project `challenge-last`):
// its release pins the demo videos' splits, and release.spec expects to make v1 itself.
// Alone: `npx playwright test e2e/challenge.spec.ts --project challenge-last --no-deps`.

const PASSWORD = 'a challenge password 2026';
const INVITE = `mevis-e2e-${Date.now()}`;


/** An accepted expression on `videoId`: the annotator submits it, a validator's queue is worked until it comes up. */
async function accepted(annotator: Page, validator: Page, videoId: number, text: string, targets: number[]): Promise<void> {
  const submitted = await mutate<{ expressionId: number }>(annotator, 'annotate.submit', {
    uid: crypto.randomUUID(),
    videoId,
    targets,
    text,
    motionReasoning: false,
    acknowledged: ['static_target', 'static_attributes'],
  });
  for (let guard = 0; guard < 80; guard++) {
    const sample = await mutate<{ expressionId: number } | null>(validator, 'validate.next');
    expect(sample, 'the validator queue ran dry before the planted sample').not.toBeNull();
    const mine = sample!.expressionId === submitted.expressionId;
    const answer = !mine ? { kind: 'reject', reason: 'ambiguous' } : targets.length ? { kind: 'targets', targets } : { kind: 'no_target' };
    const fb = await mutate<{ outcome: string | null }>(validator, 'validate.answer', { expressionId: sample!.expressionId, answer });
    if (mine) {
      expect(fb.outcome).toBe('accepted');
      return;
    }
  }
  throw new Error('the planted sample never came up');
}

async function upload(page: Page, file: string): Promise<void> {
  const before = await page.getByTestId('history').locator('tbody tr').count().catch(() => 0);
  await page.getByTestId('submission-file').setInputFiles(file);
  await page.getByTestId('submit').click();
  await expect(page.getByTestId('history').locator('tbody tr')).toHaveCount(before + 1, { timeout: 30_000 });
}

const newest = (page: Page) => page.getByTestId('history').locator('tbody tr').first();

async function participantPage(browser: Browser, username: string): Promise<Page> {
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 1000 } })).newPage();
  await login(page, username, PASSWORD);
  return page;
}

test('an admin opens a challenge; participants download the split, submit perfect, broken and empty zips, and the leaderboard ranks them', async ({ browser }) => {
  test.setTimeout(240_000);
  const admin = await loggedIn(browser, 'admin');
  const annotator = await loggedIn(browser, 'annotator');
  const validator = await loggedIn(browser, 'validator1');

  // Work on the demo video the default seed puts in the valid split: one target, one no-target.
  const videos = await query<{ videos: { id: number; name: string }[] }>(annotator, 'videos.list', { limit: 50, offset: 0 });
  const pond = videos.videos.find((v) => v.name === 'demo-pond');
  expect(pond, 'demo-pond is among the demo videos').toBeDefined();
  await accepted(annotator, validator, pond!.id, 'the duck swimming away to the far side', [1]);
  await accepted(annotator, validator, pond!.id, 'the swan flying over the pond', []);

  // A release with the demo videos, written to disk.
  const job = await mutate<{ version: string }>(admin, 'admin.releases.create', { notes: 'challenge e2e', includeDemo: true });
  await expect
    .poll(async () => (await query<{ version: string; onDisk: boolean }[]>(admin, 'admin.releases.list')).find((r) => r.version === job.version)?.onDisk, { timeout: 90_000 })
    .toBe(true);
  const releaseDir = path.join(process.env.E2E_DATA_DIR!, 'releases', job.version);
  // The ground truth is a package of its own, outside the releases folder (what the server scores against).
  const gtDir = path.join(process.env.E2E_DATA_DIR!, 'ground-truth', job.version, 'valid');
  const splitDir = path.join(releaseDir, 'valid');
  const gtMeta = JSON.parse(readFileSync(path.join(gtDir, 'meta_expressions.json'), 'utf8')) as { videos: Record<string, { expressions: Record<string, { anno_id: unknown[] }> }> };
  const expressions = Object.values(gtMeta.videos).flatMap((v) => Object.values(v.expressions));
  const noTargetShare = expressions.filter((e) => e.anno_id.length === 0).length / expressions.length;
  expect(noTargetShare).toBeGreaterThan(0);

  // A participant account from the admin, and the challenge opened on the admin page.
  await mutate(admin, 'admin.users.create', { requestId: crypto.randomUUID(), username: 'alice-e2e', roles: ['participant'], password: PASSWORD });
  await admin.goto('/admin/challenge');
  const form = admin.getByTestId('challenge-form');
  await form.getByLabel('challenge title').fill('MeViS e2e challenge');
  await form.getByLabel('release').selectOption(job.version);
  await form.getByLabel('split').selectOption('valid');
  await form.getByLabel('invite code').fill(INVITE);
  await form.getByTestId('challenge-create').click();
  const row = admin.getByTestId('challenges').locator('tr', { hasText: 'MeViS e2e challenge' });
  await expect(row).toContainText(`${job.version} / valid`);
  await expect(row).toContainText('development');
  const challengeId = Number(await row.getAttribute('data-challenge'));

  // Alice: her home lists the challenge; she makes a team and downloads the split.
  const alice = await participantPage(browser, 'alice-e2e');
  await alice.getByTestId('challenge-link').filter({ hasText: 'MeViS e2e challenge' }).click();
  await alice.getByLabel('team name').fill('Perfect Team');
  await alice.getByTestId('create-team').click();
  await expect(alice.getByTestId('team')).toContainText('Perfect Team');
  const [download] = await Promise.all([alice.waitForEvent('download'), alice.getByTestId('download-split').click()]);
  expect(download.suggestedFilename()).toBe(`mevis-${job.version}-valid.tar`);
  const names = await tarNames(await download.path());
  expect(names).toContain(`mevis-${job.version}/valid/meta_expressions.json`);
  expect(names.some((n) => n.includes('JPEGImages/demo-pond/'))).toBe(true);
  expect(names.filter((n) => /ground.truth|mask_dict|tracking\/valid/.test(n))).toEqual([]);

  const dir = mkdtempSync(path.join(os.tmpdir(), 'challenge-e2e-'));
  const perfect = submissionMembers(splitDir, gtDir, 'perfect');
  writeFileSync(path.join(dir, 'perfect.zip'), zipBytes(perfect));
  // Broken: one expression's frames missing, one PNG that is not a PNG, all under a wrapping folder.
  const dropped = perfect[perfect.length - 1]!.name.split('/').slice(0, 2).join('/') + '/';
  const broken = perfect.filter((m) => !m.name.startsWith(dropped)).map((m, i) => ({ name: `Annotations/${m.name}`, data: i === 0 ? new Uint8Array([0x89, 0x50]) : m.data }));
  writeFileSync(path.join(dir, 'broken.zip'), zipBytes(broken));
  writeFileSync(path.join(dir, 'empty.zip'), zipBytes(submissionMembers(splitDir, gtDir, 'empty')));

  await upload(alice, path.join(dir, 'perfect.zip'));
  await expect(newest(alice)).toHaveAttribute('data-state', 'scored', { timeout: 60_000 });
  await expect(newest(alice).getByTestId('submission-jf')).toHaveText('100.00');
  await expect(newest(alice).getByTestId('submission-combined')).toHaveText('100.00');

  await upload(alice, path.join(dir, 'broken.zip'));
  await expect(newest(alice)).toHaveAttribute('data-state', 'invalid', { timeout: 60_000 });
  await newest(alice).getByTestId('submission-state').getByRole('link').click();
  const report = alice.getByTestId('check-report');
  await expect(report).toContainText('nothing was scored');
  await expect(report.locator('[data-kind="nested-root"]')).toContainText('video folders are not at the top of the zip');
  await expect(report.locator('[data-kind="missing-expression"]')).toContainText(dropped);
  await expect(report.locator('[data-kind="undecodable-png"]')).toContainText('cannot be decoded');

  // Bob registers himself with the invite code and submits nothing but empty masks.
  const bobContext = await browser.newContext({ viewport: { width: 1280, height: 1000 } });
  const bob = await bobContext.newPage();
  await bob.goto(`/join?code=${INVITE}`);
  await bob.getByLabel('Username').fill('bob-e2e');
  await bob.getByLabel('Password').fill(PASSWORD);
  await bob.getByRole('button', { name: 'Create account' }).click();
  await expect(bob.getByTestId('who')).toContainText('bob-e2e');
  await expect(bob.getByTestId('challenge-page')).toContainText('MeViS e2e challenge');
  await bob.getByLabel('team name').fill('Baseline');
  await bob.getByTestId('create-team').click();
  await expect(bob.getByTestId('team')).toContainText('Baseline');
  await upload(bob, path.join(dir, 'empty.zip'));
  await expect(newest(bob)).toHaveAttribute('data-state', 'scored', { timeout: 60_000 });
  // Empty masks score J = F = 1 on no-target expressions only: J&F is their share.
  await expect(newest(bob).getByTestId('submission-jf')).toHaveText((100 * noTargetShare).toFixed(2));

  // The public leaderboard, read without logging in: Perfect Team first, then Baseline.
  const anon = await (await browser.newContext()).newPage();
  await anon.goto(`/challenges/${challengeId}/results`);
  const board = anon.getByTestId('leaderboard');
  await expect(board.locator('tbody tr')).toHaveCount(2);
  await expect(board.locator('tbody tr').nth(0)).toHaveAttribute('data-team', 'Perfect Team');
  await expect(board.locator('tbody tr').nth(1)).toHaveAttribute('data-team', 'Baseline');
  await expect(board.locator('tbody tr').nth(0).locator('[data-metric="combined"]')).toHaveText('100.00');
  await expect(anon.getByTestId('citation')).toContainText(`MeViS release ${job.version} (valid split)`);
  // Sortable by each metric: N-acc is 100 for both, T-acc puts the baseline last, then first.
  await anon.getByTestId('sort-tAcc').click();
  await expect(board.locator('tbody tr').nth(0)).toHaveAttribute('data-team', 'Perfect Team');
  await anon.getByTestId('sort-tAcc').click();
  await expect(board.locator('tbody tr').nth(0)).toHaveAttribute('data-team', 'Baseline');
  const [csv] = await Promise.all([anon.waitForEvent('download'), anon.getByTestId('leaderboard-csv').click()]);
  const lines = readFileSync(await csv.path(), 'utf8').trim().split('\n');
  expect(lines[0]).toMatch(/^rank,team,submission/);
  expect(lines[1]).toMatch(/^1,Perfect Team,/);
  expect(lines[2]).toMatch(/^2,Baseline,/);
});
