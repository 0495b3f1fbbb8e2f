import { eq, sql, type SQL } from 'drizzle-orm';
import type { VideoRowStatus } from '#shared/domain.ts';
import type { Db, DbOrTx, Tx } from '../db/client.ts';
import { writeInSlices, type SliceOptions, type Step } from '../db/sliced-writes.ts';
import { frames, videos } from '../db/schema/index.ts';
import type { FileStore } from '../store/file-store.ts';

/** Status of a video an import is still writing (see commit.ts); no reader shows such rows. */
export const IMPORTING = 'importing' satisfies VideoRowStatus;

// Rows per delete statement: one step of a sliced write.
const DELETE_BATCH = 2000;

/**
 * Deletes staged videos (status `importing` only: a visible video is never touched) with their
 * masks, objects and frames, a bounded number of rows per statement and in sliced transactions,
 * so that removing a half-written MeViS import holds the write lock no longer than writing it did.
 */
export async function discardStagedVideos(db: Db, ids: readonly number[], slices?: SliceOptions): Promise<number> {
  if (ids.length === 0) return 0;
  let removed = 0;
  await writeInSlices(db, deleteSteps(ids, (n) => (removed += n)), async () => undefined, slices);
  return removed;
}

const deleted = async (tx: Tx, stmt: SQL) => (await tx.execute(stmt)).rowCount ?? 0;

function* deleteSteps(ids: readonly number[], onVideos: (n: number) => void): Generator<Step, void, unknown> {
  for (let i = 0; i < ids.length; i += 200) {
    const list = sql.join(
      ids.slice(i, i + 200).map((id) => sql`${id}`),
      sql`, `,
    );
    const staged = sql`(select id from ${videos} where id in (${list}) and status = ${IMPORTING})`;
    // Bounded deletes by primary key (row values work on both engines).
    const batches = [
      sql`delete from masks where (object_id, frame_idx) in (select m.object_id, m.frame_idx from masks m join objects o on o.id = m.object_id where o.video_id in ${staged} limit ${DELETE_BATCH})`,
      sql`delete from frames where (video_id, idx) in (select video_id, idx from frames where video_id in ${staged} limit ${DELETE_BATCH})`,
      sql`delete from objects where id in (select id from objects where video_id in ${staged} limit ${DELETE_BATCH})`,
    ];
    for (const stmt of batches) {
      while (((yield (tx) => deleted(tx, stmt)) as number) > 0);
    }
    // What else may hang off a video (a curation score) goes with it by ON DELETE CASCADE.
    onVideos((yield (tx) => deleted(tx, sql`delete from videos where id in ${staged}`)) as number);
  }
}

/** Videos left `importing` by an import that died (kill -9, power cut). Only meaningful under the import lock. */
export async function stagedVideoIds(db: DbOrTx): Promise<number[]> {
  return (await db.select({ id: videos.id }).from(videos).where(eq(videos.status, IMPORTING))).map((r) => r.id);
}

/**
 * Removes what an interrupted import left: its staged rows, and the frame files only they referred
 * to. Must run under the import lock (runImport), which proves that no import is writing them now.
 * Files the interrupted run stored before it staged any row stay in the store, unreferenced, as
 * they always did after a crash; they cost disk space only.
 */
export async function removeLeftoverStaging(db: Db, store: FileStore, slices?: SliceOptions): Promise<{ videos: number; files: number }> {
  const ids = await stagedVideoIds(db);
  if (ids.length === 0) return { videos: 0, files: 0 };
  const hashes = new Set<string>();
  for (let i = 0; i < ids.length; i += 500) {
    const part = sql.join(
      ids.slice(i, i + 500).map((id) => sql`${id}`),
      sql`, `,
    );
    for (const r of (await db.execute<{ sha256: string }>(sql`select distinct sha256 from ${frames} where video_id in (${part})`)).rows) hashes.add(r.sha256);
  }
  const removed = await discardStagedVideos(db, ids, slices);
  // Content-addressed: a file is shared by every frame with the same bytes, so keep those still used.
  for (const r of (await db.execute<{ sha256: string }>(sql`select distinct sha256 from ${frames}`)).rows) hashes.delete(r.sha256);
  store.remove(hashes);
  return { videos: removed, files: hashes.size };
}
