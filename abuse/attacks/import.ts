/**
 * The browser import (POST /uploads/import and admin.import.*) under attack: uploads by anyone
 * but an admin, oversized uploads, zip bombs, traversal and link entries, and folders outside
 * IMPORT_ROOT. The runner starts the server with IMPORT_ROOT and a small IMPORT_MAX_BYTES.
 *
 * A hostile archive's *contents* can only be judged once unpacked, so its upload is accepted and
 * queued; the job then refuses it with a report naming the entry, and nothing but that job's
 * row is written: no video, no frame, no store file, no file outside the job's work folder.
 */
import { existsSync, mkdirSync, readdirSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { IMPORT_UPLOAD_PATH, type ImportJobView, type ImportStatus } from '../../shared/src/schemas/import.ts';
import { writeDavisVideo } from '../../server/src/testing/davis-builder.ts';
import { zipBytes } from '../../server/src/testing/zip-builder.ts';
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
async function uploadedReport(ctx: AbuseCtx, body: Buffer): Promise<ImportJobView> {
  const res = await upload(ctx, 'admin', body);
  check(res.status === 200, `the admin's upload was not accepted for checking: ${res.status} ${res.body.toString().slice(0, 200)}`);
  const { jobId } = JSON.parse(res.body.toString()) as { jobId: string };
  return waitForImport(ctx, jobId);
}

async function waitForImport(ctx: AbuseCtx, jobId: string): Promise<ImportJobView> {
  const end = Date.now() + 45_000;
  for (;;) {
    const status = await ctx.call<ImportStatus>('admin', 'admin.import.status');
    check(status.status === 200, `admin.import.status failed: ${status.status} ${status.text.slice(0, 200)}`);
    const job = status.data!.job;
    if (job?.id === jobId && job.state !== 'queued' && job.state !== 'running') return job;
    check(Date.now() < end, `import ${jobId} did not end within 45 s`);
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

/** Nothing left of refused uploads: no upload file, no work folder. */
function noLeftovers(ctx: AbuseCtx, what: string): void {
  check(listing(uploadsDir(ctx)).length === 0, `${what}: uploads left behind: ${listing(uploadsDir(ctx)).join(', ')}`);
  check(listing(workDir(ctx)).length === 0, `${what}: work folders left behind: ${listing(workDir(ctx)).join(', ')}`);
}

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
];
