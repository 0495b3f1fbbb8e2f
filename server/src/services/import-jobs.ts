import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { and, asc, count, eq, gt } from 'drizzle-orm';
import type { ImportFormatChoice, ImportJobView, ImportPhaseTime, ImportProgressView, ImportReport, ImportStatus } from '#shared/schemas/import.ts';
import type { App } from '../app.ts';
import type { Config } from '../config.ts';
import { videos, jobs as jobsTable } from '../db/schema/index.ts';
import { extractArchive, type ExtractLimits } from '../import/archive/extract.ts';
import { ImportError, ImportErrors } from '../import/errors.ts';
import { checkLinksStayInside, listImportFolders, resolveImportFolder } from '../import/import-root.ts';
import { findImportRoot } from '../import/layout.ts';
import type { ImportProgress } from '../import/plan.ts';
import { ImportWarningsRefused } from '../import/report.ts';
import type { ImportRequest, ImportResult } from '../import/run.ts';
import type { JobContext, JobRecord } from '../jobs/index.ts';
import { getJob, latestJob, liveJobs } from '../jobs/records.ts';
import { FileLock, LockBusyError } from '../locks.ts';
import type { CurationProgress, CurationRun } from './curation.ts';
import { ServiceError } from './errors.ts';

const KIND = 'import';
/** Every import job has this key: the jobs table then holds at most one queued or running import. */
const KEY = 'import';
/** Imports one admin may start per hour (uploads and folders). */
const STARTS_PER_HOUR = 20;
/** Entries an archive may hold: a MeViSv2-scale split has ~140k frames, a YouTube-VOS-scale one ~200k files. */
const MAX_ENTRIES = 500_000;
/** An archive may unpack to this many times IMPORT_MAX_BYTES (JSON compresses about 10×, JPEG and PNG hardly). */
const INFLATION = 4;
const VIDEOS_LISTED = 500;
/** Leftover uploads older than this (no job took them) are removed. */
const STALE_UPLOAD_MS = 10 * 60_000;
const UPLOAD_FILE = /^[0-9a-f-]{36}\.archive$/;

export type ImportSource = { kind: 'upload'; file: string; name: string; bytes: number } | { kind: 'folder'; path: string };

export interface ImportJobPayload {
  source: ImportSource;
  format: ImportFormatChoice;
  strict: boolean;
  /** Frame rate stated by the admin (IMPORT_FPS); absent: the video's own, or the layout's default. */
  fps?: number;
  actorId: number;
}

export type ImportJobsDeps = Pick<App, 'db' | 'log' | 'jobs'> & {
  config: Pick<Config, 'dataDir' | 'importRoot' | 'importMaxBytes'>;
  /** The CLI's importer (import/run.ts), bound to the app. */
  runImport(req: ImportRequest, progress: ImportProgress): Promise<ImportResult>;
};

/**
 * Imports started from the browser: an uploaded archive (http/import-upload.ts streams it to
 * DATA_DIR/imports/uploads) or a folder under IMPORT_ROOT, imported by the same all-or-nothing
 * importer as the CLI in a background job (server/src/jobs/), one at a time in the whole
 * deployment (the job's key, and pg-boss's singleton policy), with its progress in the `jobs`
 * table for the page to poll. An archive is unpacked into DATA_DIR/imports/work/<job id>, which
 * is removed when the run ends, whatever happened; the upload is removed too unless the run was
 * handed back at shutdown (the next run needs it). A refused import (an error in the data, or
 * warnings under `strict`) finishes the job with a report naming the files; only unexpected
 * failures fail the job.
 */
export class ImportJobs {
  /** Admins with an upload in flight on this instance: one each. */
  private readonly uploading = new Set<number>();

  constructor(private readonly deps: ImportJobsDeps) {
    deps.jobs.define<ImportJobPayload, ImportReport, ImportProgressView>({
      kind: KIND,
      singleton: true,
      // A MeViSv2-scale import takes minutes (bench:import); hours mean the instance is gone.
      expireSeconds: 6 * 3600,
      retryLimit: 1,
      run: (payload, ctx) => this.run(payload, ctx),
    });
  }

  get uploadsDir(): string {
    return path.join(this.deps.config.dataDir, 'imports', 'uploads');
  }

  private get workRoot(): string {
    return path.join(this.deps.config.dataDir, 'imports', 'work');
  }

