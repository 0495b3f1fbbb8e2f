import { and, eq, inArray, isNotNull } from 'drizzle-orm';
import type { VideoSource, VideoStatus } from '#shared/domain.ts';
import { kindForTargetCount } from '#shared/domain.ts';
import type { Db, DbOrTx, Tx } from '../db/client.ts';
import { chunked } from '../db/chunks.ts';
import { insertOnce, writeInSlices, type SliceOptions, type Step } from '../db/sliced-writes.ts';
import { expressions, expressionTargets, frames, imports, masks, objects, videos } from '../db/schema/index.ts';
import { auditMany, type AuditEntry } from '../services/audit.ts';
import { motionColumns } from '../services/motion-stats.ts';
import { ImportError } from './errors.ts';
import { discardStagedVideos, IMPORTING } from './staging.ts';
import type { ImportPlan, ImportProgress, PlannedVideo } from './plan.ts';
import type { CoverageReport, ImportWarning } from './report.ts';

export interface ImportStats {
  videosAdded: number;
  videosUnchanged: number;
  frames: number;
  objects: number;
  masks: number;
  expressionsAdded: number;
  expressionsUnchanged: number;
}

// Stay well under both engines' bound-parameter limits per multi-row INSERT; also the size of one
// write step of the staging (a few hundred rows: well under a millisecond).
const CHUNK = 400;
// Expressions have 10 columns per row, targets 2.
const EXPRESSION_CHUNK = 300;
const TARGET_CHUNK = 1000;

export interface CommitOptions {
  status: VideoStatus;
  actorId: number | null;
  /** How the staging shares the write lock (tests shorten the gaps). */
  slices?: SliceOptions;
  /** Kept in the import row's stats (the warnings and the sparse objects listed; counts in the audit). */
  report?: { warnings: ImportWarning[]; coverage: CoverageReport };
}

/**
 * Writes a validated plan, all or nothing for every reader, without holding SQLite's write lock
 * for long (the server shares it: db/sliced-writes.ts). New videos are staged with status
 * `importing` in bounded transactions (their frames, objects and masks, a few hundred rows per
 * step), which no reader shows (services/video-visibility.ts). One last short transaction gives
 * them their status, adds the expressions, the import row and its audit. On any error the staged
 * rows are deleted again (in bounded transactions too); after a crash the next import removes them
 * (runImport, under the import lock).
 *
 * A video already present with the same content is kept (re-imports are idempotent); under the
 * same name with different content the whole import is refused before anything is written.
 */
export async function commitPlan(db: Db, plan: ImportPlan, opts: CommitOptions, progress: ImportProgress = () => {}): Promise<{ importId: number; stats: ImportStats }> {
  const now = Date.now();
  const stats: ImportStats = { videosAdded: 0, videosUnchanged: 0, frames: 0, objects: 0, masks: 0, expressionsAdded: 0, expressionsUnchanged: 0 };
  const existing = await existingVideos(db, plan);
  const fresh = plan.videos.filter((v) => !existing.has(v.name));
  const staged = new Map<string, StagedVideo>();
  let done = 0;
  const tick = (name: string) => progress({ phase: 'commit', done: ++done, total: plan.videos.length, detail: name });
  try {
    return await writeInSlices(db, stageVideos(fresh, { format: plan.format, now }, staged, stats, tick), (tx) => finishImport(tx, plan, staged, opts, now, stats), opts.slices);
  } catch (e) {
    // Best effort: what stays behind is invisible, and the next import removes it.
    await discardStagedVideos(db, [...staged.values()].map((s) => s.id), opts.slices).catch(() => {});
    throw e;
  }
}

/** A video this import staged: its row and its objects' ids by local id (for the expressions' targets). */
interface StagedVideo {
  id: number;
  objectIds: Map<number, number>;
}

/** Videos of the plan already present; a different video under one of their names refuses the import. */
async function existingVideos(db: DbOrTx, plan: ImportPlan): Promise<Map<string, { id: number }>> {
  const out = new Map<string, { id: number }>();
  const byName = new Map(plan.videos.map((v) => [v.name, v]));
  for (const part of chunked([...byName.keys()], 500)) {
    for (const row of await db.select({ id: videos.id, name: videos.name, contentHash: videos.contentHash, status: videos.status }).from(videos).where(inArray(videos.name, part))) {
      // runImport removed what an interrupted import left; one still here is not ours to judge.
      if (row.status === IMPORTING) throw new ImportError(row.name, `video "${row.name}" is being imported by another run; nothing was imported`);
      if (row.contentHash !== byName.get(row.name)!.contentHash) {
        throw new ImportError(row.name, `a different video named "${row.name}" already exists (other frames or masks); nothing was imported`);
      }
      out.set(row.name, { id: row.id });
    }
  }
  return out;
}

