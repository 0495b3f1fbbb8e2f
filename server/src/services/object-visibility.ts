import { and, eq, inArray, isNotNull } from 'drizzle-orm';
import type { DbOrTx } from '../db/client.ts';
import { objects } from '../db/schema/index.ts';
import { ServiceError } from './errors.ts';

/**
 * Refuses objects (database ids) that an admin excluded or merged away (services/objects-admin.ts):
 * a write that names one would bring back what the decision took out. Run inside the writing
 * transaction, so a decision that committed meanwhile is seen.
 */
export async function assertNoneExcluded(tx: DbOrTx, videoId: number, objectIds: readonly number[]): Promise<void> {
  if (objectIds.length === 0) return;
  const gone = await tx
    .select({ localId: objects.localId })
    .from(objects)
    .where(and(eq(objects.videoId, videoId), inArray(objects.id, [...objectIds]), isNotNull(objects.excludedAt)));
  if (gone.length) {
    throw new ServiceError('BAD_REQUEST', `object ${gone.map((o) => `#${o.localId}`).join(', ')} of video ${videoId} was taken out of annotation by an admin; please reload the video`);
  }
}