  get maxUploadBytes(): number {
    return this.deps.config.importMaxBytes;
  }

  limits(): ExtractLimits {
    return { maxEntries: MAX_ENTRIES, maxBytes: INFLATION * this.deps.config.importMaxBytes };
  }

  /** Marks an admin's upload in flight (one at a time each); call the returned function when it ends. */
  beginUpload(actorId: number): () => void {
    if (this.uploading.has(actorId)) throw new ServiceError('TOO_MANY_REQUESTS', 'you are already uploading an archive; wait for it to finish');
    this.uploading.add(actorId);
    return () => this.uploading.delete(actorId);
  }

  /** A fresh upload's path (`<uuid>.part` while it arrives) and the name it gets once complete. */
  newUpload(): { part: string; file: string } {
    const id = randomUUID();
    return { part: path.join(this.uploadsDir, `${id}.part`), file: `${id}.archive` };
  }

  /**
   * Whether an import may start now, checked before an upload's body is read: none queued or
   * running (in the jobs table, or the CLI's import lock on this data dir), and this admin under
   * STARTS_PER_HOUR. Also removes what earlier uploads and runs left behind.
   */
  async admit(actorId: number, now = Date.now()): Promise<void> {
    const [live] = await liveJobs(this.deps.db, KIND);
    if (live) throw new ServiceError('CONFLICT', 'an import is already running; wait for it to finish');
    const lock = FileLock.tryAcquire(this.deps.config.dataDir, 'import');
    if (!lock) throw new ServiceError('CONFLICT', 'another import is running on this data dir (the command line?); wait for it to finish');
    lock.release();
    const [row] = await this.deps.db
      .select({ n: count() })
      .from(jobsTable)
      .where(and(eq(jobsTable.kind, KIND), eq(jobsTable.actorId, actorId), gt(jobsTable.createdAt, now - 3600_000)));
    if ((row?.n ?? 0) >= STARTS_PER_HOUR) throw new ServiceError('TOO_MANY_REQUESTS', `at most ${STARTS_PER_HOUR} imports per hour; try again later`);
    await this.sweep(now);
  }

  /** Queues the import of a complete upload (`file` in uploadsDir); refused if another import got in first. */
  async startUpload(upload: { file: string; name: string; bytes: number }, opts: { format: ImportFormatChoice; strict: boolean; fps?: number }, actorId: number): Promise<string> {
    const name = path.basename(upload.name.replaceAll('\\', '/')).replace(/[^\p{L}\p{N}._ -]/gu, '_').slice(0, 200) || 'upload';
    const payload: ImportJobPayload = { source: { kind: 'upload', file: upload.file, name, bytes: upload.bytes }, ...opts, actorId };
    const { job, created } = await this.deps.jobs.enqueue<ImportJobPayload>(KIND, payload, { key: KEY, actorId });
    if (!created) {
      await rm(path.join(this.uploadsDir, upload.file), { force: true });
      throw new ServiceError('CONFLICT', 'an import is already running; wait for it to finish');
    }
    return job.id;
  }

  /** Queues the import of a folder under IMPORT_ROOT (checked now, and again when the job runs). */
  async startFolder(input: { folder: string; format: ImportFormatChoice; strict: boolean; fps?: number }, actorId: number): Promise<ImportJobView> {
    const root = this.requireRoot();
    let rel: string;
    try {
      ({ rel } = await resolveImportFolder(root, input.folder));
    } catch (e) {
      if (e instanceof ImportError) throw new ServiceError('BAD_REQUEST', e.message);
      throw e;
    }
    await this.admit(actorId);
    const { job, created } = await this.deps.jobs.enqueue<ImportJobPayload>(KIND, { source: { kind: 'folder', path: rel }, format: input.format, strict: input.strict, ...(input.fps !== undefined && { fps: input.fps }), actorId }, { key: KEY, actorId });
    if (!created) throw new ServiceError('CONFLICT', 'an import is already running; wait for it to finish');
    return this.view(job);
  }

  /** The folders under a folder of IMPORT_ROOT (names only). */
  async folders(under: string) {
    try {
      return await listImportFolders(this.requireRoot(), under);
    } catch (e) {
      if (e instanceof ImportError) throw new ServiceError('BAD_REQUEST', e.message);
      throw e;
    }
  }

