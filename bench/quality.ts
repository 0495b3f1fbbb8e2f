/**
 * bench:quality — the quality page's report (services/agreement.ts) on a simulated project of
 * 30,000 samples (shared/src/agreement/simulate.ts: 30 annotators, 60 validators, planted random
 * and "no target"-biased raters, gold answers), written into a fresh database, then:
 *   - the report cold (α with 1,000 bootstrap resamples overall, per split and per week, per-person
 *     reliability), while a timer measures how long the event loop is held at a stretch;
 *   - the same report again (cached: one data-version statement);
 *   - the release's agreement block (as written into stats.json);
 *   - the single-frame probe (services/probes.ts) at the default share: fresh probers take every
 *     probe through the real next/answer path; a planted 80 % of the sentences need the motion
 *     (a prober finds their objects on one frame 10 % of the time), 20 % are static (85 %).
 * Prints α with its interval, who was flagged next to who was planted, and the probe's pass rate
 * (identified from one frame / answered) next to the rate the plant implies.
 *   npx tsx bench/quality.ts [--samples N] [--iterations N]   (DATABASE_URL=postgres://… for PostgreSQL)
 * Last line: bench:quality samples=<n> alpha=<α> ci=<lo>..<hi> cold_ms=<ms> cached_ms=<ms> max_loop_block_ms=<ms> probe_rate=<rate>
 */
import { DEFAULT_RELIABILITY, round3 } from '#shared/agreement/index.ts';
import { simulateProject } from '#shared/agreement/simulate.ts';
import { mulberry32 } from '#shared/prng.ts';
import { QualityQuery } from '#shared/schemas/quality.ts';
import { chunked } from '../server/src/db/chunks.ts';
import { eq } from 'drizzle-orm';
import { expressions, expressionTargets, masks, objects, probes, validations, videos } from '../server/src/db/schema/index.ts';
import { qualityReport } from '../server/src/services/agreement.ts';
import { answerProbe, nextProbe, probeStats } from '../server/src/services/probes.ts';
import { makeUser, testApp } from '../server/src/testing/app.ts';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const SAMPLES = arg('samples', 30_000);
const ITERATIONS = arg('iterations', 1000);
const VIDEOS = Math.max(1, Math.round(SAMPLES / 15));
const DAY_MS = 86_400_000;
const log = (s: string) => process.stderr.write(`${s}\n`);

