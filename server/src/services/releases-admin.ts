import type { Db } from '../db/client.ts';
import type { ExportJobs } from './export/jobs.ts';
import { listReleases } from './export/plan.ts';

/**
 * The releases for the admin page: what each holds, whether its folder is written in this
 * instance's DATA_DIR, and its export job if this process ran one (multi-instance: both are per
 * instance, see ExportJobs).
 */
export async function listReleasesForAdmin(db: Db, exports: Pick<ExportJobs, 'isWritten' | 'get'>) {
  return (await listReleases(db)).map((r) => ({ ...r, onDisk: exports.isWritten(r.version), job: exports.get(r.version) }));
}