/**
 * Write steps of the staging: each a few hundred rows, run by writeInSlices. A step that inserts a
 * row whose id later steps need returns it, and gets it back from its `yield`.
 */
function* stageVideos(list: PlannedVideo[], o: { format: VideoSource; now: number }, staged: Map<string, StagedVideo>, stats: ImportStats, tick: (name: string) => void): Generator<Step, void, unknown> {
  for (const v of list) {
    const videoId = (yield insertOnce((tx, id) =>
      tx
        .insert(videos)
        .values({
          id,
          name: v.name,
          source: o.format,
          status: IMPORTING,
          width: v.width,
          height: v.height,
          frameCount: v.frames.length,
          fps: v.fps,
          contentHash: v.contentHash,
          sourceSplit: v.sourceSplit ?? null,
          createdAt: o.now,
        })
        .returning({ id: videos.id }),
    )) as number;
    const objectIds = new Map<number, number>();
    staged.set(v.name, { id: videoId, objectIds });
    for (const chunk of chunked(v.frames.map((f, idx) => ({ videoId, idx, name: f.name, sha256: f.sha256, bytes: f.bytes })), CHUNK)) {
      yield (tx) => tx.insert(frames).values(chunk);
    }
    stats.frames += v.frames.length;
    for (const o of v.objects) {
      const objectId = (yield insertOnce((tx, id) =>
        tx
          .insert(objects)
          .values({ id, videoId, localId: o.localId, category: o.category, sourceAnnoId: o.sourceAnnoId, ...(o.motion ? motionColumns(o.motion) : {}) })
          .returning({ id: objects.id }),
      )) as number;
      objectIds.set(o.localId, objectId);
      for (const chunk of chunked(o.masks.map((m) => ({ objectId, frameIdx: m.frameIdx, counts: m.counts, area: m.area, bboxX: m.bbox[0], bboxY: m.bbox[1], bboxW: m.bbox[2], bboxH: m.bbox[3] })), CHUNK)) {
        yield (tx) => tx.insert(masks).values(chunk);
      }
      stats.objects++;
      stats.masks += o.masks.length;
    }
    tick(v.name);
  }
}

/**
 * The import's one visible moment, in one transaction: staged videos get their status, every
 * video its new expressions, and the import its row and audit. It works in whole sets (a few
 * statements per 500 videos or 300 expressions), since its length is what readers and the server
 * wait for; frames and masks are never part of it. It may run more than once (a transaction that
 * lost a conflict is retried), so it counts on a copy of the staging's stats.
 */
