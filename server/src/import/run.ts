import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { VideoStatus } from '#shared/domain.ts';
import type { App } from '../app.ts';
import { categorySnapshot, videosToScoreAfterImport } from '../services/curation.ts';
import { commitPlan, type ImportStats } from './commit.ts';
import { planDavis } from './davis.ts';
import { planMevis } from './mevis.ts';
import { planVideoFiles, type VideoLimits } from './video-file.ts';
import { StagedFiles, type ImportProgress } from './plan.ts';
import { removeLeftoverStaging } from './staging.ts';
import { coverageOf, ImportWarningsRefused, type CoverageReport, type ImportWarning } from './report.ts';
import { FileLock, LockBusyError } from '../locks.ts';
import type { SliceOptions } from '../db/sliced-writes.ts';
import type { PoolClient } from 'pg';

export type ImportFormat = 'davis' | 'mevis' | 'video' | 'demo';

export interface ImportRequest {
  format: ImportFormat;
  dir: string;
  /** Curation state of new videos; the demo arrives accepted so every role can act at once. */
  status?: VideoStatus;
  /** Frame rate: of the frames (DAVIS 24, MeViS 6 by default), or for video files the rate to extract at (default: each video's own). */
  fps?: number;
  actorId?: number | null;
  /**
   * Refuse the import (nothing written) when it has warnings: a stray palette index, a PNG missing
   * among dense masks (report.ts). Off by default and on the CLI (`--strict`); an import an admin
   * starts without seeing the files (the browser) should set it.
   */
  strict?: boolean;
  /** Video files: other bounds than VIDEO_LIMITS (tests). */
  videoLimits?: Partial<VideoLimits>;
}

export interface ImportResult {
  importId: number;
  stats: ImportStats;
  /** Accepted with warnings (a strict import throws ImportWarningsRefused instead). */
  warnings: ImportWarning[];
  coverage: CoverageReport;
  curationJob: string | null;
}

const IMPORT_LOCK_BUSY = 'another import is running on this data dir (one at a time); wait for it to finish and try again';
/** PostgreSQL's advisory lock of imports (an arbitrary constant; db/postgres.ts has its neighbours). */
const IMPORT_LOCK = 7_305_117_003;

/**
 * One import at a time: the `import` lock of the data dir (locks.ts; `restore` checks it too), and
 * on PostgreSQL also one per database, since instances with other data dirs share it: an advisory
 * lock held by a connection of its own for the whole import. PostgreSQL drops it when that
 * connection ends, a killed process included, as the OS drops the file lock. Never waits.
 */
async function lockImports(app: App): Promise<() => void> {
  const file = FileLock.acquire(app.config.dataDir, 'import', IMPORT_LOCK_BUSY);
  if (app.database.dialect !== 'postgres') return () => file.release();
  let client: PoolClient | undefined;
  try {
    client = await app.database.pool.connect();
    const { rows } = await client.query<{ ok: boolean }>('select pg_try_advisory_lock($1) as ok', [IMPORT_LOCK]);
    if (!rows[0]?.ok) throw new LockBusyError('another import is running on this database (one at a time); wait for it to finish and try again');
  } catch (e) {
    client?.release(true);
    file.release();
    throw e;
  }
  const held = client;
  // Released by closing the connection: back in the pool, it would keep the lock.
  return () => {
    held.release(true);
    file.release();
  };
}

/**
 * Plan (read and check everything, store frames), then commit: staged in bounded transactions,
 * visible all at once (commit.ts). On any error the frame files this run added to the store are
 * removed again, so a failed import leaves nothing behind.
 *
 * One import at a time per data dir (and per database on PostgreSQL): the import lock
 * (lockImports) is held from planning to the commit, and a second import is refused at once.
 * Holding it also proves that videos still marked `importing` belong to no running import, so they
 * are what an interrupted one (kill -9) left, and are removed first.
 */
export async function runImport(app: App, req: ImportRequest, progress?: ImportProgress, opts: { slices?: SliceOptions } = {}): Promise<ImportResult> {
  const unlock = await lockImports(app);
  let result: { importId: number; stats: ImportStats };
  let report: { warnings: ImportWarning[]; coverage: CoverageReport };
  let names: string[];
  let categoriesBefore: Map<string, string>;
  try {
    const leftovers = await removeLeftoverStaging(app.db, app.store, opts.slices);
    if (leftovers.videos) app.log.warn(leftovers, 'removed the videos an interrupted import had left half-written');
    // Frames an interrupted extraction left (the lock proves no import is extracting now).
    const scratchDir = path.join(app.config.dataDir, 'imports', 'frames');
    await rm(scratchDir, { recursive: true, force: true });
    const staged = new StagedFiles(app.store);
    try {
      const plan =
        req.format === 'mevis'
          ? await planMevis(req.dir, staged, { fps: req.fps }, progress)
          : req.format === 'video'
            ? await planVideoFiles(req.dir, staged, { fps: req.fps, scratchDir, actor: req.actorId == null ? 'cli' : `user:${req.actorId}`, limits: req.videoLimits }, progress)
            : await planDavis(req.dir, staged, { fps: req.fps, format: req.format }, progress);
      if (req.strict && plan.warnings.length) throw new ImportWarningsRefused(plan.warnings);
      report = { warnings: plan.warnings, coverage: coverageOf(plan.videos) };
      names = plan.videos.map((v) => v.name);
      categoriesBefore = await categorySnapshot(app.db, names);
      result = await commitPlan(app.db, plan, { status: req.status ?? 'candidate', actorId: req.actorId ?? null, slices: opts.slices, report }, progress);
    } catch (e) {
      staged.discard();
      throw e;
    }
  } finally {
    unlock();
  }
  // Outside the try: the import is committed, so a scoring problem must never discard its frames.
  // Curation scores (paper §3.1 R1/R2) of the new videos and of kept ones whose categories changed
  // are a background job (a server runs it; the CLI only queues it); if even queueing fails, the
  // backfill at the next start scores what is missing.
  let curationJob: string | null = null;
  try {
    curationJob = await app.curation.score(await videosToScoreAfterImport(app.db, result.importId, names, categoriesBefore), { key: `import:${result.importId}`, actorId: req.actorId ?? null });
  } catch (err) {
    app.log.warn({ importId: result.importId, err }, 'queueing curation scoring after import failed');
  }
  return { ...result, ...report, curationJob };
}
