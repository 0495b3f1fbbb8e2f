import { eq, inArray, sql } from 'drizzle-orm';
import { alpha as alphaOf, AlphaBootstrap, alphaUnit, DEFAULT_RELIABILITY, ReliabilityTally, round3, SetAlphaBuilder, weekOf, type AlphaDistanceName, type ReleaseAgreement } from '#shared/agreement/index.ts';
import { SPLITS } from '#shared/export/splits.ts';
import type { AlphaView, QualityQuery, QualityReport } from '#shared/schemas/quality.ts';
import type { Db, DbOrTx } from '../db/client.ts';
import { releases, users } from '../db/schema/index.ts';
import { loadAgreementSamples, type AgreementSample } from './agreement-data.ts';
import { getSettings } from './settings.ts';

/** The page's bootstrap seed: fixed, so the same data show the same interval. */
export const QUALITY_SEED = 1;
/** Weeks listed without a date range. */
const LATEST_WEEKS = 52;
/** Elementary steps of bootstrap work between two yields to the event loop (a few ms). */
const STEPS_PER_SLICE = 400_000;
const DAY_MS = 86_400_000;

const tick = () => new Promise<void>((r) => setImmediate(r));

/** Samples handled between two yields while preparing (a few ms each). */
const SAMPLES_PER_SLICE = 2000;

/**
 * α with its bootstrap interval, prepared and resampled in slices with a yield between them: on a
 * big project this is seconds of CPU, and requests must be answered meanwhile.
 */
export async function alphaWithInterval(samples: readonly AgreementSample[], distance: AlphaDistanceName, iterations: number, seed: number): Promise<AlphaView> {
  const builder = new SetAlphaBuilder(distance);
  for (let i = 0; i < samples.length; i++) {
    builder.add(alphaUnit(samples[i]!));
    if ((i + 1) % SAMPLES_PER_SLICE === 0) await tick();
  }
  const prepared = builder.finish();
  const { data } = prepared;
  const boot = new AlphaBootstrap(data, iterations, seed);
  const perSlice = Math.max(1, Math.floor(STEPS_PER_SLICE / Math.max(1, boot.costPerIteration)));
  while (!boot.finished) {
    boot.step(perSlice);
    await tick();
  }
  const ci = boot.result();
  // Rejections among the protocol answers (the annotator's set is never one).
  const answers = prepared.setAnswers + prepared.rejections - samples.length;
  return { alpha: alphaOf(data), low: ci.low, high: ci.high, units: data.unitCount, pairs: data.pairsWithinUnits, answers, rejections: prepared.rejections };
}

function groupBy<K>(samples: readonly AgreementSample[], key: (s: AgreementSample) => K): Map<K, AgreementSample[]> {
  const m = new Map<K, AgreementSample[]>();
  for (const s of samples) (m.get(key(s)) ?? m.set(key(s), []).get(key(s))!).push(s);
  return m;
}

async function computeReport(db: Db, q: QualityQuery): Promise<QualityReport> {
  const t0 = performance.now();
  const fromMs = q.from ? Date.parse(`${q.from}T00:00:00Z`) : undefined;
  const toMs = q.to ? Date.parse(`${q.to}T00:00:00Z`) + DAY_MS : undefined;
  const samples = await loadAgreementSamples(db, { fromMs, toMs });
  const iterations = q.iterations;
  const overall = await alphaWithInterval(samples, q.distance, iterations, QUALITY_SEED);

  const bySplit = groupBy(samples, (s) => s.split);
  const splits: QualityReport['splits'] = [];
  for (const split of SPLITS) {
    const here = bySplit.get(split);
    if (!here) continue;
    splits.push({ split, predicted: here.filter((s) => s.predicted).length, ...(await alphaWithInterval(here, q.distance, iterations, QUALITY_SEED)) });
  }

  const byWeek = groupBy(samples, (s) => weekOf(s.createdAt));
  const allWeeks = [...byWeek.keys()].sort().reverse();
  const listed = q.from || q.to ? allWeeks : allWeeks.slice(0, LATEST_WEEKS);
  const weeks: QualityReport['weeks'] = [];
  for (const week of listed) weeks.push({ week, ...(await alphaWithInterval(byWeek.get(week)!, q.distance, iterations, QUALITY_SEED)) });

  const opts = { ...DEFAULT_RELIABILITY, minCount: q.minCount };
  const tally = new ReliabilityTally();
  for (let i = 0; i < samples.length; i++) {
    tally.add(samples[i]!);
    if ((i + 1) % SAMPLES_PER_SLICE === 0) await tick();
  }
  const reliability = tally.result(opts);
  const ids = reliability.map((p) => p.userId);
  const names = new Map<number, string>();
  for (let i = 0; i < ids.length; i += 500) {
    for (const u of await db.select({ id: users.id, username: users.username }).from(users).where(inArray(users.id, ids.slice(i, i + 500)))) names.set(u.id, u.username);
  }
  return {
    distance: q.distance,
    iterations,
    seed: QUALITY_SEED,
    from: q.from ?? null,
    to: q.to ?? null,
    overall,
    splits,
    weeks,
    weeksLeftOut: allWeeks.length - listed.length,
    people: reliability.map((p) => ({ ...p, username: names.get(p.userId) ?? `user ${p.userId}` })),
    minCount: opts.minCount,
    flagP: opts.flagP,
    computedAt: Date.now(),
    ms: Math.round(performance.now() - t0),
  };
}