  /** The newest import (running, or the last one with its report) and the limits the page shows. */
  async status(): Promise<ImportStatus> {
    const job = await latestJob(this.deps.db, KIND, KEY);
    return { job: job ? await this.view(job) : null, maxUploadBytes: this.deps.config.importMaxBytes, importRoot: Boolean(this.deps.config.importRoot) };
  }

  private requireRoot(): string {
    if (!this.deps.config.importRoot) throw new ServiceError('BAD_REQUEST', 'no IMPORT_ROOT is set on the server: upload an archive instead');
    return this.deps.config.importRoot;
  }

  /**
   * The job as the page shows it. After a successful import, the curation scoring it queued is
   * its last phase: the import reads as running, at phase `curation`, until that job is over.
   */
  private async view(job: JobRecord): Promise<ImportJobView> {
    const p = job.payload as ImportJobPayload;
    const report = job.result as ImportReport | null;
    let state = job.state;
    let progress = job.progress as ImportProgressView | null;
    let curation: ImportJobView['curation'] = null;
    if (report?.curationJob) {
      const c = await getJob(this.deps.db, report.curationJob);
      if (c) {
        const run = c.result as CurationRun | null;
        curation = { state: c.state, scored: run?.scored ?? null, failed: run?.failed ?? null };
        if (c.state === 'queued' || c.state === 'running') {
          state = 'running';
          const cp = c.progress as CurationProgress | null;
          const done = cp?.done ?? 0;
          const total = cp?.total ?? report.stats?.videosAdded ?? 0;
          progress = { phase: 'curation', done, total, files: null, bytes: null, etaSeconds: eta(c.updatedAt - c.createdAt, done, total), detail: null };
        }
      }
    }
    return {
      id: job.id,
      state,
      source: p.source.kind === 'upload' ? { kind: 'upload', name: p.source.name, bytes: p.source.bytes } : { kind: 'folder', path: p.source.path },
      format: p.format,
      strict: p.strict,
      fps: p.fps ?? null,
      startedAt: job.createdAt,
      updatedAt: job.updatedAt,
      progress,
      report,
      error: job.error,
      curation,
    };
  }

  private async run(p: ImportJobPayload, ctx: JobContext<ImportProgressView>): Promise<ImportReport> {
    const work = path.join(this.workRoot, ctx.id);
    const clock = new PhaseClock(ctx);
    try {
      // An earlier attempt of this job (its instance died) may have left a half-unpacked folder.
      await rm(work, { recursive: true, force: true });
      let dir: string;
      if (p.source.kind === 'upload') {
        if (!UPLOAD_FILE.test(p.source.file)) throw new Error(`bad upload name ${p.source.file}`);
        await mkdir(work, { recursive: true });
        await extractArchive(path.join(this.uploadsDir, p.source.file), work, this.limits(), (e) => clock.emit('extract', e.read, e.total, { files: e.files, bytes: e.bytes }), ctx.signal);
        dir = work;
      } else {
        // Checked again here: the folder (or a link in it) may have changed since the admin chose it.
        const root = this.deps.config.importRoot;
        if (!root) throw new ImportError('', 'IMPORT_ROOT is no longer set on the server');
        const { real, realRoot } = await resolveImportFolder(root, p.source.path);
        await checkLinksStayInside(realRoot, real, { signal: ctx.signal, onEntries: (n) => clock.emit('check', n, 0, { files: n }) });
        dir = real;
      }
      const found = await findImportRoot(dir, p.format);
      const result = await this.deps.runImport({ format: found.format, dir: found.dir, strict: p.strict, fps: p.fps, actorId: p.actorId }, (e) => clock.emit(e.phase, e.done, e.total, { detail: e.detail ?? null }));
      const added = await this.deps.db
        .select({ id: videos.id, name: videos.name })
        .from(videos)
        .where(eq(videos.importId, result.importId))
        .orderBy(asc(videos.name))
        .limit(VIDEOS_LISTED);
      return {
        outcome: 'imported',
        format: found.format,
        importId: result.importId,
        stats: result.stats,
        videos: added,
        problems: [],
        warnings: result.warnings,
        coverage: result.coverage,
        curationJob: result.curationJob,
        phases: clock.phases(),
      };
    } catch (e) {
      if (ctx.signal.aborted) throw ctx.signal.reason ?? e;
      const refused = (problems: ImportReport['problems'], warnings: ImportReport['warnings'] = []): ImportReport => ({
        outcome: 'refused',
        format: null,
        importId: null,
        stats: null,
        videos: [],
        problems,
        warnings,
        coverage: null,
        curationJob: null,
        phases: clock.phases(),
      });
      if (e instanceof ImportWarningsRefused) {
        return refused([{ file: '', message: `strict import: ${e.warnings.length} warning(s) refused the import, nothing was imported (turn strict off to import with them)` }], [...e.warnings]);
      }
      // Every problem found, each naming its file (errors.ts: the importers check every video and file).
      if (e instanceof ImportErrors) return refused(e.problems.map((x) => ({ file: x.file, message: x.reason })));
      if (e instanceof ImportError) return refused([{ file: e.file, message: e.reason }]);
      if (e instanceof LockBusyError) return refused([{ file: '', message: e.message }]);
      throw e;
    } finally {
      await rm(work, { recursive: true, force: true }).catch((err: unknown) => this.deps.log.warn({ err, work }, 'could not remove an import work folder'));
      if (p.source.kind === 'upload' && !ctx.signal.aborted && UPLOAD_FILE.test(p.source.file)) {
        await rm(path.join(this.uploadsDir, p.source.file), { force: true }).catch((err: unknown) => this.deps.log.warn({ err }, 'could not remove an import upload'));
      }
    }
  }