async function main() {
  const app = await testApp();
  try {
    const t0 = performance.now();
    const sim = simulateProject({ seed: 18, samples: SAMPLES, annotators: 30, validators: 60, randomAnnotators: 1, randomValidators: 2, noTargetValidators: 1, goldAnswersPerValidator: 40 });
    // Simulated ids → real users.
    const userOf = new Map<number, number>();
    for (const id of [...sim.annotatorIds, ...sim.validatorIds]) userOf.set(id, (await makeUser(app, `sim-${id}`, [id < 2000 ? 'annotator' : 'validator'])).id);
    const now = Date.now();
    const videoIds: number[] = [];
    /** Each expression's true target set (local ids), for the simulated probers. */
    const truthOf = new Map<number, readonly number[]>();
    await app.db.transaction(async (tx) => {
      for (const part of chunked(Array.from({ length: VIDEOS }, (_, i) => i))) {
        const rows = await tx
          .insert(videos)
          .values(part.map((i) => ({ name: `sim_${String(i).padStart(5, '0')}`, source: 'davis' as const, status: 'accepted' as const, width: 64, height: 48, frameCount: 8, fps: 24, contentHash: `sim${i}`, createdAt: now })))
          .returning({ id: videos.id });
        videoIds.push(...rows.map((r) => r.id));
      }
    });
    // Eight objects per video: the simulation's sets use local ids 1..8.
    const objectId = new Map<string, number>();
    await app.db.transaction(async (tx) => {
      for (const part of chunked(videoIds.flatMap((videoId) => Array.from({ length: 8 }, (_, k) => ({ videoId, localId: k + 1 }))))) {
        for (const r of await tx.insert(objects).values(part).returning({ id: objects.id, videoId: objects.videoId, localId: objects.localId })) objectId.set(`${r.videoId}:${r.localId}`, r.id);
      }
    });
    // Samples spread over the last 12 weeks (the simulation's `week`), answers just after.
    for (const [c, part] of chunked(sim.samples, 2000).entries()) {
      await app.db.transaction(async (tx) => {
        const rows = await tx
          .insert(expressions)
          .values(
            part.map((s, i) => ({
              uid: `sim-${c}-${i}`,
              videoId: videoIds[(c * 2000 + i) % videoIds.length]!,
              authorId: userOf.get(s.authorId!)!,
              text: `simulated sample ${c * 2000 + i}`,
              kind: s.targets.length === 0 ? ('none' as const) : s.targets.length === 1 ? ('single' as const) : ('multi' as const),
              status: s.status,
              origin: 'annotated' as const,
              gold: s.gold,
              createdAt: now - (12 - s.week) * 7 * DAY_MS,
            })),
          )
          .returning({ id: expressions.id, videoId: expressions.videoId });
        part.forEach((s, i) => truthOf.set(rows[i]!.id, s.targets));
        const targets = part.flatMap((s, i) => s.targets.map((t) => ({ expressionId: rows[i]!.id, objectId: objectId.get(`${rows[i]!.videoId}:${t}`)! })));
        for (const p of chunked(targets)) await tx.insert(expressionTargets).values(p);
        const answers = part.flatMap((s, i) =>
          s.answers.map((a) => ({
            expressionId: rows[i]!.id,
            validatorId: userOf.get(a.validatorId)!,
            round: a.round,
            answer: a.answer === null ? ('reject' as const) : a.answer.length === 0 ? ('no_target' as const) : ('targets' as const),
            targets: a.answer && a.answer.length ? JSON.stringify(a.answer) : null,
            rejectReason: a.answer === null ? ('ambiguous' as const) : null,
            durationMs: 1000,
            createdAt: now - (12 - s.week) * 7 * DAY_MS + 60_000,
          })),
        );
        for (const p of chunked(answers)) await tx.insert(validations).values(p);
      });
    }
    const answers = sim.samples.reduce((n, s) => n + s.answers.length, 0);
    log(`seeded ${SAMPLES} samples, ${answers} answers, ${VIDEOS} videos on ${app.database.dialect} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

    // The longest stretch the event loop is held: a 5 ms timer that notes how late it fires.
    let maxBlock = 0;
    let last = performance.now();
    const timer = setInterval(() => {
      const t = performance.now();
      maxBlock = Math.max(maxBlock, t - last - 5);
      last = t;
    }, 5);
    const q = QualityQuery.parse({ iterations: ITERATIONS });
    const c0 = performance.now();
    const report = await qualityReport(app.db, q);
    const cold = performance.now() - c0;
    clearInterval(timer);
    const h0 = performance.now();
    await qualityReport(app.db, q);
    const cached = performance.now() - h0;

    const o = report.overall;
    log(`α (MASI) = ${o.alpha?.toFixed(3)} [${o.low?.toFixed(3)}, ${o.high?.toFixed(3)}] on ${o.units} samples, ${o.pairs} pairs; rejections ${o.rejections}/${o.answers}`);
    for (const s of report.splits) log(`  split ${s.split}: α = ${s.alpha?.toFixed(3)} [${s.low?.toFixed(3)}, ${s.high?.toFixed(3)}], ${s.units} samples`);
    for (const w of report.weeks.slice(0, 3)) log(`  week ${w.week}: α = ${w.alpha?.toFixed(3)} [${w.low?.toFixed(3)}, ${w.high?.toFixed(3)}], ${w.units} samples`);
    const jac = await qualityReport(app.db, QualityQuery.parse({ iterations: ITERATIONS, distance: 'jaccard' }));
    log(`α (Jaccard) = ${jac.overall.alpha?.toFixed(3)} [${jac.overall.low?.toFixed(3)}, ${jac.overall.high?.toFixed(3)}]`);
    const planted = {
      random_annotators: sim.randomAnnotatorIds.map((id) => `sim-${id}`),
      random_validators: sim.randomValidatorIds.map((id) => `sim-${id}`),
      no_target_validators: sim.noTargetValidatorIds.map((id) => `sim-${id}`),
    };
    log(`planted: ${JSON.stringify(planted)}`);
    for (const p of report.people.filter((x) => x.flags.length)) log(`flagged: ${p.username} (${p.role}): ${p.flags.join(', ')}`);
    log(`flag rule: exact binomial tail < ${DEFAULT_RELIABILITY.flagP} against the pooled peers, at least ${report.minCount} answers`);
    log(`report: cold ${cold.toFixed(0)} ms (server-side ${report.ms} ms), cached ${cached.toFixed(1)} ms, longest event-loop block ${maxBlock.toFixed(0)} ms`);
    const probe = await simulateProbes(app, [...objectId.values()], truthOf);
    console.log(
      `bench:quality samples=${SAMPLES} alpha=${round3(o.alpha)} ci=${round3(o.low)}..${round3(o.high)} cold_ms=${cold.toFixed(0)} cached_ms=${cached.toFixed(1)} max_loop_block_ms=${maxBlock.toFixed(0)} probe_rate=${probe.rate ?? 'none'}`,
    );
  } finally {
    await app.cleanup();
  }
}

/** Share of simulated sentences that need the motion, and how often a prober still finds their objects on one frame (else for static ones). */
const MOTION_NECESSARY = 0.8;
const FOUND_IF_MOTION = 0.1;
const FOUND_IF_STATIC = 0.85;
const PROBERS = 30;

/**
 * The single-frame probe on the simulated project, through the real service: every object gets a
 * mask on two frames (the probe shows one of them), fresh probers who have seen no video take
 * probes until none is left, and answer as planted. Returns the admin page's numbers.
 */
async function simulateProbes(app: Awaited<ReturnType<typeof testApp>>, objectIds: number[], truthOf: Map<number, readonly number[]>) {
  const t0 = performance.now();
  // The service reads only the masks table's rows on the shown frame (which objects are there); the RLE is a placeholder.
  await app.db.transaction(async (tx) => {
    const rows = objectIds.flatMap((objectId) => [0, 4].map((frameIdx) => ({ objectId, frameIdx, counts: 'PPYo1', area: 40, bboxX: 0, bboxY: 0, bboxW: 8, bboxH: 5 })));
    for (const part of chunked(rows)) await tx.insert(masks).values(part);
  });
  const random = mulberry32(1818);
  const probers = [];
  for (let i = 0; i < PROBERS; i++) probers.push((await makeUser(app, `prober-${i}`, ['validator'])).id);
  const spans: number[] = [];
  let active = [...probers];
  while (active.length) {
    const still: number[] = [];
    for (const prober of active) {
      const s0 = performance.now();
      const view = await nextProbe(app.db, prober);
      if (!view) continue;
      still.push(prober);
      const [row] = await app.db.select({ expressionId: probes.expressionId }).from(probes).where(eq(probes.id, view.probeId));
      const truth = truthOf.get(row!.expressionId) ?? [];
      // The plant: a fixed property of the sentence (its id's draw), so every rerun plants the same.
      const motionNecessary = mulberry32(row!.expressionId)() < MOTION_NECESSARY;
      const found = random() < (motionNecessary ? FOUND_IF_MOTION : FOUND_IF_STATIC);
      const shown = view.objects.map((o) => o.localId);
      const others = shown.filter((id) => !truth.includes(id));
      const wrong = random() < 0.3 || !others.length ? null : [others[Math.floor(random() * others.length)]!];
      await answerProbe(app.db, prober, view.probeId, found ? { kind: 'targets', targets: [...truth] } : wrong ? { kind: 'targets', targets: wrong } : { kind: 'no_target' });
      spans.push(performance.now() - s0);
    }
    active = still;
  }
  const stats = await probeStats(app.db);
  spans.sort((a, b) => a - b);
  const expected = MOTION_NECESSARY * FOUND_IF_MOTION + (1 - MOTION_NECESSARY) * FOUND_IF_STATIC;
  log(
    `probe: ${stats.answered} of ${stats.created} probes answered by ${PROBERS} probers in ${((performance.now() - t0) / 1000).toFixed(1)} s (next + answer median ${spans[Math.floor(spans.length / 2)]?.toFixed(1)} ms, p95 ${spans[Math.floor(spans.length * 0.95)]?.toFixed(1)} ms)`,
  );
  log(`probe: identified from one frame ${stats.identifiable} / ${stats.answered} = ${stats.rate} (planted: ${MOTION_NECESSARY * 100} % need the motion, found ${FOUND_IF_MOTION * 100} %; the rest ${FOUND_IF_STATIC * 100} % → expected ${expected.toFixed(3)})`);
  return stats;
}

await main();
