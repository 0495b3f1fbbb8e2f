import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { count, eq } from 'drizzle-orm';
import type { ImportJobView } from '#shared/schemas/import.ts';
import type { SessionUser } from '#shared/schemas/users.ts';
import { videos } from '../db/schema/index.ts';
import { endJob, insertJob, waitForJob } from '../jobs/records.ts';
import { FileLock } from '../locks.ts';
import { callerFor, makeUser, testApp, type TestApp } from '../testing/app.ts';
import { writeDavisVideo } from '../testing/davis-builder.ts';
import { videoToolsMissing, writeVideoFile } from '../testing/video-builder.ts';
import { fixture } from '../testing/fixtures.ts';
import { folderMembers, zipBytes, type ZipMember } from '../testing/zip-builder.ts';
import { ServiceError } from './errors.ts';

const davis = fixture('davis2017-val-osvos');

/** Puts an archive where the upload route would, and queues its import as the route does. */
async function upload(app: TestApp, bytes: Buffer, actorId: number, opts: { strict?: boolean; format?: 'auto' | 'davis' | 'mevis' | 'video'; fps?: number } = {}): Promise<string> {
  await app.imports.admit(actorId);
  const { file } = app.imports.newUpload();
  mkdirSync(app.imports.uploadsDir, { recursive: true });
  writeFileSync(path.join(app.imports.uploadsDir, file), bytes);
  return app.imports.startUpload({ file, name: 'set.zip', bytes: bytes.length }, { format: opts.format ?? 'auto', strict: opts.strict ?? true, ...(opts.fps !== undefined && { fps: opts.fps }) }, actorId);
}

/** The import and the curation scoring after it, both over; the page's last view. */
async function settled(app: TestApp, id: string): Promise<ImportJobView> {
  await waitForJob(app.db, id, { timeoutMs: 120_000 });
  for (;;) {
    const { job } = await app.imports.status();
    if (job?.id === id && job.state !== 'running' && job.state !== 'queued') return job;
    const curation = job?.report?.curationJob;
    if (curation) await waitForJob(app.db, curation, { timeoutMs: 120_000 });
  }
}

const leftovers = (app: TestApp) => ({
  uploads: existsSync(app.imports.uploadsDir) ? readdirSync(app.imports.uploadsDir) : [],
  work: existsSync(path.join(app.dir, 'imports', 'work')) ? readdirSync(path.join(app.dir, 'imports', 'work')) : [],
});

const videoCount = async (app: TestApp) => (await app.db.select({ n: count() }).from(videos))[0]!.n;

