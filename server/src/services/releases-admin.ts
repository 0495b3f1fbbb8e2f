import type { Db } from '../db/client.ts';
import type { ExportJobs } from './export/jobs.ts';
import { listReleases } from './export/plan.ts';

/**
 * The releases for the admin page: what each holds, whether its folder is written (in
 * DATA_DIR/releases, which several instances share), and its newest export job, whichever
 * instance runs it (the `jobs` table).
 */
export async function listReleasesForAdmin(db: Db, exports: Pick<ExportJobs, 'isWritten' | 'get'>) {
  const out = [];
  for (const r of await listReleases(db)) out.push({ ...r, onDisk: exports.isWritten(r.version), job: await exports.get(r.version) });
  return out;
}
