import type { JobContext, JobQueue } from '../jobs/index.ts';
import { backfillCuration, scoreVideos, type CurationDeps, type CurationProgress, type CurationRun } from './curation.ts';

const KIND = 'curation';

/** Which videos a curation job scores: the listed ones, those lacking a current score, or all. */
export type CurationPayload = { videoIds: number[] } | { missing: true } | { all: true };

/**
 * Curation scoring (paper §3.1 R1/R2) as background jobs (server/src/jobs/), so that any instance
 * can run it and a run cut short by a dead instance is taken up by another. Every run is
 * idempotent: each video's score is one upsert, so a video scored twice only costs time.
 *
 * - after an import: the videos it added or changed (one job per import);
 * - at every instance's start: videos without a score or with one from an older scorer; keyed, so
 *   instances starting together queue one such job, and a later one finds nothing left to do;
 * - after the look-alike distance changed: every video (stored pairs were cut at the old value).
 */
export class CurationJobs {
  constructor(private readonly deps: CurationDeps & { jobs: JobQueue }) {
    deps.jobs.define<CurationPayload, CurationRun, CurationProgress>({
      kind: KIND,
      // A video takes well under a second (8 frames per object); an hour means the instance is gone.
      expireSeconds: 3600,
      retryLimit: 2,
      run: (payload, ctx) => this.run(payload, ctx),
    });
  }

  /** Queues the scoring of these videos (none: nothing queued); returns the job's id. */
  async score(videoIds: readonly number[], opts: { key?: string; actorId?: number | null } = {}): Promise<string | null> {
    if (videoIds.length === 0) return null;
    const { job } = await this.deps.jobs.enqueue<CurationPayload>(KIND, { videoIds: [...videoIds] }, opts);
    return job.id;
  }

  /** Queues the start-up backfill, unless one is queued or running already (another instance's). */
  async backfill(): Promise<string> {
    return (await this.deps.jobs.enqueue<CurationPayload>(KIND, { missing: true }, { key: 'missing' })).job.id;
  }

  /** Queues rescoring every video (after the look-alike distance changed). */
  async rescoreAll(actorId: number | null): Promise<string> {
    // Not keyed: a rescore already running may have read the distance before this change.
    return (await this.deps.jobs.enqueue<CurationPayload>(KIND, { all: true }, { actorId })).job.id;
  }

  private async run(payload: CurationPayload, ctx: JobContext<CurationProgress>): Promise<CurationRun> {
    // Stops between videos at shutdown; the next attempt redoes only what is still missing or listed.
    const onProgress = (p: CurationProgress) => {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      ctx.progress(p);
    };
    if ('videoIds' in payload) return scoreVideos(this.deps, payload.videoIds, onProgress);
    return backfillCuration(this.deps, onProgress, { all: 'all' in payload });
  }
}
