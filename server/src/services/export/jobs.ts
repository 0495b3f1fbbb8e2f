import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { App } from '../../app.ts';
import { audit } from '../audit.ts';
import { retryOnBusy } from '../../db/busy.ts';
import { ServiceError } from '../errors.ts';
import { lockExport } from './lock.ts';
import { checkVersionName, createRelease, getRelease, nextVersion, type ReleaseOptions } from './plan.ts';
import { separateLegacyGroundTruth } from './legacy-layout.ts';
import { readManifest, type Manifest } from './output.ts';
import { groundTruthBeside, writeRelease, type ExportProgress } from './write.ts';
import type { JobContext, JobQueue } from '../../jobs/index.ts';
import { latestJob, liveJobs } from '../../jobs/records.ts';

/** What exports use: the database, the store for frames and clips, a log, the job queue, and where releases go (DATA_DIR). */
export type ExportDeps = Pick<App, 'db' | 'store' | 'log'> & { dataDir: string; jobs: JobQueue };

export interface ExportJob {
  version: string;
  state: 'running' | 'finished' | 'failed';
  progress: ExportProgress;
  error: string | null;
  files: number | null;
  bytes: number | null;
  manifestSha256: string | null;
  startedAt: number;
}

const KIND = 'export';
interface ExportPayload {
  version: string;
  actorId: number;
}
interface ExportResult {
  files: number;
  bytes: number;
  manifestSha256: string;
}

/**
 * Where the ground-truth package of a release written to `outDir` goes when nobody said: for the
 * server's own place, DATA_DIR/releases/<version>, the server's ground-truth place
 * DATA_DIR/ground-truth/<version> (so the CLI writes releases the admin page and the challenge
 * server use); anywhere else, beside the release (`<outDir>.ground-truth`).
 */
export function groundTruthDirFor(dataDir: string, outDir: string): string {
  const target = path.resolve(outDir);
  const releases = path.resolve(dataDir, 'releases');
  return path.dirname(target) === releases ? path.resolve(dataDir, 'ground-truth', path.basename(target)) : groundTruthBeside(target);
}

/**
 * Releases made from the admin page, written to DATA_DIR/releases/<version> (the public release)
 * and DATA_DIR/ground-truth/<version> (its withheld splits' ground truth, outside the releases
 * folder so that folder can be published or served as it is) by a background job
 * (server/src/jobs/): one export at a time in the whole deployment (they are I/O bound, and two
 * would only slow each other down), its progress in the `jobs` table for every instance to show.
 * A release is written into a temporary folder and renamed when complete, so a job that runs again
 * after its instance died starts over cleanly. Several instances share DATA_DIR/releases (README,
 * "Deploying beyond one machine").
 */
export class ExportJobs {
  constructor(private readonly deps: ExportDeps) {
    deps.jobs.define<ExportPayload, ExportResult, ExportProgress>({
      kind: KIND,
      singleton: true,
      // The MeViSv2-sized export takes minutes (bench:export); an hour means the instance is gone.
      expireSeconds: 3600,
      retryLimit: 2,
      run: (payload, ctx) => this.write(payload, ctx),
    });
  }

  dirOf(version: string): string {
    return path.join(this.deps.dataDir, 'releases', version);
  }

  /** The release's ground-truth package (for scoring, the admin's download): never under `releases/`. */
  groundTruthDirOf(version: string): string {
    return path.join(this.deps.dataDir, 'ground-truth', version);
  }

  /** The ground-truth package's manifest; null when the release has no withheld split (or is not written). */
  groundTruthManifest(version: string): Manifest | null {
    const m = readManifest(this.groundTruthDirOf(version));
    return m?.package === 'ground-truth' && m.version === version ? m : null;
  }

  /**
   * At start: releases written in the earlier one-folder layout (ground_truth/ inside the release)
   * get their ground truth moved into a package of its own (legacy-layout.ts). Returns the versions moved.
   */
  separateLegacyGroundTruth(): Promise<string[]> {
    return separateLegacyGroundTruth(this.deps.dataDir, {
      releaseDir: (v) => this.dirOf(v),
      groundTruthDir: (v) => this.groundTruthDirOf(v),
      log: this.deps.log,
    });
  }

