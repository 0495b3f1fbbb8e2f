import { ne } from 'drizzle-orm';
import type { VideoRowStatus, VideoStatus } from '#shared/domain.ts';
import { videos } from '../db/schema/index.ts';

/**
 * Videos anyone may see: all but those an import is still writing (status `importing`, see
 * import/commit.ts). Every query that lists or loads videos without asking for one status adds it.
 */
export const notImporting = ne(videos.status, 'importing');

/**
 * A row's status once `notImporting` filtered the query: narrows the type, and fails loudly should
 * a staged video ever get past a filter (an internal error beats showing half an import).
 */
export function shownStatus(status: VideoRowStatus): VideoStatus {
  if (status === 'importing') throw new Error('a video that is still being imported reached a reader');
  return status;
}
