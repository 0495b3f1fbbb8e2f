import { and, asc, between, eq, gt, gte, inArray, isNull, lte, or, type SQL } from 'drizzle-orm';
import type { SampleRecord } from '#shared/agreement/reliability.ts';
import { isCanonical, type SetAnswer } from '#shared/agreement/sets.ts';
import { targetSet, type TargetSet } from '#shared/protocol/target-set.ts';
import { allocateByQuota, type Split } from '#shared/export/splits.ts';
import type { ExpressionStatus } from '#shared/domain.ts';
import type { DbOrTx } from '../db/client.ts';
import { expressions, expressionTargets, objects, releaseVideos, validations, videos, videoSplits } from '../db/schema/index.ts';
import { getSettings } from './settings.ts';

/** A sample as the agreement statistics see it. */
export interface AgreementSample extends SampleRecord {
  expressionId: number;
  createdAt: number;
  split: Split;
  /** The split is the one the next release would give the video (no release pinned it yet). */
  predicted: boolean;
}

export interface SampleFilter {
  /** Samples written in [fromMs, toMs). */
  fromMs?: number;
  toMs?: number;
  /** Only samples on this release's videos, in the release's splits. */
  releaseId?: number;
  /**
   * Only what existed by then (samples and answers): a release's numbers never change afterwards.
   * An answer voided later (rater-exclusion.ts) still counts here: the release was made with it,
   * and exporting that release again must give the same bytes. Without it, voided answers count nowhere.
   */
  untilMs?: number;
}

const canonical = (s: number[]): TargetSet => (isCanonical(s) ? s : targetSet(s));

/** Rows per read: a big project is read in pages so no single statement holds the event loop (SQLite reads are synchronous). */
const PAGE = 2000;
const tick = () => new Promise<void>((r) => setImmediate(r));

/**
 * Every sample with its annotator's set (expression_targets → object local ids) and its answers
 * (validations: round 0 gold answers, rounds 1–2 protocol answers; a rejection as null), in pages
 * by expression id. Sets use the objects' local ids, the ids validators pick on the canvas.
 */
export async function loadAgreementSamples(db: DbOrTx, f: SampleFilter = {}): Promise<AgreementSample[]> {
  const splitOfVideo = await videoSplitsFor(db, f.releaseId);
  const where: (SQL | undefined)[] = [
    f.fromMs !== undefined ? gte(expressions.createdAt, f.fromMs) : undefined,
    f.toMs !== undefined ? lte(expressions.createdAt, f.toMs - 1) : undefined,
    f.untilMs !== undefined ? lte(expressions.createdAt, f.untilMs) : undefined,
    f.releaseId !== undefined ? inArray(expressions.videoId, db.select({ v: releaseVideos.videoId }).from(releaseVideos).where(eq(releaseVideos.releaseId, f.releaseId))) : undefined,
  ];
  const out: AgreementSample[] = [];
  let after = 0;
  for (;;) {
    const page = await db
      .select({ id: expressions.id, videoId: expressions.videoId, authorId: expressions.authorId, status: expressions.status, gold: expressions.gold, createdAt: expressions.createdAt })
      .from(expressions)
      .where(and(gt(expressions.id, after), ...where))
      .orderBy(asc(expressions.id))
      .limit(PAGE);
    if (page.length === 0) break;
    const first = page[0]!.id;
    const last = page.at(-1)!.id;
    after = last;
    const byId = new Map<number, AgreementSample>();
    for (const e of page) {
      const split = splitOfVideo.get(e.videoId);
      if (!split) continue;
      const s: AgreementSample = {
        expressionId: e.id,
        authorId: e.authorId,
        status: e.status as ExpressionStatus,
        targets: [],
        gold: Boolean(e.gold),
        answers: [],
        createdAt: e.createdAt,
        split: split.split,
        predicted: split.predicted,
      };
      byId.set(e.id, s);
      out.push(s);
    }
    const targets = await db
      .select({ expressionId: expressionTargets.expressionId, localId: objects.localId })
      .from(expressionTargets)
      .innerJoin(objects, eq(objects.id, expressionTargets.objectId))
      .where(between(expressionTargets.expressionId, first, last));
    for (const t of targets) (byId.get(t.expressionId)?.targets as number[] | undefined)?.push(t.localId);
    const answers = await db
      .select({ expressionId: validations.expressionId, validatorId: validations.validatorId, round: validations.round, answer: validations.answer, targets: validations.targets })
      .from(validations)
      .where(
        and(
          between(validations.expressionId, first, last),
          f.untilMs !== undefined ? lte(validations.createdAt, f.untilMs) : undefined,
          f.untilMs !== undefined ? or(isNull(validations.voidedAt), gt(validations.voidedAt, f.untilMs)) : isNull(validations.voidedAt),
        ),
      )
      .orderBy(asc(validations.id));
    for (const a of answers) {
      const s = byId.get(a.expressionId);
      if (!s) continue;
      // Stored sorted (services/validation.ts); canonical again anyway, since the statistics compare sets element by element.
      const answer: SetAnswer = a.answer === 'reject' ? null : a.answer === 'no_target' ? [] : canonical(JSON.parse(a.targets ?? '[]') as number[]);
      (s.answers as AgreementSample['answers'][number][]).push({ validatorId: a.validatorId, round: a.round, answer });
    }
    for (const s of byId.values()) (s.targets as number[]).sort((a, b) => a - b);
    if (page.length < PAGE) break;
    await tick();
  }
  return out;
}

/** Each video's split: a release's own, else the pinned one, else what the next release would give it. */
async function videoSplitsFor(db: DbOrTx, releaseId: number | undefined): Promise<Map<number, { split: Split; predicted: boolean }>> {
  const out = new Map<number, { split: Split; predicted: boolean }>();
  if (releaseId !== undefined) {
    for (const r of await db.select({ videoId: releaseVideos.videoId, split: releaseVideos.split }).from(releaseVideos).where(eq(releaseVideos.releaseId, releaseId))) {
      out.set(r.videoId, { split: r.split, predicted: false });
    }
    return out;
  }
  const s = await getSettings(db);
  const rows = await db
    .select({ id: videos.id, name: videos.name, split: videoSplits.split, sourceSplit: videos.sourceSplit })
    .from(videos)
    .leftJoin(videoSplits, eq(videoSplits.videoId, videos.id));
  // As createRelease would place them (services/export/plan.ts): pinned, else the source's (or an
  // admin's choice), else a quota of the proportions over the rest. A prediction: the next release
  // holds only videos with accepted expressions, so its quota runs over fewer.
  const rest = rows.filter((v) => !v.split && !v.sourceSplit);
  const byQuota = allocateByQuota(rest.map((v) => v.name), s.releaseSeed, s.splitProportions);
  for (const v of rows) {
    if (v.split) out.set(v.id, { split: v.split, predicted: false });
    else out.set(v.id, { split: v.sourceSplit ?? byQuota.get(v.name)!, predicted: true });
  }
  return out;
}