describe('imports from the browser (background job)', () => {
  let app: TestApp;
  let adminId: number;
  let root: string;

  beforeAll(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'import-root-'));
    app = await testApp({ IMPORT_ROOT: root });
    adminId = (await makeUser(app, 'importer', ['admin'])).id;
  });
  afterAll(async () => {
    await app.cleanup();
    rmSync(root, { recursive: true, force: true });
  });

  it.skipIf(!davis.available)(`imports the DAVIS fixture from a zip with a top folder, curation scoring as its last phase${davis.skipNote}`, async () => {
    const members: ZipMember[] = [...folderMembers(path.join(davis.path, 'JPEGImages'), 'davis2017/JPEGImages/'), ...folderMembers(path.join(davis.path, 'Annotations'), 'davis2017/Annotations/')];
    const id = await upload(app, zipBytes(members), adminId, { strict: false });
    const job = await settled(app, id);
    expect(job.error).toBeNull();
    expect(job.state).toBe('finished');
    expect(job.report).toMatchObject({ outcome: 'imported', format: 'davis', problems: [] });
    expect(job.report!.videos.map((v) => v.name)).toEqual(['horsejump-high', 'kite-surf', 'paragliding-launch', 'soapbox']);
    expect(job.report!.stats).toMatchObject({ videosAdded: 4, frames: 279, masks: 754 });
    expect(job.curation).toMatchObject({ state: 'finished', scored: 4, failed: 0 });
    expect(job.source).toEqual({ kind: 'upload', name: 'set.zip', bytes: expect.any(Number) as number });
    // The upload and the unpacked copy are gone.
    expect(leftovers(app)).toEqual({ uploads: [], work: [] });
  });

  it('refuses warnings under strict (the default) with every warning named, and imports them when strict is off', async () => {
    const src = mkdtempSync(path.join(app.dir, 'warn-'));
    await writeDavisVideo(src, 'gappy', { frames: 8 });
    unlinkSync(path.join(src, 'Annotations', 'gappy', '00003.png'));
    const before = await videoCount(app);
    const strict = await settled(app, await upload(app, zipBytes(folderMembers(src)), adminId));
    expect(strict.state).toBe('finished');
    expect(strict.report).toMatchObject({ outcome: 'refused', videos: [], stats: null });
    expect(strict.report!.problems[0]!.message).toMatch(/^strict import: 1 warning\(s\) refused the import/);
    expect(strict.report!.warnings).toEqual([expect.objectContaining({ code: 'missing-mask', file: 'Annotations/gappy/00003.png' })]);
    expect(await videoCount(app)).toBe(before);

    const lax = await settled(app, await upload(app, zipBytes(folderMembers(src)), adminId, { strict: false }));
    expect(lax.report).toMatchObject({ outcome: 'imported', videos: [{ name: 'gappy' }] });
    expect(lax.report!.warnings.map((w) => w.file)).toEqual(['Annotations/gappy/00003.png']);
    expect(leftovers(app)).toEqual({ uploads: [], work: [] });
  });

  it.skipIf(videoToolsMissing() !== null)(`imports video files from a zip at a stated rate, and lists every problem of broken ones${videoToolsMissing() ?? ''}`, async () => {
    const src = mkdtempSync(path.join(app.dir, 'videos-'));
    await writeVideoFile(path.join(src, 'shots'), 'zip-video', { fps: 12, frames: 12, objects: 2 });
    // Extracted at 6 fps: 6 frames, so 6 masks.
    for (const f of [1, 3, 5, 7, 9, 11]) unlinkSync(path.join(src, 'shots', 'zip-video', `${String(f).padStart(5, '0')}.png`));
    const before = await videoCount(app);
    const ok = await settled(app, await upload(app, zipBytes(folderMembers(src)), adminId, { fps: 6 }));
    expect(ok.fps).toBe(6);
    expect(ok.report).toMatchObject({ outcome: 'imported', format: 'video', videos: [{ name: 'zip-video' }], stats: { videosAdded: 1, frames: 6, objects: 2 } });
    // The report's timeline: every phase the run went through, in order, however fast it was.
    expect(ok.report!.phases.map((t) => t.phase)).toEqual(['extract', 'video', 'masks', 'commit']);
    expect(ok.report!.phases.find((t) => t.phase === 'video')).toMatchObject({ done: 6, total: 6 });
    expect(ok.report!.phases.find((t) => t.phase === 'commit')).toMatchObject({ done: 1, total: 1 });
    for (const t of ok.report!.phases) expect(t.ms).toBeGreaterThanOrEqual(0);
    expect(await videoCount(app)).toBe(before + 1);

    const broken = mkdtempSync(path.join(app.dir, 'videos-'));
    await writeVideoFile(broken, 'one', { fps: 12, frames: 4 });
    unlinkSync(path.join(broken, 'one', '00003.png'));
    await writeVideoFile(broken, 'two', { fps: 12, frames: 4 });
    writeFileSync(path.join(broken, 'two.mp4'), 'not a video');
    mkdirSync(path.join(broken, 'three'));
    writeFileSync(path.join(broken, 'three', '00000.png'), 'masks of a video that is not there');
    const refused = await settled(app, await upload(app, zipBytes(folderMembers(broken)), adminId));
    expect(refused.report).toMatchObject({ outcome: 'refused', videos: [] });
    expect(refused.report!.problems.map((p) => p.file)).toEqual(['three/', 'two.mp4', 'one/']);
    // A refused run's timeline ends where it stopped: one/'s mask count is wrong before a mask is read, and nothing was written.
    expect(refused.report!.phases.map((t) => t.phase)).toEqual(['extract', 'video']);
    expect(refused.report!.problems[2]!.message).toBe('holds 3 masks but one.mp4 gives 4 frames at 12 fps: every frame needs exactly one mask; masks at about 9 fps over its 0.33 s would match');
    expect(await videoCount(app)).toBe(before + 1);
    expect(leftovers(app)).toEqual({ uploads: [], work: [] });
  });

  it('reports a hostile or broken archive as refused, naming the entry, and leaves nothing behind', async () => {
    const before = await videoCount(app);
    const cases: [Buffer, RegExp][] = [
      [zipBytes([{ name: '../../escape.jpg', data: Buffer.from('x') }]), /"\.\."/],
      [zipBytes([{ name: 'set/JPEGImages/v', data: Buffer.from('/etc'), unixMode: 0o120777 }]), /symbolic link/],
      [zipBytes([{ name: 'bomb.bin', data: Buffer.alloc(4 * 1024 * 1024), declaredSize: 10 }]), /unpacks to more than the 10 bytes/],
      [Buffer.from('this is not an archive at all'), /not a \.zip, \.tar or \.tar\.gz archive/],
      [zipBytes([{ name: 'readme.txt', data: Buffer.from('no dataset here') }]), /nothing to import: expected/],
    ];
    for (const [bytes, message] of cases) {
      const job = await settled(app, await upload(app, bytes, adminId));
      expect(job.state).toBe('finished');
      expect(job.report!.outcome).toBe('refused');
      expect(`${job.report!.problems[0]!.file}: ${job.report!.problems[0]!.message}`).toMatch(message);
    }
    expect(existsSync(path.join(app.dir, 'escape.jpg'))).toBe(false);
    expect(await videoCount(app)).toBe(before);
    expect(leftovers(app)).toEqual({ uploads: [], work: [] });
  });

  it('imports a folder under IMPORT_ROOT, and never one outside it', async () => {
    await writeDavisVideo(path.join(root, 'sets', 'one'), 'from-root', { frames: 3 });
    expect(await app.imports.folders('')).toEqual({ under: '', folders: [{ name: 'sets', layout: null }], more: false });
    expect((await app.imports.folders('sets')).folders).toEqual([{ name: 'one', layout: 'davis' }]);
    const started = await app.imports.startFolder({ folder: 'sets/one', format: 'davis', strict: true }, adminId);
    expect(started.source).toEqual({ kind: 'folder', path: 'sets/one' });
    const job = await settled(app, started.id);
    expect(job.report).toMatchObject({ outcome: 'imported', videos: [{ name: 'from-root' }] });
    // The folder stays: it is the operator's.
    expect(existsSync(path.join(root, 'sets', 'one', 'JPEGImages'))).toBe(true);

    const outside = mkdtempSync(path.join(os.tmpdir(), 'outside-'));
    try {
      await writeDavisVideo(outside, 'secret', { frames: 3 });
      symlinkSync(outside, path.join(root, 'escape'));
      for (const folder of ['../', outside, 'escape', 'sets/../../etc']) {
        const err = await app.imports.startFolder({ folder, format: 'auto', strict: true }, adminId).catch((e: unknown) => e);
        expect(err, folder).toBeInstanceOf(ServiceError);
        expect((err as ServiceError).code).toBe('BAD_REQUEST');
      }
      await expect(app.imports.folders('escape')).rejects.toThrow(/outside IMPORT_ROOT/);
      // A link inside a chosen folder that leads out refuses the import when the job runs.
      await writeDavisVideo(path.join(root, 'sneaky'), 'fine', { frames: 3 });
      symlinkSync(path.join(outside, 'JPEGImages', 'secret'), path.join(root, 'sneaky', 'JPEGImages', 'secret'));
      const sneaky = await settled(app, (await app.imports.startFolder({ folder: 'sneaky', format: 'auto', strict: true }, adminId)).id);
      expect(sneaky.report).toMatchObject({ outcome: 'refused', problems: [{ file: 'sneaky/JPEGImages/secret', message: 'is a link to outside IMPORT_ROOT' }] });
      expect((await app.db.select().from(videos).where(eq(videos.name, 'secret'))).length).toBe(0);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });
});

