/**
 * The browser import (POST /uploads/import and admin.import.*) under attack: uploads by anyone
 * but an admin, oversized uploads, zip bombs, traversal and link entries, and folders outside
 * IMPORT_ROOT. The runner starts the server with IMPORT_ROOT and a small IMPORT_MAX_BYTES.
 *
 * A hostile archive's *contents* can only be judged once unpacked, so its upload is accepted and
 * queued; the job then refuses it with a report naming the entry, and nothing but that job's
 * row is written: no video, no frame, no store file, no file outside the job's work folder.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { IMPORT_UPLOAD_PATH, type ImportJobView, type ImportStatus } from '../../shared/src/schemas/import.ts';
import { writeDavisVideo, writePaletteMask } from '../../server/src/testing/davis-builder.ts';
import { syntheticVideo, videoToolsMissing, writeVideoFile } from '../../server/src/testing/video-builder.ts';
import { folderMembers, zipBytes } from '../../server/src/testing/zip-builder.ts';
import { toTrpcResult } from '../lib/http.ts';
import { check, checkRefused, type AbuseCtx, type AccountName, type Attack } from '../lib/types.ts';

/** The import limit the runner gives the server (abuse/run.ts). */
export const ABUSE_IMPORT_MAX_BYTES = 16 * 1024 * 1024;

const importRoot = (ctx: AbuseCtx) => ctx.env.IMPORT_ROOT!;
const uploadsDir = (ctx: AbuseCtx) => path.join(ctx.dataDir, 'imports', 'uploads');
const workDir = (ctx: AbuseCtx) => path.join(ctx.dataDir, 'imports', 'work');
const listing = (dir: string) => (existsSync(dir) ? readdirSync(dir) : []);

/** Everything but the `jobs` row an accepted upload adds: what must not change when its import is refused. */
const withoutJobs = (fingerprint: string) => fingerprint.replace(/(^|,)jobs=\d+/, '');

function upload(ctx: AbuseCtx, as: AccountName | null, body: Buffer, opts: { headers?: Record<string, string>; query?: string; declare?: boolean } = {}) {
  return ctx.raw({
    method: 'POST',
    path: `${IMPORT_UPLOAD_PATH}${opts.query ?? '?format=auto&strict=1&name=attack.zip'}`,
    headers: {
      'content-type': 'application/octet-stream',
      'x-studio-upload': '1',
      ...(opts.declare === false ? { 'transfer-encoding': 'chunked' } : { 'content-length': String(body.length) }),
      ...(as ? { cookie: ctx.seed.accounts[as].cookie } : {}),
      ...opts.headers,
    },
    body,
    timeoutMs: 60_000,
  });
}

/** Uploads as the admin and waits for the job's report. */
async function uploadedReport(ctx: AbuseCtx, body: Buffer, query?: string, waitMs = 45_000): Promise<ImportJobView> {
  const res = await upload(ctx, 'admin', body, { query });
  check(res.status === 200, `the admin's upload was not accepted for checking: ${res.status} ${res.body.toString().slice(0, 200)}`);
  const { jobId } = JSON.parse(res.body.toString()) as { jobId: string };
  return waitForImport(ctx, jobId, waitMs);
}

