import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { App } from '../../app.ts';
import { audit } from '../audit.ts';
import { retryOnBusy } from '../../db/busy.ts';
import { ServiceError } from '../errors.ts';
import { lockExport } from './lock.ts';
import { checkVersionName, createRelease, getRelease, nextVersion, type ReleaseOptions } from './plan.ts';
import { writeRelease, type ExportProgress } from './write.ts';

/** What exports use: the database, the store for frames and clips, a log, and where releases go (DATA_DIR). */
export type ExportDeps = Pick<App, 'db' | 'store' | 'log'> & { dataDir: string };

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

/**
 * Releases made from the admin page, written to DATA_DIR/releases/<version>. One export at a time
 * (they are I/O bound, and two would only slow each other down); progress is kept in memory, and a
 * release whose folder is missing (a restart during its export) can simply be exported again.
 */
export class ExportJobs {
  // multi-instance: per process. Another instance sees neither these jobs nor that one is running,
  // and releases are folders in this instance's DATA_DIR (the export locks too, which only
  // processes on the same data dir, such as the CLI, share).
  private readonly jobs = new Map<string, ExportJob>();
  private running: string | null = null;

  constructor(private readonly deps: ExportDeps) {}

  dirOf(version: string): string {
    return path.join(this.deps.dataDir, 'releases', version);
  }

  /** Whether the release's folder is complete (the manifest is the last file written). */
  isWritten(version: string): boolean {
    return existsSync(path.join(this.dirOf(version), 'manifest.json'));
  }

  manifest(version: string): { files: { path: string; bytes: number }[] } | null {
    return this.isWritten(version) ? (JSON.parse(readFileSync(path.join(this.dirOf(version), 'manifest.json'), 'utf8')) as { files: { path: string; bytes: number }[] }) : null;
  }

  get(version: string): ExportJob | null {
    return this.jobs.get(version) ?? null;
  }

  /**
   * A new release from the current data, or (with an existing version) that release written again.
   * Holds the version's export lock until the writing ends, so a CLI export of the same version
   * (or into the same folder) is refused meanwhile, and this one is refused while such a one runs.
   */
  async start(opts: ReleaseOptions & { rebuild?: string }, actorId: number): Promise<ExportJob> {
    if (this.running) throw new ServiceError('CONFLICT', `release ${this.running} is being exported; wait for it to finish`);
    const version = opts.rebuild ?? opts.version ?? (await nextVersion(this.deps.db));
    checkVersionName(version);
    // Checked again after the awaits above: a second start may have got in meanwhile.
    if (this.running) throw new ServiceError('CONFLICT', `release ${this.running} is being exported; wait for it to finish`);
    const dir = this.dirOf(version);
    const lock = lockExport(this.deps.dataDir, version, dir);
    this.running = version;
    let release;
    try {
      if (opts.rebuild) {
        release = await getRelease(this.deps.db, opts.rebuild);
        if (!release) throw new ServiceError('NOT_FOUND', `no release ${opts.rebuild}`);
        if (this.isWritten(release.version)) throw new ServiceError('CONFLICT', `release ${release.version} is already on disk`);
      } else {
        release = await createRelease(this.deps.db, { ...opts, version }, actorId);
      }
    } catch (e) {
      lock.release();
      this.running = null;
      throw e;
    }
    const job: ExportJob = { version: release.version, state: 'running', progress: { phase: 'videos', done: 0, total: 0 }, error: null, files: null, bytes: null, manifestSha256: null, startedAt: Date.now() };
    this.jobs.set(release.version, job);
    writeRelease(this.deps.db, this.deps.store, release, dir, (p) => (job.progress = p))
      // Free before the job reads as over: whoever waited for it may export this version next.
      .finally(() => {
        lock.release();
        this.running = null;
      })
      .then(async (res) => {
        // The server never waits for SQLite's lock; a CLI writer may hold it for a moment.
        await retryOnBusy(() =>
          this.deps.db.transaction((tx) =>
            audit(tx, { actorId, action: 'release.export', entity: 'release', entityId: release.version, data: { files: res.files, bytes: res.bytes, manifest: res.manifestSha256 } }),
          ),
        ).catch((err: unknown) => this.deps.log.warn({ err, version: release.version }, 'could not audit a finished export'));
        Object.assign(job, { state: 'finished', files: res.files, bytes: res.bytes, manifestSha256: res.manifestSha256 });
      })
      .catch((err: unknown) => {
        job.state = 'failed';
        job.error = err instanceof Error ? err.message : String(err);
        this.deps.log.error({ err, version: release.version }, 'export failed');
      });
    return job;
  }

  /** Resolves when the export of `version` is over (tests, CLI). */
  async wait(version: string): Promise<ExportJob | null> {
    while (this.jobs.get(version)?.state === 'running') await new Promise((r) => setTimeout(r, 20));
    return this.get(version);
  }
}
