import { expect, test, type Browser, type Page } from '@playwright/test';
import { acceptedExpression, loggedIn, mutate, query } from './helpers/api.ts';

// Runs after every other spec (its own project, probe-last): the demo is not as made any more, so
// it makes what it needs — a validator who has never seen any video, and a probe share of 100 %
// for its duration (set on the settings page, put back at the end).
// Alone: `npx playwright test e2e/probe.spec.ts --project probe-last --no-deps`.

interface ProbeRow {
  probeId: number;
  expressionId: number;
  holder: string | null;
  annotatorTargets: number[];
  answerTargets: number[] | null;
  matched: boolean | null;
}

/** A validator made through the admin API: nobody who worked so far is blind to the demo videos. */
async function freshValidator(browser: Browser, admin: Page): Promise<{ page: Page; username: string }> {
  const username = `prober-${Date.now() % 100_000}`;
  const password = 'a prober who has seen nothing';
  await mutate(admin, 'admin.users.create', { requestId: crypto.randomUUID(), username, roles: ['validator'], password });
  const page = await (await browser.newContext({ viewport: { width: 1280, height: 1000 } })).newPage();
  await page.goto('/');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Log in' }).click();
  await expect(page.getByTestId('who')).toContainText(username);
  return { page, username };
}

test('a validator who has not seen a video answers a one-frame probe; the admin rejects it as identifiable from one frame', async ({ browser }) => {
  const admin = await loggedIn(browser, 'admin');
  const before = await query<{ probeShare: number }>(admin, 'admin.settings.get');

  // Every accepted target expression gets a probe, set where the admin sets it.
  await admin.goto('/admin/settings');
  await admin.locator('input[name="probeShare"]').fill('1');
  await admin.getByRole('button', { name: 'Save settings' }).click();
  await expect(admin.getByTestId('settings-form').locator('.ok')).toHaveText('saved');
  expect((await query<{ probeShare: number }>(admin, 'admin.settings.get')).probeShare).toBe(1);

  try {
    // At least one accepted expression with a target, made the way the product makes one (alone, the demo has none).
    await acceptedExpression(await loggedIn(browser, 'annotator'), await loggedIn(browser, 'validator1'), 'the one that turns around and drifts back to where it started');
    const { page: prober, username } = await freshValidator(browser, admin);
    // Every frame the probe page loads, by URL: it must be the probe's one frame only.
    const media: string[] = [];
    prober.on('request', (r) => {
      const u = new URL(r.url());
      if (u.pathname.startsWith('/media/')) media.push(u.pathname);
    });
    await expect(prober.getByTestId('stat-probes-waiting')).not.toHaveText('0');
    await prober.getByTestId('start-probing').click();
    await expect(prober).toHaveURL(/\/validate\/probe$/);

    // A probe whose every target is on its frame (demo objects may leave the picture): others are given back.
    let row: ProbeRow | undefined;
    for (let guard = 0; guard < 20 && !row; guard++) {
      const page = prober.getByTestId('probe-page');
      await expect(page).toBeVisible();
      const probeId = Number(await page.getAttribute('data-probe'));
      const open = await query<{ probes: ProbeRow[] }>(admin, 'admin.probes.list', { state: 'open', limit: 200 });
      const held = open.probes.find((p) => p.probeId === probeId);
      expect(held?.holder, 'the admin sees who holds the probe').toBe(username);
      const shown = await Promise.all(held!.annotatorTargets.map((t) => prober.getByTestId(`probe-object-${t}`).count()));
      if (shown.every((n) => n === 1)) row = held;
      else {
        await prober.getByTestId('probe-give-back').click();
        await expect(prober.locator(`[data-testid="probe-page"]:not([data-probe="${probeId}"])`)).toBeVisible();
      }
    }
    expect(row, 'a probe with its targets on the frame came up').toBeDefined();

    // One frame, drawn with its masks on the player's stage; no playback controls, no other frame loaded.
    await expect(prober.getByTestId('probe-sentence')).not.toBeEmpty();
    await expect.poll(() => prober.evaluate(() => window.__studioPlayer?.frameReady ?? false)).toBe(true);
    expect(await prober.evaluate(() => window.__studioPlayer!.frame)).toBe(0);
    await expect(prober.getByRole('button', { name: /play/i })).toHaveCount(0);
    expect(media.filter((p) => p.startsWith('/media/frames/'))).toEqual([]);
    expect(media).toContain(`/media/probe/${row!.probeId}`);

    // The prober names the annotator's objects (the admin's list is how the test knows them).
    for (const t of row!.annotatorTargets) await prober.getByTestId(`probe-object-${t}`).click();
    for (const t of row!.annotatorTargets) await expect(prober.getByTestId(`probe-chosen-${t}`)).toBeVisible();
    await prober.getByTestId('probe-submit').click();
    await expect(prober.getByTestId('probe-done')).toContainText('stored');
    // Nothing about the annotator's choice on the page.
    await expect(prober.getByTestId('probe-done')).not.toContainText(/agreed|annotator|correct/i);

    // The admin finds it flagged on the probe page and rejects it under V1.
    await admin.goto('/admin');
    await admin.getByRole('navigation', { name: 'Admin pages' }).getByRole('link', { name: 'Single-frame probe' }).click();
    await expect(admin).toHaveURL(/\/admin\/probes$/);
    const item = admin.locator(`[data-testid="probe-row"][data-probe="${row!.probeId}"]`);
    await expect(item).toBeVisible();
    await expect(item.getByTestId('probe-picked')).toHaveText(row!.annotatorTargets.map((t) => `#${t}`).join(', '));
    await expect(item.getByTestId('mask-preview')).toHaveAttribute('data-masked', /^[1-9]/);
    const stats = await query<{ rate: number | null; awaitingDecision: number }>(admin, 'admin.probes.stats');
    expect(stats.rate).not.toBeNull();
    await expect(admin.getByTestId('probe-rate')).toContainText(`${(stats.rate! * 100).toFixed(1)}%`);
    await item.getByTestId('probe-reject').click();
    await expect(item).toHaveCount(0);

    // The expression is rejected, reason single frame: in the API and on its admin page.
    const detail = await query<{ status: string; rejectReason: string | null }>(admin, 'admin.expressions.get', { expressionId: row!.expressionId });
    expect([detail.status, detail.rejectReason]).toEqual(['rejected', 'single_frame']);
    await admin.goto(`/admin/expressions/${row!.expressionId}`);
    await expect(admin.getByTestId('expression-status')).toHaveText('rejected (single frame)');
    await admin.goto('/admin/probes');
    await admin.getByLabel('probe state').selectOption('decided');
    await expect(admin.locator(`[data-testid="probe-row"][data-probe="${row!.probeId}"]`).getByTestId('probe-decision')).toContainText('Rejected');
  } finally {
    await mutate(admin, 'admin.settings.update', { probeShare: before.probeShare });
  }
});
