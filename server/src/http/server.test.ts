import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { eq, sql } from 'drizzle-orm';
import { loginThrottle, sessions, videos } from '../db/schema/index.ts';
import { runImport } from '../import/run.ts';
import { callerFor, makeUser, TEST_PASSWORD, testApp, type TestApp } from '../testing/app.ts';
import { writeDavisVideo } from '../testing/davis-builder.ts';
import { addExpression } from '../testing/factories.ts';
import tar from 'tar-stream';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createAppServer, KEEP_ALIVE_MS } from './server.ts';
import { resolveInside } from './static.ts';

/** Raw request: fetch() would normalise "..", which is exactly what we want to send. */
function raw(port: number, opts: { method?: string; path: string; headers?: Record<string, string>; body?: string }) {
  return new Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }>((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path, headers: opts.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

describe('HTTP server', () => {
  let app: TestApp;
  let server: http.Server;
  let port: number;
  let excludedId: number;
  let acceptedId: number;
  let bossUser: Awaited<ReturnType<typeof makeUser>>;

  async function loginCookie(username: string): Promise<string> {
    const res = await raw(port, {
      method: 'POST',
      path: '/trpc/auth.login',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: TEST_PASSWORD }),
    });
    expect(res.status).toBe(200);
    const cookie = [res.headers['set-cookie']].flat()[0]!;
    return cookie.split(';')[0]!;
  }

  beforeAll(async () => {
    app = await testApp();
    const src = path.join(app.dir, 'src');
    mkdirSync(src);
    await writeDavisVideo(src, 'open-video');
    await runImport(app, { format: 'davis', dir: src, status: 'accepted' });
    const src2 = path.join(app.dir, 'src2');
    await writeDavisVideo(src2, 'hidden-video', { speed: 4 });
    await runImport(app, { format: 'davis', dir: src2, status: 'excluded' });
    acceptedId = (await app.db.select().from(videos).where(eq(videos.name, 'open-video')))[0]!.id;
    excludedId = (await app.db.select().from(videos).where(eq(videos.name, 'hidden-video')))[0]!.id;
    await makeUser(app, 'ann', ['annotator']);
    bossUser = await makeUser(app, 'boss', ['admin']);
    server = createAppServer(app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    app.cleanup();
  });

  it('answers health checks and sets security headers', async () => {
    const res = await raw(port, { path: '/healthz' });
    expect(res.status).toBe(200);
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  });

  it('keeps idle connections longer than a load balancer does (60 s), so the balancer closes first', async () => {
    const agent = new http.Agent({ keepAlive: true });
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => http.get({ host: '127.0.0.1', port, path: '/healthz', agent }, resolve).on('error', reject));
    res.resume();
    agent.destroy();
    expect(res.headers['keep-alive']).toBe(`timeout=${KEEP_ALIVE_MS / 1000}`);
    expect(KEEP_ALIVE_MS).toBeGreaterThan(60_000);
  });

  it('logs in with an HttpOnly, SameSite=Strict session cookie', async () => {
    const res = await raw(port, {
      method: 'POST',
      path: '/trpc/auth.login',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'ann', password: TEST_PASSWORD }),
    });
    const cookie = [res.headers['set-cookie']].flat()[0]!;
    expect(cookie).toMatch(/^studio_session=[A-Za-z0-9_-]{40,};/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).toContain('Path=/');
  });

  it('serves frames only to logged-in users, with long-lived private caching and ETags', async () => {
    expect((await raw(port, { path: `/media/frames/${acceptedId}/0` })).status).toBe(401);
    const cookie = await loginCookie('ann');
    const res = await raw(port, { path: `/media/frames/${acceptedId}/0`, headers: { cookie } });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('image/jpeg');
    expect(res.headers['cache-control']).toBe('private, max-age=31536000, immutable');
    expect(res.body.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    const again = await raw(port, { path: `/media/frames/${acceptedId}/0`, headers: { cookie, 'if-none-match': res.headers.etag! } });
    expect(again.status).toBe(304);
    expect((await raw(port, { path: `/media/frames/${acceptedId}/99`, headers: { cookie } })).status).toBe(404);
    // Ranges, as media elements ask for them: a slice, a suffix, and one past the end.
    const size = res.body.length;
    const slice = await raw(port, { path: `/media/frames/${acceptedId}/0`, headers: { cookie, range: 'bytes=2-9' } });
    expect([slice.status, slice.headers['content-range'], slice.headers['accept-ranges']]).toEqual([206, `bytes 2-9/${size}`, 'bytes']);
    expect(slice.body).toEqual(res.body.subarray(2, 10));
    const tail = await raw(port, { path: `/media/frames/${acceptedId}/0`, headers: { cookie, range: 'bytes=-4' } });
    expect([tail.status, tail.body]).toEqual([206, res.body.subarray(size - 4)]);
    const past = await raw(port, { path: `/media/frames/${acceptedId}/0`, headers: { cookie, range: `bytes=${size}-` } });
    expect([past.status, past.headers['content-range']]).toEqual([416, `bytes */${size}`]);
    // Several ranges are not served piecewise: the whole file, as RFC 9110 allows.
    expect((await raw(port, { path: `/media/frames/${acceptedId}/0`, headers: { cookie, range: 'bytes=0-1,4-5' } })).status).toBe(200);
  });

  it('hides frames of videos that are not curated from non-admins', async () => {
    const ann = await loginCookie('ann');
    const boss = await loginCookie('boss');
    expect((await raw(port, { path: `/media/frames/${excludedId}/0`, headers: { cookie: ann } })).status).toBe(404);
    expect((await raw(port, { path: `/media/frames/${excludedId}/0`, headers: { cookie: boss } })).status).toBe(200);
  });

  it('exports a release from the admin API in the background and streams it as a tar to admins only', async () => {
    await addExpression(app, { videoId: acceptedId, authorId: null, status: 'accepted', targets: [1], text: 'the box sliding right' });
    const admin = callerFor(app, bossUser);
    const job = await admin.admin.releases.create({ notes: 'from the page', requireAudio: false });
    expect(job.state).toBe('running');
    const done = await app.exports.wait(job.version);
    expect(done).toMatchObject({ state: 'finished', error: null });
    expect((await admin.admin.releases.list())).toMatchObject([{ version: 'v1', onDisk: true, expressions: 1, videos: 1 }]);

    expect((await raw(port, { path: '/media/releases/v1.tar', headers: { cookie: await loginCookie('ann') } })).status).toBe(404);
    const res = await raw(port, { path: '/media/releases/v1.tar', headers: { cookie: await loginCookie('boss') } });
    expect(res.status).toBe(200);
    expect(res.headers['content-disposition']).toBe('attachment; filename="mevis-v1.tar"');
    // Every file of the manifest is in the archive with its recorded hash.
    const manifest = JSON.parse(readFileSync(path.join(app.exports.dirOf('v1'), 'manifest.json'), 'utf8')) as { files: { path: string; sha256: string }[] };
    const got = new Map<string, string>();
    await new Promise<void>((resolve, reject) => {
      const extract = tar.extract();
      extract.on('entry', (header, stream, next) => {
        const h = createHash('sha256');
        stream.on('data', (c: Buffer) => h.update(c));
        stream.on('end', () => {
          got.set(header.name, h.digest('hex'));
          next();
        });
      });
      extract.on('finish', resolve).on('error', reject);
      extract.end(res.body);
    });
    for (const f of manifest.files) expect(got.get(`v1/${f.path}`), f.path).toBe(f.sha256);
    expect(got.has('v1/manifest.json')).toBe(true);
    expect((await raw(port, { path: '/media/releases/v9.tar', headers: { cookie: await loginCookie('boss') } })).status).toBe(404);
    await expect(admin.admin.releases.create({ rebuild: 'v1', requireAudio: false })).rejects.toThrow(/already on disk/);
  });

  it('never lets a URL reach the filesystem: traversal is 400, odd ids are 404', async () => {
    const cookie = await loginCookie('boss');
    for (const p of ['/media/frames/../../../etc/passwd', `/media/frames/${acceptedId}/..%2F..%2Fstudio.db`, '/%2e%2e/%2E%2E/package.json', '/assets/..\\..\\x']) {
      const res = await raw(port, { path: p, headers: { cookie } });
      expect(res.status, p).toBe(400);
    }
    for (const p of [
      `/media/frames/${acceptedId}/-1`,
      `/media/frames/${acceptedId}/0.jpg`,
      '/media/frames/0x1/0',
      `/media/frames/${acceptedId}/00`,
      '/media/store/' + 'a'.repeat(64),
    ]) {
      const res = await raw(port, { path: p, headers: { cookie } });
      expect(res.status, p).toBe(404);
    }
    // Names that merely contain dots are fine.
    expect((await raw(port, { path: '/videos/a..b', headers: { cookie } })).status).not.toBe(400);
  });

  it('refuses state changes sent the way a cross-site form could send them', async () => {
    const body = JSON.stringify({ username: 'ann', password: TEST_PASSWORD });
    const forms: Record<string, string>[] = [
      { 'content-type': 'text/plain' },
      { 'content-type': 'application/x-www-form-urlencoded' },
      { 'content-type': 'multipart/form-data; boundary=x' },
      { 'content-type': 'application/json', 'sec-fetch-site': 'cross-site' },
    ];
    for (const headers of forms) {
      const res = await raw(port, { method: 'POST', path: '/trpc/auth.login', headers, body });
      expect(res.status, JSON.stringify(headers)).toBe(403);
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    // Mutations are never accepted over GET either.
    const get = await raw(port, { path: `/trpc/auth.logout` });
    expect(get.status).toBe(405);
  });

  it('rate-limits failed logins per username, counting before the password is checked', async () => {
    await makeUser(app, 'victim', ['annotator']);
    const attempt = () =>
      raw(port, { method: 'POST', path: '/trpc/auth.login', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'victim', password: 'wrong-password-x' }) });
    for (let i = 0; i < 5; i++) expect((await attempt()).status).toBe(401);
    const blocked = await attempt();
    expect(blocked.status).toBe(429);
    expect(blocked.body.toString()).toContain('too many failed logins');
  }, 30_000);

  it('never batches logins, bounds batches, and takes large bodies only on the upload route', async () => {
    const login = JSON.stringify({ username: 'nobody-at-all', password: 'wrong-password-x' });
    const batch = Array.from({ length: 30 }, () => 'auth.login').join(',');
    const batched = await raw(port, { method: 'POST', path: `/trpc/${batch}?batch=1`, headers: { 'content-type': 'application/json' }, body: JSON.stringify(Object.fromEntries(Array.from({ length: 30 }, (_, i) => [i, JSON.parse(login)]))) });
    expect(batched.status).toBe(400);
    expect(batched.body.toString()).toMatch(/at most 10 calls/);
    const two = await raw(port, { method: 'POST', path: `/trpc/auth.login,auth.login?batch=1`, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ 0: JSON.parse(login), 1: JSON.parse(login) }) });
    expect(two.status).toBe(400);
    expect(two.body.toString()).toMatch(/auth.login cannot be batched/);
    // Nothing was counted against anyone: the requests were refused before any procedure ran.
    expect(await app.db.select().from(loginThrottle).where(eq(loginThrottle.key, 'user:nobody-at-all'))).toEqual([]);
    const queries = Array.from({ length: 11 }, () => 'auth.me').join(',');
    expect((await raw(port, { path: `/trpc/${queries}?batch=1&input=${encodeURIComponent('{}')}` })).status).toBe(400);
    expect((await raw(port, { path: `/trpc/auth.me,auth.me?batch=1&input=${encodeURIComponent('{}')}` })).status).toBe(200);
    // 300 KB of JSON to an anonymous procedure: refused before it is read.
    const big = JSON.stringify({ username: 'x', password: 'y'.repeat(300 * 1024) });
    const tooBig = await raw(port, { method: 'POST', path: '/trpc/auth.login', headers: { 'content-type': 'application/json', 'content-length': String(big.length) }, body: big });
    expect(tooBig.status).toBe(413);
    expect(JSON.parse(tooBig.body.toString()).error.message).toMatch(/larger than 256 KiB/);
    // The same size on the upload route passes the size check (and meets the login check).
    const upload = await raw(port, { method: 'POST', path: '/trpc/record.upload', headers: { 'content-type': 'multipart/form-data; boundary=x', 'x-studio-upload': '1' }, body: big });
    expect(upload.status).toBe(401);
  });

  it('refreshes the session cookie as the session slides', async () => {
    const cookie = await loginCookie('ann');
    // An hour of activity later (the server slides at most once a minute).
    await app.db.transaction((tx) => tx.update(sessions).set({ lastSeenAt: sql`${sessions.lastSeenAt} - 3600000`, createdAt: sql`${sessions.createdAt} - 3600000` }));
    const res = await raw(port, { path: '/trpc/auth.me', headers: { cookie } });
    expect(res.status).toBe(200);
    const set = [res.headers['set-cookie']].flat().find((c) => c?.startsWith('studio_session='));
    expect(set, 'a sliding session must renew its cookie').toBeDefined();
    expect(set).toContain(cookie.split('=')[1]);
    const maxAge = Number(/Max-Age=(\d+)/.exec(set!)![1]);
    expect(maxAge).toBeGreaterThan(12 * 3600 - 60);
    // Media requests slide it too.
    await app.db.transaction((tx) => tx.update(sessions).set({ lastSeenAt: sql`${sessions.lastSeenAt} - 3600000` }));
    const frame = await raw(port, { path: `/media/frames/${acceptedId}/0`, headers: { cookie } });
    expect([frame.headers['set-cookie']].flat().some((c) => c?.startsWith('studio_session='))).toBe(true);
  });

  it('keeps static file paths inside the client folder', () => {
    const root = '/srv/client/dist';
    expect(resolveInside(root, '/assets/app.js')).toBe('/srv/client/dist/assets/app.js');
    expect(resolveInside(root, '/../secret')).toBeNull();
    expect(resolveInside(root, '/assets/%2e%2e/%2e%2e/secret')).toBeNull();
    expect(resolveInside(root, '/a%00b')).toBeNull();
    expect(resolveInside(root, '/%E0%A4%A')).toBeNull();
    expect(resolveInside(root, '/x\\..\\y')).toBeNull();
  });
});
