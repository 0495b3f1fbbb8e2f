import { expect, test, type Page } from '@playwright/test';
import { loggedIn, mutate, query } from './helpers/api.ts';

// Runs last (its own project, quality-last): it answers every sample left in the validators'
// queues. Alone: `npx playwright test e2e/quality.spec.ts --project quality-last --no-deps`.

interface Report {
  overall: { alpha: number | null; low: number | null; high: number | null; units: number };
  weeks: { week: string }[];
  people: { username: string; role: string }[];
}

const TEXTS = [
  'the one drifting slowly towards the top edge',
  'the one that speeds up and then stops suddenly',
  'the one circling around the middle twice',
  'the one sliding down after a short pause',
  'the one bouncing off the left side and coming back',
  'the one that keeps moving while the others rest',
];

/** Every sample in this validator's queue answered: `pick` chooses the answer (a target set). */
async function workQueue(validator: Page, pick: (expressionId: number) => number[]): Promise<number> {
  let answered = 0;
  for (let guard = 0; guard < 200; guard++) {
    const sample = await mutate<{ expressionId: number } | null>(validator, 'validate.next');
    if (!sample) return answered;
    const targets = pick(sample.expressionId);
    await mutate(validator, 'validate.answer', { expressionId: sample.expressionId, answer: targets.length ? { kind: 'targets', targets } : { kind: 'no_target' } });
    answered++;
  }
  throw new Error('the queue never ran dry');
}

test('the admin sees α with its interval, per split and week, and the per-person table', async ({ browser }) => {
  const annotator = await loggedIn(browser, 'annotator');
  const validator1 = await loggedIn(browser, 'validator1');
  const validator2 = await loggedIn(browser, 'validator2');
  const admin = await loggedIn(browser, 'admin');

  // Six samples the same way the product makes them: validator1 agrees with half; on the other
  // half validator1 and validator2 both pick another object (discarded, with a consensus).
  const videos = await query<{ videos: { id: number }[] }>(annotator, 'videos.list', { limit: 10, offset: 0 });
  const videoId = videos.videos[0]!.id;
  const ours = new Map<number, number>();
  for (const [i, text] of TEXTS.entries()) {
    const s = await mutate<{ expressionId: number }>(annotator, 'annotate.submit', {
      uid: crypto.randomUUID(),
      videoId,
      targets: [1],
      text,
      motionReasoning: false,
      acknowledged: ['static_target', 'static_attributes'],
    });
    ours.set(s.expressionId, i);
  }
  await workQueue(validator1, (id) => (ours.has(id) && ours.get(id)! % 2 === 1 ? [2] : [1]));
  await workQueue(validator2, (id) => (ours.has(id) ? [2] : [1]));

  const api = await query<Report>(admin, 'admin.quality.report', {});
  expect(api.overall.units).toBeGreaterThanOrEqual(TEXTS.length);
  expect(api.overall.alpha).not.toBeNull();

  await admin.goto('/admin');
  await admin.getByRole('navigation', { name: 'Admin pages' }).getByRole('link', { name: 'Quality' }).click();
  await expect(admin).toHaveURL(/\/admin\/quality$/);
  const alpha = admin.getByTestId('quality-alpha');
  // α with its bootstrap interval, as the server computed it.
  await expect(alpha).toContainText(`α = ${api.overall.alpha!.toFixed(3)} (${api.overall.low!.toFixed(3)}–${api.overall.high!.toFixed(3)})`);
  await expect(alpha).toContainText(`${api.overall.units} samples`);
  await expect(admin.getByTestId('quality-weeks').locator(`tr[data-key="${api.weeks[0]!.week}"]`)).toBeVisible();
  await expect(admin.getByTestId('quality-splits').locator('tbody tr').first()).toContainText(/\d\.\d{3}/);

  // The people who worked, each in their role.
  const people = admin.getByTestId('quality-people');
  await expect(people.locator('tr[data-user="annotator"][data-role="annotator"]')).toBeVisible();
  await expect(people.locator('tr[data-user="validator1"][data-role="validator"]')).toBeVisible();
  await expect(people.locator('tr[data-user="validator2"][data-role="validator"]')).toBeVisible();
  // Each row is the server's: the page lists exactly the people the report has.
  await expect(people.locator('tbody tr')).toHaveCount(api.people.length);

  // Jaccard instead of MASI: the page asks again and shows the server's other number.
  const jaccard = await query<Report>(admin, 'admin.quality.report', { distance: 'jaccard' });
  await admin.getByLabel('set distance').selectOption('jaccard');
  await admin.getByTestId('quality-apply').click();
  await expect(alpha).toContainText(`α = ${jaccard.overall.alpha!.toFixed(3)}`);
  await expect(alpha).toContainText('JACCARD');
});

test('a bad range is refused with its reason on the page', async ({ browser }) => {
  const admin = await loggedIn(browser, 'admin');
  await admin.goto('/admin/quality');
  await admin.getByLabel('from day').fill('2025-03-01');
  await admin.getByLabel('to day').fill('2025-01-01');
  await admin.getByTestId('quality-apply').click();
  await expect(admin.getByRole('alert')).toContainText('"from" is after "to"');
});