/**
 * What the numbers depend on, read in one cheap statement: any new answer, sample, decision, gold
 * mark, target change, pinned split or exclusion (voided answers) gives another key, and the cached
 * report is recomputed.
 */
async function dataVersion(db: DbOrTx): Promise<string> {
  const { rows } = await db.execute(sql`select
      (select count(*) from validations) as v, (select coalesce(max(id), 0) from validations) as vmax,
      (select count(*) from expressions) as e, (select coalesce(max(id), 0) from expressions) as emax,
      (select count(*) from expressions where status in ('accepted', 'discarded', 'rejected')) as decided,
      (select count(*) from expressions where gold = true) as gold,
      (select count(*) from expression_targets) as t, (select count(*) from video_splits) as s,
      (select coalesce(max(id), 0) from rater_exclusions) as x`);
  const s = await getSettings(db);
  return JSON.stringify([rows[0], s.releaseSeed, s.splitProportions]);
}

interface Cache {
  entries: Map<string, Promise<QualityReport>>;
  /** One computation at a time per database: two admins (or one clicking around) do not double the CPU. */
  queue: Promise<unknown>;
}
const caches = new WeakMap<Db, Cache>();
const CACHE_ENTRIES = 8;

/**
 * The quality page's report, cached per data version and query (a report on 30k samples costs a
 * few seconds of bootstrap; reloading the page must not redo it). The same request while one is
 * being computed waits for it; different ones take turns.
 */
export async function qualityReport(db: Db, q: QualityQuery): Promise<QualityReport> {
  const cache = caches.get(db) ?? caches.set(db, { entries: new Map(), queue: Promise.resolve() }).get(db)!;
  const key = `${await dataVersion(db)}|${JSON.stringify([q.distance, q.iterations, q.from ?? null, q.to ?? null, q.minCount])}`;
  const hit = cache.entries.get(key);
  if (hit) {
    // Most recently used last.
    cache.entries.delete(key);
    cache.entries.set(key, hit);
    return hit;
  }
  const run = cache.queue.then(() => computeReport(db, q));
  cache.queue = run.catch(() => undefined);
  cache.entries.set(key, run);
  run.catch(() => cache.entries.delete(key));
  while (cache.entries.size > CACHE_ENTRIES) cache.entries.delete(cache.entries.keys().next().value!);
  return run;
}

/** A release's bootstrap: fixed, so exporting the same release again writes the same bytes. */
export const RELEASE_AGREEMENT = { distance: 'masi' as const, iterations: 1000, seed: 1 };

/**
 * Agreement for a release's stats.json and card: the samples on the release's videos and the
 * answers they had when the release was made (not only the accepted ones it ships: α on accepted
 * samples alone would leave out exactly the disagreements), MASI distance, seeded bootstrap, 3
 * decimals. Answers given later never enter it, so exporting the release again gives the same bytes.
 */
export async function releaseAgreement(db: Db, releaseId: number): Promise<ReleaseAgreement> {
  const [release] = await db.select({ createdAt: releases.createdAt }).from(releases).where(eq(releases.id, releaseId));
  const samples = await loadAgreementSamples(db, { releaseId, untilMs: release?.createdAt ?? 0 });
  const { distance, iterations, seed } = RELEASE_AGREEMENT;
  const rounded = (v: AlphaView) => ({
    alpha: round3(v.alpha),
    ci95: v.low === null || v.high === null ? null : ([round3(v.low)!, round3(v.high)!] as [number, number]),
    units: v.units,
    pairs: v.pairs,
  });
  const overall = await alphaWithInterval(samples, distance, iterations, seed);
  const splits: ReleaseAgreement['splits'] = {};
  const bySplit = groupBy(samples, (s) => s.split);
  for (const split of SPLITS) {
    const here = bySplit.get(split);
    if (here) splits[split] = rounded(await alphaWithInterval(here, distance, iterations, seed));
  }
  const answers = overall.answers;
  return {
    measure: 'krippendorff_alpha',
    distance,
    ...rounded(overall),
    rejected_share: answers ? round3(overall.rejections / answers)! : 0,
    bootstrap: { iterations, seed, resample: 'units' },
    splits,
  };
}