  /** Whether the release's folder is complete (the manifest is the last file written). */
  isWritten(version: string): boolean {
    return existsSync(path.join(this.dirOf(version), 'manifest.json'));
  }

  manifest(version: string): Manifest | null {
    return this.isWritten(version) ? (JSON.parse(readFileSync(path.join(this.dirOf(version), 'manifest.json'), 'utf8')) as Manifest) : null;
  }

  /** The newest export job of a version, as the admin page shows it. */
  async get(version: string): Promise<ExportJob | null> {
    const job = await latestJob(this.deps.db, KIND, version);
    if (!job) return null;
    const result = job.result as ExportResult | null;
    return {
      version,
      // Queued (another export runs first) reads as running: the admin asked and it will run.
      state: job.state === 'queued' ? 'running' : job.state,
      progress: (job.progress as ExportProgress | null) ?? { phase: 'videos', done: 0, total: 0 },
      error: job.error,
      files: result?.files ?? null,
      bytes: result?.bytes ?? null,
      manifestSha256: result?.manifestSha256 ?? null,
      startedAt: job.createdAt,
    };
  }

  /**
   * A new release from the current data, or (with an existing version) that release written again.
   * Refused while another export is queued or running anywhere, or while another process (the
   * CLI) holds the version's export lock; the job takes that lock while it writes.
   */
  async start(opts: ReleaseOptions & { rebuild?: string }, actorId: number): Promise<ExportJob> {
    const busy = async () => {
      const [live] = await liveJobs(this.deps.db, KIND);
      if (live) throw new ServiceError('CONFLICT', `release ${live.key} is being exported; wait for it to finish`);
    };
    await busy();
    const version = opts.rebuild ?? opts.version ?? (await nextVersion(this.deps.db));
    checkVersionName(version);
    // Refused at once, not when the job runs: the CLI may be writing this version right now.
    lockExport(this.deps.dataDir, version, this.dirOf(version), this.groundTruthDirOf(version)).release();
    if (opts.rebuild) {
      const release = await getRelease(this.deps.db, opts.rebuild);
      if (!release) throw new ServiceError('NOT_FOUND', `no release ${opts.rebuild}`);
      if (this.isWritten(release.version)) throw new ServiceError('CONFLICT', `release ${release.version} is already on disk`);
    } else {
      // Checked again after the awaits above: a second start may have got in meanwhile.
      await busy();
      await createRelease(this.deps.db, { ...opts, version }, actorId);
    }
    const { created } = await this.deps.jobs.enqueue<ExportPayload>(KIND, { version, actorId }, { key: version, actorId });
    if (!created) throw new ServiceError('CONFLICT', `release ${version} is being exported; wait for it to finish`);
    return (await this.get(version))!;
  }

  private async write({ version, actorId }: ExportPayload, ctx: JobContext<ExportProgress>): Promise<ExportResult> {
    const release = await getRelease(this.deps.db, version);
    if (!release) throw new Error(`release ${version} does not exist any more`);
    const lock = lockExport(this.deps.dataDir, version, this.dirOf(version), this.groundTruthDirOf(version));
    try {
      // An interrupted earlier run left no release folder (its rename is the last step), at most
      // a ground-truth package, which writeRelease replaces.
      const targets = { dir: this.dirOf(version), groundTruthDir: this.groundTruthDirOf(version) };
      const res = await writeRelease(this.deps.db, this.deps.store, release, targets, (p) => {
        if (ctx.signal.aborted) throw ctx.signal.reason;
        ctx.progress(p);
      });
      // The server never waits for SQLite's lock; a CLI writer may hold it for a moment.
      await retryOnBusy(() =>
        this.deps.db.transaction((tx) => audit(tx, { actorId, action: 'release.export', entity: 'release', entityId: version, data: { files: res.files, bytes: res.bytes, manifest: res.manifestSha256, groundTruthManifest: res.groundTruth?.manifestSha256 ?? null } })),
      ).catch((err: unknown) => this.deps.log.warn({ err, version }, 'could not audit a finished export'));
      return { files: res.files, bytes: res.bytes, manifestSha256: res.manifestSha256 };
    } finally {
      lock.release();
    }
  }

  /** Resolves when the export of `version` is over (tests, CLI). */
  async wait(version: string): Promise<ExportJob | null> {
    for (;;) {
      const job = await this.get(version);
      if (job?.state !== 'running') return job;
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