async function finishImport(db: Tx, plan: ImportPlan, staged: Map<string, StagedVideo>, opts: CommitOptions, now: number, staging: ImportStats): Promise<{ importId: number; stats: ImportStats }> {
  const stats = { ...staging };
  const [importRow] = (await db
    .insert(imports)
    .values({ format: plan.format, source: plan.source, actorId: opts.actorId, createdAt: now, stats: '{}' })
    .returning({ id: imports.id })) as [{ id: number }];
  for (const part of chunked([...staged.values()].map((s) => s.id), 500)) {
    const switched = await db
      .update(videos)
      .set({ status: opts.status, importId: importRow.id })
      .where(and(inArray(videos.id, part), eq(videos.status, IMPORTING)))
      .returning({ id: videos.id });
    if (switched.length !== part.length) throw new ImportError('', 'videos staged by this import disappeared before it finished; nothing was imported');
  }
  // Kept videos are checked again here: the check before staging ran without the write lock.
  const kept = plan.videos.filter((v) => !staged.has(v.name));
  const existing = await existingVideos(db, { ...plan, videos: kept });
  const keptIds = kept.map((v) => {
    const e = existing.get(v.name);
    if (!e) throw new ImportError(v.name, `video "${v.name}" disappeared during the import; nothing was imported`);
    return e.id;
  });
  const keptObjects = await objectsOf(db, keptIds);
  const keptExpressions = await importedExpressionsOf(db, keptIds);

  const entries: AuditEntry[] = [];
  const rows: (typeof expressions.$inferInsert)[] = [];
  const targetsOf = new Map<string, number[]>();
  for (const v of plan.videos) {
    const s = staged.get(v.name);
    const videoId = s?.id ?? existing.get(v.name)!.id;
    const objectIds = s?.objectIds ?? new Map([...(keptObjects.get(videoId) ?? [])].map(([localId, o]) => [localId, o.id]));
    if (s) {
      stats.videosAdded++;
      entries.push({ actorId: opts.actorId, action: 'video.import', entity: 'video', entityId: videoId, data: { name: v.name, format: plan.format, status: opts.status } });
    } else {
      stats.videosUnchanged++;
      await fillCategories(db, v, keptObjects.get(videoId) ?? new Map());
    }
    const already = keptExpressions.get(videoId);
    let added = 0;
    for (const e of v.expressions) {
      const prevText = already?.get(e.sourceExpId);
      if (prevText !== undefined) {
        if (prevText !== e.text) throw new ImportError(v.name, `expression ${e.sourceExpId} was imported before with different text ("${prevText}" vs "${e.text}")`);
        stats.expressionsUnchanged++;
        continue;
      }
      const uid = `import:${v.name}:${e.sourceExpId}`;
      rows.push({
        uid,
        videoId,
        authorId: null,
        text: e.text,
        kind: kindForTargetCount(e.objIds.length),
        status: 'accepted',
        origin: 'imported',
        sourceExpId: e.sourceExpId,
        createdAt: now,
        decidedAt: now,
      });
      targetsOf.set(
        uid,
        e.objIds.map((localId) => objectIds.get(localId)!),
      );
      added++;
    }
    stats.expressionsAdded += added;
  }

  // Ids in insertion order per video, for the per-video audit entry (first and last id).
  const idsOf = new Map<number, number[]>();
  const targets: { expressionId: number; objectId: number }[] = [];
  for (const part of chunked(rows, EXPRESSION_CHUNK)) {
    const ids = new Map((await db.insert(expressions).values(part).returning({ id: expressions.id, uid: expressions.uid })).map((r) => [r.uid, r.id]));
    for (const r of part) {
      const id = ids.get(r.uid)!;
      for (const objectId of targetsOf.get(r.uid)!) targets.push({ expressionId: id, objectId });
      let list = idsOf.get(r.videoId);
      if (!list) idsOf.set(r.videoId, (list = []));
      list.push(id);
    }
  }
  for (const part of chunked(targets, TARGET_CHUNK)) await db.insert(expressionTargets).values(part);
  // One entry per video and import rather than per expression: a full MeViS split has 28k of them.
  for (const [videoId, ids] of idsOf) {
    entries.push({ actorId: opts.actorId, action: 'expression.import', entity: 'video', entityId: videoId, data: { source: plan.source, count: ids.length, firstId: ids[0], lastId: ids.at(-1) } });
  }
  // The masks table cannot tell "not annotated" from "absent" (no row either way), so which
  // objects have key-frame masks only is kept here, with the warnings the import was accepted with.
  const report = opts.report && { warnings: opts.report.warnings, fullObjects: opts.report.coverage.full, sparseObjects: opts.report.coverage.sparse };
  await db.update(imports).set({ stats: JSON.stringify({ ...stats, ...report }) }).where(eq(imports.id, importRow.id));
  const counts = report && { warnings: report.warnings.length, sparseObjects: report.sparseObjects.length };
  entries.push({ actorId: opts.actorId, action: 'import', entity: 'import', entityId: importRow.id, data: { format: plan.format, source: plan.source, ...stats, ...counts } });
  await auditMany(db, entries, now);
  return { importId: importRow.id, stats };
}

/** Objects of the given videos by local id, with their categories. */
async function objectsOf(db: DbOrTx, videoIds: number[]): Promise<Map<number, Map<number, { id: number; category: string | null }>>> {
  const out = new Map<number, Map<number, { id: number; category: string | null }>>();
  for (const part of chunked(videoIds, 500)) {
    for (const o of await db.select({ id: objects.id, videoId: objects.videoId, localId: objects.localId, category: objects.category }).from(objects).where(inArray(objects.videoId, part))) {
      let m = out.get(o.videoId);
      if (!m) out.set(o.videoId, (m = new Map()));
      m.set(o.localId, { id: o.id, category: o.category });
    }
  }
  return out;
}

/** Texts of the given videos' imported expressions, by source expression id. */
async function importedExpressionsOf(db: DbOrTx, videoIds: number[]): Promise<Map<number, Map<string, string>>> {
  const out = new Map<number, Map<string, string>>();
  for (const part of chunked(videoIds, 500)) {
    for (const e of await db
      .select({ videoId: expressions.videoId, sourceExpId: expressions.sourceExpId, text: expressions.text })
      .from(expressions)
      .where(and(inArray(expressions.videoId, part), isNotNull(expressions.sourceExpId)))) {
      let m = out.get(e.videoId);
      if (!m) out.set(e.videoId, (m = new Map()));
      m.set(e.sourceExpId!, e.text);
    }
  }
  return out;
}

/** A later source may know categories the first one did not (meta.json after a MeViS import). */
async function fillCategories(db: Tx, v: PlannedVideo, current: Map<number, { id: number; category: string | null }>): Promise<void> {
  for (const o of v.objects) {
    const row = current.get(o.localId);
    if (o.category && row && row.category !== o.category) await db.update(objects).set({ category: o.category }).where(eq(objects.id, row.id));
  }
}
