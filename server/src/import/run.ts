import type { VideoStatus } from '#shared/domain.ts';
import type { App } from '../app.ts';
import { categorySnapshot, curateAfterImport } from '../services/curation.ts';
import { commitPlan, type ImportStats } from './commit.ts';
import { planDavis } from './davis.ts';
import { planMevis } from './mevis.ts';
import { StagedFiles, type ImportProgress } from './plan.ts';

export type ImportFormat = 'davis' | 'mevis' | 'demo';

export interface ImportRequest {
  format: ImportFormat;
  dir: string;
  /** Curation state of new videos; the demo arrives accepted so every role can act at once. */
  status?: VideoStatus;
  fps?: number;
  actorId?: number | null;
}

/**
 * Plan (read and check everything, store frames), then commit in one transaction. On any error
 * the frame files this run added to the store are removed again, so a failed import leaves
 * nothing behind.
 */
export async function runImport(app: App, req: ImportRequest, progress?: ImportProgress): Promise<{ importId: number; stats: ImportStats }> {
  const staged = new StagedFiles(app.store);
  let result: { importId: number; stats: ImportStats };
  let names: string[];
  let categoriesBefore: Map<string, string>;
  try {
    const plan =
      req.format === 'mevis'
        ? await planMevis(req.dir, staged, { fps: req.fps }, progress)
        : await planDavis(req.dir, staged, { fps: req.fps, format: req.format }, progress);
    names = plan.videos.map((v) => v.name);
    categoriesBefore = categorySnapshot(app.db, names);
    result = commitPlan(app.db, plan, { status: req.status ?? 'candidate', actorId: req.actorId ?? null }, progress);
  } catch (e) {
    staged.discard();
    throw e;
  }
  // Outside the try: the import is committed, so a scoring problem must never discard its frames.
  // Curation scores (paper §3.1 R1/R2) of the new videos and of kept ones whose categories changed;
  // failures are logged and left to backfillCuration.
  await curateAfterImport(app, result.importId, names, categoriesBefore);
  return result;
}