  /**
   * Removes what no live import needs: uploads no job took (a refused start, a crash between the
   * upload and its job, a job given up) once they are STALE_UPLOAD_MS old — younger ones may be
   * about to be queued, or still arriving — and work folders of jobs that are over.
   */
  private async sweep(now: number): Promise<void> {
    const live = await liveJobs(this.deps.db, KIND);
    const keep = new Set(live.map((j) => (j.payload as ImportJobPayload).source).flatMap((s) => (s.kind === 'upload' ? [s.file] : [])));
    for (const name of await readdir(this.uploadsDir).catch(() => [] as string[])) {
      if (keep.has(name)) continue;
      const file = path.join(this.uploadsDir, name);
      const s = await stat(file).catch(() => null);
      if (s && now - s.mtimeMs > STALE_UPLOAD_MS) await rm(file, { force: true });
    }
    const liveIds = new Set(live.map((j) => j.id));
    for (const name of await readdir(this.workRoot).catch(() => [] as string[])) {
      if (!liveIds.has(name)) await rm(path.join(this.workRoot, name), { recursive: true, force: true });
    }
  }
}

/** Seconds left at the pace so far, or null before there is one. */
function eta(elapsedMs: number, done: number, total: number): number | null {
  if (done <= 0 || total <= done || elapsedMs <= 0) return null;
  return Math.round(((elapsedMs / done) * (total - done)) / 1000);
}

/**
 * Progress of one run, phase by phase, with each phase's ETA from its own pace, and the timeline
 * the report keeps (a phase that comes back adds to its time; at most one entry per phase). Stops
 * the run at the next event once the instance shuts down (the job goes back to the queue).
 */
class PhaseClock {
  private current: ImportPhaseTime | null = null;
  private startedAt = 0;
  private readonly timeline: ImportPhaseTime[] = [];
  constructor(private readonly ctx: JobContext<ImportProgressView>) {}

  emit(phase: ImportProgressView['phase'], done: number, total: number, extra: { files?: number; bytes?: number; detail?: string | null } = {}): void {
    if (this.ctx.signal.aborted) throw this.ctx.signal.reason;
    const now = Date.now();
    if (phase !== this.current?.phase) {
      this.close(now);
      this.current = this.timeline.find((t) => t.phase === phase) ?? null;
      if (!this.current) this.timeline.push((this.current = { phase, ms: 0, done, total }));
      this.startedAt = now;
    }
    this.current.done = done;
    this.current.total = total;
    this.ctx.progress({ phase, done, total, files: extra.files ?? null, bytes: extra.bytes ?? null, etaSeconds: eta(now - this.startedAt, done, total), detail: extra.detail ?? null });
  }

  /** The phases so far, the running one timed up to now. */
  phases(): ImportPhaseTime[] {
    this.close(Date.now());
    this.current = null;
    return this.timeline.map((t) => ({ ...t }));
  }

  private close(now: number): void {
    if (this.current) this.current.ms += now - this.startedAt;
    this.startedAt = now;
  }
}
