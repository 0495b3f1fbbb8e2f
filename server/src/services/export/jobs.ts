import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { App } from '../../app.ts';
import { audit } from '../audit.ts';
import { ServiceError } from '../errors.ts';
import { createRelease, getRelease, type ReleaseOptions } from './plan.ts';
import { writeReleaseAsync, type ExportProgress } from './write.ts';

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
  private readonly jobs = new Map<string, ExportJob>();
  private running: string | null = null;

  constructor(private readonly app: App) {}

  dirOf(version: string): string {
    return path.join(this.app.config.dataDir, 'releases', version);
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

  /** A new release from the current data, or (with an existing version) that release written again. */
  start(opts: ReleaseOptions & { rebuild?: string }, actorId: number): ExportJob {
    if (this.running) throw new ServiceError('CONFLICT', `release ${this.running} is being exported; wait for it to finish`);
    let release;
    if (opts.rebuild) {
      release = getRelease(this.app.db, opts.rebuild);
      if (!release) throw new ServiceError('NOT_FOUND', `no release ${opts.rebuild}`);
      if (this.isWritten(release.version)) throw new ServiceError('CONFLICT', `release ${release.version} is already on disk`);
    } else {
      release = createRelease(this.app.db, opts, actorId);
    }
    const job: ExportJob = { version: release.version, state: 'running', progress: { phase: 'videos', done: 0, total: 0 }, error: null, files: null, bytes: null, manifestSha256: null, startedAt: Date.now() };
    this.jobs.set(release.version, job);
    this.running = release.version;
    const dir = this.dirOf(release.version);
    writeReleaseAsync(this.app.db, this.app.store, release, dir, (p) => (job.progress = p))
      .then((res) => {
        Object.assign(job, { state: 'finished', files: res.files, bytes: res.bytes, manifestSha256: res.manifestSha256 });
        audit(this.app.db, { actorId, action: 'release.export', entity: 'release', entityId: release.version, data: { files: res.files, bytes: res.bytes, manifest: res.manifestSha256 } });
      })
      .catch((err: unknown) => {
        job.state = 'failed';
        job.error = err instanceof Error ? err.message : String(err);
        this.app.log.error({ err, version: release.version }, 'export failed');
      })
      .finally(() => (this.running = null));
    return job;
  }

  /** Resolves when the export of `version` is over (tests, CLI). */
  async wait(version: string): Promise<ExportJob | null> {
    while (this.jobs.get(version)?.state === 'running') await new Promise((r) => setTimeout(r, 20));
    return this.get(version);
  }
}