describe('one import at a time, a bounded number per admin', () => {
  let app: TestApp;
  let admin: SessionUser;
  let adminId: number;
  let root: string;

  beforeAll(async () => {
    root = mkdtempSync(path.join(os.tmpdir(), 'import-root-'));
    app = await testApp({ IMPORT_ROOT: root });
    // Jobs stay queued: this process does not run them, so "one is live" holds for the whole test.
    await app.jobs.stop(0);
    admin = await makeUser(app, 'importer', ['admin']);
    adminId = admin.id;
    await writeDavisVideo(path.join(root, 'set'), 'v', { frames: 2 });
  });
  afterAll(async () => {
    await app.cleanup();
    rmSync(root, { recursive: true, force: true });
  });

  const refusedWith = async (p: Promise<unknown>, code: string, message: RegExp) => {
    const err = await p.then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ServiceError);
    expect((err as ServiceError).code).toBe(code);
    expect((err as ServiceError).message).toMatch(message);
  };

  it('refuses a second import while one is queued or running, and while the CLI imports', async () => {
    const lock = FileLock.acquire(app.dir, 'import', 'test');
    await refusedWith(app.imports.admit(adminId), 'CONFLICT', /another import is running on this data dir/);
    lock.release();
    const first = await app.imports.startFolder({ folder: 'set', format: 'auto', strict: true }, adminId);
    expect(first.state).toBe('queued');
    await refusedWith(app.imports.startFolder({ folder: 'set', format: 'auto', strict: true }, adminId), 'CONFLICT', /already running/);
    await refusedWith(app.imports.admit(adminId), 'CONFLICT', /already running/);
    // An upload that got past admit() at the same moment as another: its file is removed.
    const { file } = app.imports.newUpload();
    mkdirSync(app.imports.uploadsDir, { recursive: true });
    writeFileSync(path.join(app.imports.uploadsDir, file), 'x');
    await refusedWith(app.imports.startUpload({ file, name: 'x.zip', bytes: 1 }, { format: 'auto', strict: true }, adminId), 'CONFLICT', /already running/);
    expect(existsSync(path.join(app.imports.uploadsDir, file))).toBe(false);
    await endJob(app.db, first.id, { state: 'failed', error: 'test' });
  });

  it('allows one upload in flight per admin and 20 imports per hour', async () => {
    const done = app.imports.beginUpload(adminId);
    expect(() => app.imports.beginUpload(adminId)).toThrow(/already uploading/);
    done();
    app.imports.beginUpload(adminId)();
    for (let i = 0; i < 19; i++) {
      const { job } = await insertJob(app.db, { id: crypto.randomUUID(), kind: 'import', key: 'import', actorId: adminId, payload: { source: { kind: 'folder', path: 'set' }, format: 'auto', strict: true, actorId: adminId } });
      await endJob(app.db, job.id, { state: 'failed', error: 'test' });
    }
    // The first test started one: 20 in the last hour.
    await refusedWith(app.imports.admit(adminId), 'TOO_MANY_REQUESTS', /at most 20 imports per hour/);
    const other = await makeUser(app, 'other-admin', ['admin']);
    await app.imports.admit(other.id);
  });

  it('shows the curation scoring an import queued as its last phase, until that is over', async () => {
    const curationJob = (await app.curation.score([1_000_000], { actorId: adminId }))!;
    const report = { outcome: 'imported', format: 'davis', importId: 1, stats: { videosAdded: 1, videosUnchanged: 0, frames: 2, objects: 2, masks: 4, expressionsAdded: 0, expressionsUnchanged: 0 }, videos: [], problems: [], warnings: [], coverage: { full: 2, sparse: [] }, curationJob };
    const { job } = await insertJob(app.db, { id: crypto.randomUUID(), kind: 'import', key: 'import', actorId: adminId, payload: { source: { kind: 'folder', path: 'set' }, format: 'auto', strict: true, actorId: adminId } }, Date.now() + 60_000);
    await endJob(app.db, job.id, { state: 'finished', result: report }, Date.now() + 60_000);
    // The curation job stays queued: this process runs no jobs.
    expect((await app.imports.status()).job).toMatchObject({ id: job.id, state: 'running', progress: { phase: 'curation', done: 0, total: 1 }, curation: { state: 'queued' } });
    await endJob(app.db, curationJob, { state: 'finished', result: { scored: 1, failed: 0 } });
    expect((await app.imports.status()).job).toMatchObject({ id: job.id, state: 'finished', curation: { state: 'finished', scored: 1, failed: 0 } });
    // A report stored before reports had a timeline (this one has none) reads with an empty one.
    const page = await callerFor(app, admin).admin.import.status();
    expect(page.job?.report?.phases).toEqual([]);
  });

  it('refuses folder imports when IMPORT_ROOT is not set', async () => {
    const bare = await testApp();
    try {
      await refusedWith(bare.imports.startFolder({ folder: 'set', format: 'auto', strict: true }, adminId), 'BAD_REQUEST', /no IMPORT_ROOT is set/);
      await refusedWith(bare.imports.folders(''), 'BAD_REQUEST', /no IMPORT_ROOT is set/);
      expect(await bare.imports.status()).toMatchObject({ job: null, importRoot: false });
    } finally {
      await bare.cleanup();
    }
  });
});