async function waitForImport(ctx: AbuseCtx, jobId: string, waitMs = 45_000): Promise<ImportJobView> {
  const end = Date.now() + waitMs;
  for (;;) {
    const status = await ctx.call<ImportStatus>('admin', 'admin.import.status');
    check(status.status === 200, `admin.import.status failed: ${status.status} ${status.text.slice(0, 200)}`);
    const job = status.data!.job;
    if (job?.id === jobId && job.state !== 'queued' && job.state !== 'running') return job;
    check(Date.now() < end, `import ${jobId} did not end within ${waitMs / 1000} s`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function refusedReport(job: ImportJobView, what: string, message: RegExp): void {
  check(job.state === 'finished' && job.report?.outcome === 'refused', `${what}: expected a refused import, got ${job.state} ${JSON.stringify(job.report ?? job.error).slice(0, 300)}`);
  const first = job.report.problems[0];
  const text = first ? `${first.file}: ${first.message}` : '';
  check(message.test(text), `${what}: unclear report ${JSON.stringify(text.slice(0, 300))} (want ${message})`);
  check(!/SqliteError|SQLITE_|at .*\.ts:\d+/.test(text), `${what}: the report leaks internals: ${text.slice(0, 200)}`);
}

/** Nothing left of refused uploads: no upload file, no work folder, no extracted frames. */
function noLeftovers(ctx: AbuseCtx, what: string): void {
  check(listing(uploadsDir(ctx)).length === 0, `${what}: uploads left behind: ${listing(uploadsDir(ctx)).join(', ')}`);
  check(listing(workDir(ctx)).length === 0, `${what}: work folders left behind: ${listing(workDir(ctx)).join(', ')}`);
  const frames = path.join(ctx.dataDir, 'imports', 'frames');
  check(listing(frames).length === 0, `${what}: extracted frames left behind: ${listing(frames).join(', ')}`);
}

/** Every problem of a refused report as `file: message`, checked to leak no internals or server paths. */
function problemLines(ctx: AbuseCtx, job: ImportJobView, what: string): string[] {
  check(job.state === 'finished' && job.report?.outcome === 'refused', `${what}: expected a refused import, got ${job.state} ${JSON.stringify(job.report ?? job.error).slice(0, 300)}`);
  const lines = job.report.problems.map((p) => `${p.file}: ${p.message}`);
  for (const l of lines) {
    check(!/SqliteError|SQLITE_|at .*\.ts:\d+/.test(l), `${what}: the report leaks internals: ${l.slice(0, 200)}`);
    check(!l.includes(ctx.dataDir), `${what}: the report shows a server path: ${l.slice(0, 200)}`);
  }
  return lines;
}

/** A zip of a folder of video files built by `build` in a scratch folder (removed again). */
async function videoZip(ctx: AbuseCtx, build: (dir: string) => Promise<void> | void): Promise<Buffer> {
  const dir = mkdtempSync(path.join(path.dirname(ctx.dataDir), 'video-attack-'));
  try {
    await build(dir);
    return zipBytes(folderMembers(dir, 'set/'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Two tiny palette masks: enough for the layout, the attack is about the video beside them. */
function twoMasks(src: string, name: string): void {
  mkdirSync(path.join(src, name), { recursive: true });
  const label = new Uint8Array(64 * 48).fill(1, 0, 200);
  for (const f of ['00000.png', '00001.png']) writeFileSync(path.join(src, name, f), writePaletteMask(64, 48, label));
}

const VIDEO_QUERY = '?format=video&strict=1&name=videos.zip';

async function tarBytes(entries: { name: string; type: 'file' | 'symlink' | 'link'; data?: Buffer; linkname?: string }[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c: Buffer) => chunks.push(c));
  const ended = new Promise((r) => pack.on('end', r));
  for (const e of entries) pack.entry({ name: e.name, type: e.type, linkname: e.linkname, size: e.data?.length ?? 0 }, e.data ?? Buffer.alloc(0));
  pack.finalize();
  await ended;
  return Buffer.concat(chunks);
}

export const attacks: Attack[] = [
  {
    name: 'import: uploads and import procedures by non-admins, anonymous, cross-site and form posts',
    async run(ctx) {
      const before = ctx.fingerprint();
      const zip = zipBytes([{ name: 'set/JPEGImages/v/00000.jpg', data: Buffer.from('x') }]);
      for (const who of ['annotator', 'validator1', 'speaker', null] as const) {
        const res = await upload(ctx, who, zip);
        const want = who ? 403 : 401;
        check(res.status === want, `${who ?? 'anonymous'} upload: expected ${want}, got ${res.status} ${res.body.toString().slice(0, 200)}`);
        checkRefused(toTrpcResult(res), `${who ?? 'anonymous'} upload`);
        for (const [p, input] of [
          ['admin.import.status', undefined],
          ['admin.import.folders', { under: '' }],
          ['admin.import.start', { folder: 'anything', format: 'auto', strict: true }],
        ] as const) {
          checkRefused(await ctx.call(who, p, input), `${who ?? 'anonymous'} ${p}`, { code: who ? 'FORBIDDEN' : 'UNAUTHORIZED' });
        }
      }
      // The admin's own cookie, but a request a hostile page could make: a form post, or cross-site.
      const hostile: Record<string, string>[] = [{ 'content-type': 'multipart/form-data; boundary=x' }, { 'content-type': 'text/plain' }, { 'x-studio-upload': '0' }, { 'sec-fetch-site': 'cross-site' }];
      for (const headers of hostile) {
        const res = await upload(ctx, 'admin', zip, { headers });
        check(res.status === 403, `admin upload with ${JSON.stringify(headers)}: expected 403, got ${res.status}`);
        checkRefused(toTrpcResult(res), `admin upload with ${JSON.stringify(headers)}`);
      }
      const get = await ctx.raw({ path: IMPORT_UPLOAD_PATH, headers: { cookie: ctx.seed.accounts.admin.cookie } });
      check(get.status === 405, `GET on the upload route: expected 405, got ${get.status}`);
      check(ctx.fingerprint() === before, 'a refused upload wrote something');
      noLeftovers(ctx, 'refused uploads');
    },
  },
  {
    name: 'import: an upload over IMPORT_MAX_BYTES, declared and chunked',
    async run(ctx) {
      const before = ctx.fingerprint();
      const body = Buffer.alloc(ABUSE_IMPORT_MAX_BYTES + 1024 * 1024, 0x50);
      const declared = await upload(ctx, 'admin', body);
      check(declared.status === 413, `a declared ${body.length}-byte upload: expected 413, got ${declared.status}`);
      checkRefused(toTrpcResult(declared), 'declared oversized upload', { message: /larger than 16 MiB, the limit \(IMPORT_MAX_BYTES\)/ });
      check(declared.ms < 3000, `the refusal took ${declared.ms.toFixed(0)} ms: the body was read`);
      const chunked = await upload(ctx, 'admin', body, { declare: false });
      check(chunked.status === 413, `a chunked ${body.length}-byte upload: expected 413, got ${chunked.status}`);
      checkRefused(toTrpcResult(chunked), 'chunked oversized upload', { message: /larger than 16 MiB/ });
      check(ctx.fingerprint() === before, 'an oversized upload wrote something');
      noLeftovers(ctx, 'oversized uploads');
    },
  },
  {
    name: 'import: zip bombs (a member lying about its size, and one declaring gigabytes)',
    async run(ctx) {
      const before = withoutJobs(ctx.fingerprint());
      // 64 MiB of zeros deflate to about 64 KiB; the header says 1,000 bytes.
      const liar = zipBytes([
        { name: 'set/JPEGImages/v/00000.jpg', data: Buffer.alloc(16) },
        { name: 'set/bomb.bin', data: Buffer.alloc(64 * 1024 * 1024), declaredSize: 1000 },
      ]);
      check(liar.length < ABUSE_IMPORT_MAX_BYTES, 'the bomb is not small');
      refusedReport(await uploadedReport(ctx, liar), 'lying zip bomb', /^set\/bomb\.bin: unpacks to more than the 1000 bytes its header declares/);
      // Honest headers, 3 GiB declared: refused from the directory, before a byte is inflated.
      const honest = zipBytes([{ name: 'set/huge.bin', data: Buffer.alloc(1024), declaredSize: 3 * 1024 ** 3 }]);
      refusedReport(await uploadedReport(ctx, honest), 'declared zip bomb', /unpacks to more than 64 MiB, the limit/);
      // A gzip of a tar of zeros, 70 MiB in about 70 KiB.
      const tgz = gzipSync(await tarBytes([{ name: 'set/zeros.bin', type: 'file', data: Buffer.alloc(70 * 1024 * 1024) }]));
      refusedReport(await uploadedReport(ctx, tgz), 'tar.gz bomb', /unpacks to more than/);
      check(withoutJobs(ctx.fingerprint()) === before, 'a zip bomb wrote something besides its job');
      noLeftovers(ctx, 'zip bombs');
    },
  },
  {
    name: 'import: traversal, absolute and link entries in zips and tars',
    async run(ctx) {
      const before = withoutJobs(ctx.fingerprint());
      const outside = path.dirname(ctx.dataDir);
      const cases: [string, Buffer, RegExp][] = [
        ['zip "../" entry', zipBytes([{ name: '../../../abuse-escaped.txt', data: Buffer.from('x') }]), /"\.\."/],
        ['zip absolute entry', zipBytes([{ name: `${outside}/abuse-escaped.txt`, data: Buffer.from('x') }]), /absolute path/],
        ['zip backslash traversal', zipBytes([{ name: '..\\..\\abuse-escaped.txt', data: Buffer.from('x') }]), /"\.\."/],
        ['zip symlink', zipBytes([{ name: 'set/JPEGImages', data: Buffer.from(outside), unixMode: 0o120777 }, { name: 'set/JPEGImages/abuse-escaped.txt', data: Buffer.from('x') }]), /symbolic link/],
        ['tar symlink', await tarBytes([{ name: 'set/JPEGImages', type: 'symlink', linkname: outside }, { name: 'set/JPEGImages/abuse-escaped.txt', type: 'file', data: Buffer.from('x') }]), /symbolic link/],
        ['tar hard link', await tarBytes([{ name: 'set/passwd', type: 'link', linkname: '/etc/passwd' }]), /hard link/],
        ['tar "../" entry', await tarBytes([{ name: '../../abuse-escaped.txt', type: 'file', data: Buffer.from('x') }]), /"\.\."/],
      ];
      for (const [what, body, message] of cases) refusedReport(await uploadedReport(ctx, body), what, message);
      for (const dir of [outside, ctx.dataDir, path.join(ctx.dataDir, 'imports'), importRoot(ctx)]) {
        check(!existsSync(path.join(dir, 'abuse-escaped.txt')), `an archive entry was written to ${dir}`);
      }
      check(withoutJobs(ctx.fingerprint()) === before, 'a hostile archive wrote something besides its job');
      noLeftovers(ctx, 'hostile archives');
    },
  },
  {
    name: 'import: folders outside IMPORT_ROOT (../, absolute, a symlink, a link inside a folder)',
    async run(ctx) {
      const root = importRoot(ctx);
      const secret = path.join(path.dirname(ctx.dataDir), 'import-secret');
      if (!existsSync(secret)) {
        await writeDavisVideo(secret, 'secret-video', { frames: 3 });
        symlinkSync(secret, path.join(root, 'escape'));
        await writeDavisVideo(path.join(root, 'inner-link'), 'honest-video', { frames: 3 });
        symlinkSync(path.join(secret, 'JPEGImages', 'secret-video'), path.join(root, 'inner-link', 'JPEGImages', 'secret-video'));
        mkdirSync(path.join(root, 'plain'), { recursive: true });
      }
      const before = ctx.fingerprint();
      for (const folder of ['../', '..', '../import-secret', secret, '/etc', 'escape', 'escape/JPEGImages', 'plain/../../import-secret', '..\\import-secret', 'a\u0000b']) {
        checkRefused(await ctx.call('admin', 'admin.import.start', { folder, format: 'auto', strict: true }), `import of ${JSON.stringify(folder)}`, { code: 'BAD_REQUEST' });
        // A query travels in the URL, where the server refuses any ".." segment before tRPC (a plain 400).
        const listed = await ctx.call('admin', 'admin.import.folders', { under: folder });
        checkRefused(listed, `listing of ${JSON.stringify(folder)}`);
        check(listed.status === 400, `listing of ${JSON.stringify(folder)}: expected 400, got ${listed.status}`);
      }
      const top = await ctx.call<{ folders: { name: string }[] }>('admin', 'admin.import.folders', { under: '' });
      check(top.status === 200, `listing IMPORT_ROOT failed: ${top.status} ${top.text.slice(0, 200)}`);
      const names = top.data!.folders.map((f) => f.name);
      check(!names.includes('escape'), `the listing shows a link to outside IMPORT_ROOT: ${names.join(', ')}`);
      check(!top.text.includes(root) && !top.text.includes(secret), 'the listing reveals absolute paths');
      check(ctx.fingerprint() === before, 'a refused folder import wrote something');
      // A folder that is inside, holding a link that leads out: refused when its job runs.
      const started = await ctx.call<ImportJobView>('admin', 'admin.import.start', { folder: 'inner-link', format: 'auto', strict: true });
      check(started.status === 200, `starting the import of inner-link failed: ${started.status} ${started.text.slice(0, 200)}`);
      refusedReport(await waitForImport(ctx, started.data!.id), 'a folder with a link out', /^inner-link\/JPEGImages\/secret-video: is a link to outside IMPORT_ROOT$/);
      check(withoutJobs(ctx.fingerprint()) === withoutJobs(before), 'a folder with a link out wrote something besides its job');
    },
  },
  {
    name: 'import: files named .mp4/.mov that are no video (text, a picture, sound only), all named in one report',
    async run(ctx) {
      const missing = videoToolsMissing();
      if (missing) return ctx.log(`video files: not attacked${missing}`);
      const before = withoutJobs(ctx.fingerprint());
      const zip = await videoZip(ctx, async (dir) => {
        writeFileSync(path.join(dir, 'notes.mp4'), 'these are my notes, not a video');
        writeFileSync(path.join(dir, 'picture.mov'), writePaletteMask(64, 48, new Uint8Array(64 * 48)));
        syntheticVideo(path.join(dir, 'sound.mp4'), { seconds: 1, audioOnly: true });
        for (const n of ['notes', 'picture', 'sound']) twoMasks(dir, n);
      });
      const lines = problemLines(ctx, await uploadedReport(ctx, zip, VIDEO_QUERY), 'non-videos');
      const want = [/^notes\.mp4: is not a video file ffprobe can read/, /^picture\.mov: is not an MP4, MOV or WebM video \(ffprobe reads it as png_pipe\)$/, /^sound\.mp4: holds no video stream$/];
      check(lines.length === want.length && want.every((w, i) => w.test(lines[i]!)), `non-videos: want every one named, got ${JSON.stringify(lines)}`);
      check(withoutJobs(ctx.fingerprint()) === before, 'a non-video wrote something besides its job');
      noLeftovers(ctx, 'non-videos');
    },
  },
  {
    name: 'import: a video asking for more frames or pixels than the limits (fps 120 over a minute, 4096×4096 frames)',
    async run(ctx) {
      const missing = videoToolsMissing();
      if (missing) return ctx.log(`video limits: not attacked${missing}`);
      const before = withoutJobs(ctx.fingerprint());
      // A 3 KB minute of one colour at 1 fps; extracted at 120 fps it would be 7,200 frames.
      const long = await videoZip(ctx, async (dir) => {
        syntheticVideo(path.join(dir, 'long.mp4'), { seconds: 60, fps: 1 });
        twoMasks(dir, 'long');
      });
      const lines = problemLines(ctx, await uploadedReport(ctx, long, `${VIDEO_QUERY}&fps=120`), 'fps 120 for a minute');
      check(
        lines.length === 1 && lines[0] === 'long.mp4: would give about 7200 frames at 120 fps (60.0 s), more than the limit of 5000 frames per video',
        `fps 120 for a minute: ${JSON.stringify(lines)}`,
      );
      // "would give about": refused from what ffprobe reads, before ffmpeg decoded a frame.
      const big = await videoZip(ctx, async (dir) => {
        syntheticVideo(path.join(dir, 'big.mov'), { width: 4096, height: 4096, seconds: 2, codec: 'mjpeg' });
        twoMasks(dir, 'big');
      });
      check(big.length < ABUSE_IMPORT_MAX_BYTES, 'the 4096×4096 clip is not small');
      const bigLines = problemLines(ctx, await uploadedReport(ctx, big, VIDEO_QUERY), '4096×4096 frames');
      check(
        bigLines.length === 1 && bigLines[0] === 'big.mov: frames are 4096×4096 (16.8 million pixels), more than the limit of 8.3 million pixels per frame',
        `4096×4096 frames: ${JSON.stringify(bigLines)}`,
      );
      check(withoutJobs(ctx.fingerprint()) === before, 'an over-limit video wrote something besides its job');
      noLeftovers(ctx, 'over-limit videos');
    },
  },
  {
    name: 'import: a frame rate out of range or not a number (upload query, folder import)',
    async run(ctx) {
      const before = ctx.fingerprint();
      const zip = zipBytes([{ name: 'set/v.mp4', data: Buffer.from('x') }]);
      for (const fps of ['0', '500', '-5', 'abc', '1e999', 'Infinity', '24fps', '0x18']) {
        const res = await upload(ctx, 'admin', zip, { query: `${VIDEO_QUERY}&fps=${encodeURIComponent(fps)}` });
        check(res.status === 400, `upload with fps=${fps}: expected 400, got ${res.status} ${res.body.toString().slice(0, 200)}`);
        checkRefused(toTrpcResult(res), `upload with fps=${fps}`, { message: /^fps must be a number from 0\.1 to 120$/ });
      }
      for (const fps of [0, 1000, -1, '24', null]) {
        checkRefused(await ctx.call('admin', 'admin.import.start', { folder: 'plain', format: 'video', strict: true, fps }), `folder import with fps ${JSON.stringify(fps)}`, { code: 'BAD_REQUEST' });
      }
      check(ctx.fingerprint() === before, 'a refused frame rate wrote something');
      noLeftovers(ctx, 'refused frame rates');
    },
  },
  {
    name: 'import: shell and option syntax in video file names ($(…), ;, -i, concat:)',
    async run(ctx) {
      const missing = videoToolsMissing();
      if (missing) return ctx.log(`video names: not attacked${missing}`);
      const before = withoutJobs(ctx.fingerprint());
      const names = ['$(touch abuse-pwned)', ';touch abuse-pwned;', '-i', '`touch abuse-pwned`', 'concat:honest'];
      const zip = await videoZip(ctx, async (dir) => {
        await writeVideoFile(dir, 'honest', { frames: 2 });
        for (const n of names) {
          cpSync(path.join(dir, 'honest.mp4'), path.join(dir, `${n}.mp4`));
          cpSync(path.join(dir, 'honest'), path.join(dir, n), { recursive: true });
        }
      });
      const lines = problemLines(ctx, await uploadedReport(ctx, zip, VIDEO_QUERY), 'hostile video names');
      check(lines.length === names.length && lines.every((l) => /: video name ".*" is not allowed/.test(l)), `hostile video names: every one named and refused, got ${JSON.stringify(lines)}`);
      for (const dir of [process.cwd(), ctx.dataDir, path.dirname(ctx.dataDir), workDir(ctx)]) {
        check(!existsSync(path.join(dir, 'abuse-pwned')), `a file name ran a command: ${dir}/abuse-pwned exists`);
      }
      check(withoutJobs(ctx.fingerprint()) === before, 'hostile video names wrote something besides their job');
      noLeftovers(ctx, 'hostile video names');
    },
  },
  {
    name: 'import: a long extraction (150 frames of 1920×1080) refused at its end; honest users are answered meanwhile',
    timeoutMs: 180_000,
    async run(ctx) {
      const missing = videoToolsMissing();
      if (missing) return ctx.log(`long extraction: not attacked${missing}`);
      const before = withoutJobs(ctx.fingerprint());
      // 149 masks for 150 frames: every frame is decoded and encoded before the count refuses it.
      const zip = await videoZip(ctx, (dir) => {
        syntheticVideo(path.join(dir, 'heavy.mp4'), { width: 1920, height: 1080, fps: 30, seconds: 5 });
        twoMasks(dir, 'heavy');
        for (let f = 2; f < 149; f++) cpSync(path.join(dir, 'heavy', '00000.png'), path.join(dir, 'heavy', `${String(f).padStart(5, '0')}.png`));
      });
      check(zip.length < ABUSE_IMPORT_MAX_BYTES, `the heavy clip is ${zip.length} bytes, over the upload limit`);
      const started = Date.now();
      const lines = problemLines(ctx, await uploadedReport(ctx, zip, VIDEO_QUERY, 150_000), 'long extraction');
      ctx.log(`150 frames of 1920×1080 extracted and refused in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      check(
        lines.length === 1 && lines[0]!.startsWith('heavy/: holds 149 masks but heavy.mp4 gives 150 frames at 30 fps: every frame needs exactly one mask'),
        `long extraction: ${JSON.stringify(lines)}`,
      );
      check(withoutJobs(ctx.fingerprint()) === before, 'a refused long extraction wrote something besides its job');
      noLeftovers(ctx, 'long extraction');
    },
  },
];
