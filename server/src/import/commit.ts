import { and, eq, inArray } from 'drizzle-orm';
import type { VideoSource, VideoStatus } from '#shared/domain.ts';
import { kindForTargetCount } from '#shared/domain.ts';
import type { Db, Tx } from '../db/client.ts';
import { expressions, expressionTargets, frames, imports, masks, objects, videos } from '../db/schema/index.ts';
import { audit } from '../services/audit.ts';
import { motionColumns } from '../services/motion-stats.ts';
import { ImportError } from './errors.ts';
import type { ImportPlan, ImportProgress, PlannedVideo } from './plan.ts';

export interface ImportStats {
  videosAdded: number;
  videosUnchanged: number;
  frames: number;
  objects: number;
  masks: number;
  expressionsAdded: number;
  expressionsUnchanged: number;
}

// Stay well under SQLite's bound-parameter limit per multi-row INSERT.
const CHUNK = 400;

function insertChunked<T>(rows: T[], insert: (chunk: T[]) => void): void {
  for (let i = 0; i < rows.length; i += CHUNK) insert(rows.slice(i, i + CHUNK));
}

/**
 * Writes a validated plan in ONE transaction: either every video of the import lands or none.
 * A video already present with the same content is kept (re-imports are idempotent); under the
 * same name with different content the whole import is refused.
 */
export function commitPlan(
  db: Db,
  plan: ImportPlan,
  opts: { status: VideoStatus; actorId: number | null },
  progress: ImportProgress = () => {},
): { importId: number; stats: ImportStats } {
  const now = Date.now();
  return db.transaction((tx) => {
    const stats: ImportStats = { videosAdded: 0, videosUnchanged: 0, frames: 0, objects: 0, masks: 0, expressionsAdded: 0, expressionsUnchanged: 0 };
    const importRow = tx
      .insert(imports)
      .values({ format: plan.format, source: plan.source, actorId: opts.actorId, createdAt: now, stats: '{}' })
      .returning({ id: imports.id })
      .get();
    plan.videos.forEach((v, i) => {
      const existing = tx.select().from(videos).where(eq(videos.name, v.name)).get();
      let videoId: number;
      if (existing) {
        if (existing.contentHash !== v.contentHash) {
          throw new ImportError(v.name, `a different video named "${v.name}" already exists (other frames or masks); nothing was imported`);
        }
        videoId = existing.id;
        stats.videosUnchanged++;
        fillCategories(tx, videoId, v);
      } else {
        videoId = insertVideo(tx, v, { format: plan.format, status: opts.status, importId: importRow.id, now }, stats);
        stats.videosAdded++;
        audit(tx, { actorId: opts.actorId, action: 'video.import', entity: 'video', entityId: videoId, data: { name: v.name, format: plan.format, status: opts.status } }, now);
      }
      insertExpressions(tx, videoId, v, plan.source, opts.actorId, now, stats);
      progress({ phase: 'commit', done: i + 1, total: plan.videos.length, detail: v.name });
    });
    tx.update(imports).set({ stats: JSON.stringify(stats) }).where(eq(imports.id, importRow.id)).run();
    audit(tx, { actorId: opts.actorId, action: 'import', entity: 'import', entityId: importRow.id, data: { format: plan.format, source: plan.source, ...stats } }, now);
    return { importId: importRow.id, stats };
  });
}

function insertVideo(tx: Tx, v: PlannedVideo, o: { format: VideoSource; status: VideoStatus; importId: number; now: number }, stats: ImportStats): number {
  const { id: videoId } = tx
    .insert(videos)
    .values({
      name: v.name,
      source: o.format,
      status: o.status,
      width: v.width,
      height: v.height,
      frameCount: v.frames.length,
      fps: v.fps,
      contentHash: v.contentHash,
      importId: o.importId,
      createdAt: o.now,
    })
    .returning({ id: videos.id })
    .get();
  insertChunked(
    v.frames.map((f, idx) => ({ videoId, idx, name: f.name, sha256: f.sha256, bytes: f.bytes })),
    (chunk) => tx.insert(frames).values(chunk).run(),
  );
  stats.frames += v.frames.length;
  for (const o of v.objects) {
    const { id: objectId } = tx
      .insert(objects)
      .values({ videoId, localId: o.localId, category: o.category, sourceAnnoId: o.sourceAnnoId, ...(o.motion ? motionColumns(o.motion) : {}) })
      .returning({ id: objects.id })
      .get();
    insertChunked(
      o.masks.map((m) => ({ objectId, frameIdx: m.frameIdx, counts: m.counts, area: m.area, bboxX: m.bbox[0], bboxY: m.bbox[1], bboxW: m.bbox[2], bboxH: m.bbox[3] })),
      (chunk) => tx.insert(masks).values(chunk).run(),
    );
    stats.objects++;
    stats.masks += o.masks.length;
  }
  return videoId;
}

/** A later source may know categories the first one did not (meta.json after a MeViS import). */
function fillCategories(tx: Tx, videoId: number, v: PlannedVideo): void {
  for (const o of v.objects) {
    if (o.category) {
      tx.update(objects)
        .set({ category: o.category })
        .where(and(eq(objects.videoId, videoId), eq(objects.localId, o.localId)))
        .run();
    }
  }
}

function insertExpressions(tx: Tx, videoId: number, v: PlannedVideo, source: string, actorId: number | null, now: number, stats: ImportStats): void {
  if (v.expressions.length === 0) return;
  const objectIds = new Map(
    tx
      .select({ id: objects.id, localId: objects.localId })
      .from(objects)
      .where(eq(objects.videoId, videoId))
      .all()
      .map((o) => [o.localId, o.id]),
  );
  const already = new Map(
    tx
      .select({ id: expressions.id, sourceExpId: expressions.sourceExpId, text: expressions.text })
      .from(expressions)
      .where(and(eq(expressions.videoId, videoId), inArray(expressions.sourceExpId, v.expressions.map((e) => e.sourceExpId))))
      .all()
      .map((e) => [e.sourceExpId!, e]),
  );
  const added: number[] = [];
  for (const e of v.expressions) {
    const prev = already.get(e.sourceExpId);
    if (prev) {
      if (prev.text !== e.text) {
        throw new ImportError(v.name, `expression ${e.sourceExpId} was imported before with different text ("${prev.text}" vs "${e.text}")`);
      }
      stats.expressionsUnchanged++;
      continue;
    }
    const row = tx
      .insert(expressions)
      .values({
        uid: `import:${v.name}:${e.sourceExpId}`,
        videoId,
        authorId: null,
        text: e.text,
        kind: kindForTargetCount(e.objIds.length),
        status: 'accepted',
        origin: 'imported',
        sourceExpId: e.sourceExpId,
        createdAt: now,
        decidedAt: now,
      })
      .returning({ id: expressions.id })
      .get();
    if (e.objIds.length) {
      tx.insert(expressionTargets)
        .values(e.objIds.map((localId) => ({ expressionId: row.id, objectId: objectIds.get(localId)! })))
        .run();
    }
    added.push(row.id);
  }
  stats.expressionsAdded += added.length;
  // One entry per video and import rather than per expression: a full MeViS split has 28k of them.
  if (added.length) {
    audit(tx, { actorId, action: 'expression.import', entity: 'video', entityId: videoId, data: { source, count: added.length, firstId: added[0], lastId: added.at(-1) } }, now);
  }
}
