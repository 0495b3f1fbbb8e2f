import type { Db } from '../db/client.ts';
import type { ExportJobs } from './export/jobs.ts';
import { listReleases } from './export/plan.ts';

/**
 * The releases for the admin page: what each holds, whether its folder is written (in
 * DATA_DIR/releases, which several instances share) and whether its ground-truth package is
 * (DATA_DIR/ground-truth; none when the release has no valid or test split), and its newest export
 * job, whichever instance runs it (the `jobs` table).
 */
export async function listReleasesForAdmin(db: Db, exports: Pick<ExportJobs, 'isWritten' | 'groundTruthManifest' | 'get'>) {
  const out = [];
  for (const r of await listReleases(db)) {
    const onDisk = exports.isWritten(r.version);
    out.push({ ...r, onDisk, groundTruthOnDisk: onDisk && exports.groundTruthManifest(r.version) !== null, job: await exports.get(r.version) });
  }
  return out;
}
