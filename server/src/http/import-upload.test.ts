import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { IMPORT_UPLOAD_PATH } from '#shared/schemas/import.ts';
import { createSession, SESSION_COOKIE } from '../auth/sessions.ts';
import { waitForJob } from '../jobs/records.ts';
import { makeUser, testApp, type TestApp } from '../testing/app.ts';
import { writeDavisVideo } from '../testing/davis-builder.ts';
import { folderMembers, zipBytes } from '../testing/zip-builder.ts';
import { createAppServer } from './server.ts';

interface Sent {
  status: number;
  body: { jobId?: string; error?: { message: string; data: { code: string } } };
}

/** A raw POST; `chunked` sends the body without a Content-Length, as a stream would. */
function post(port: number, opts: { query?: string; headers?: Record<string, string>; body: Buffer; chunked?: boolean }): Promise<Sent> {
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = http.request(
      {
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: `${IMPORT_UPLOAD_PATH}${opts.query ?? '?format=auto&strict=1&name=set.zip'}`,
        headers: { 'content-type': 'application/octet-stream', 'x-studio-upload': '1', ...(opts.chunked ? {} : { 'content-length': String(opts.body.length) }), ...opts.headers },
      },
      (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode!, body: JSON.parse(Buffer.concat(chunks).toString() || '{}') as Sent['body'] }));
      },
    );
    req.on('error', (err) => {
      if (!answered) reject(err);
    });
    // Written in pieces, so a refusal mid-body is seen as a server would see a slow client.
    void (async () => {
      for (let at = 0; at < opts.body.length && !answered && !req.destroyed; at += 64 * 1024) {
        if (!req.write(opts.body.subarray(at, at + 64 * 1024))) {
          await new Promise<void>((r) => {
            const go = () => {
              req.off('drain', go).off('close', go);
              r();
            };
            req.on('drain', go).on('close', go);
          });
        }
      }
      if (!req.destroyed) req.end();
    })();
  });
}

describe('POST /uploads/import', () => {
  let app: TestApp;
  let server: http.Server;
  let port: number;
  let admin: string;
  let annotator: string;
  let zip: Buffer;
  const MAX = 256 * 1024;

  beforeAll(async () => {
    app = await testApp({ IMPORT_MAX_BYTES: String(MAX) });
    const cookie = async (roles: ('admin' | 'annotator')[]) => {
      const u = await makeUser(app, `u-${roles.join('-')}`, roles);
      return `${SESSION_COOKIE}=${(await createSession(app.db, u.id, { idleMs: 3600_000, maxMs: 86_400_000 })).token}`;
    };
    admin = await cookie(['admin']);
    annotator = await cookie(['annotator']);
    const src = mkdtempSync(path.join(app.dir, 'src-'));
    await writeDavisVideo(src, 'uploaded', { frames: 3 });
    zip = zipBytes(folderMembers(src, 'set/'));
    server = createAppServer(app);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((r) => server.close(r));
    await app.cleanup();
  });

  const uploads = () => (existsSync(app.imports.uploadsDir) ? readdirSync(app.imports.uploadsDir) : []);

  it('refuses anyone but an admin, and form-shaped or cross-site requests, before reading the body', async () => {
    const cases: [Record<string, string>, number, RegExp][] = [
      [{}, 401, /please log in/],
      [{ cookie: annotator }, 403, /only admins/],
      [{ cookie: admin, 'content-type': 'multipart/form-data; boundary=x' }, 403, /application\/octet-stream with the X-Studio-Upload header/],
      [{ cookie: admin, 'content-type': 'text/plain' }, 403, /X-Studio-Upload/],
      [{ cookie: admin, 'x-studio-upload': '0' }, 403, /X-Studio-Upload/],
      [{ cookie: admin, 'sec-fetch-site': 'cross-site' }, 403, /cross-site/],
    ];
    for (const [headers, status, message] of cases) {
      const res = await post(port, { headers, body: zip });
      expect(res.status, JSON.stringify(headers)).toBe(status);
      expect(res.body.error!.message).toMatch(message);
    }
    const bad = await post(port, { headers: { cookie: admin }, body: zip, query: '?format=rar' });
    expect(bad.status).toBe(400);
    // A frame rate out of range (or not a number) is refused before a byte is read.
    for (const fps of ['500', '0', '-1', 'NaN', '1e9', '24fps']) {
      const res = await post(port, { headers: { cookie: admin }, body: zip, query: `?format=video&strict=1&name=v.zip&fps=${fps}` });
      expect(res.status, fps).toBe(400);
      expect(res.body.error!.message).toBe('fps must be a number from 0.1 to 120');
    }
    expect(uploads()).toEqual([]);
  });

  it('refuses an archive over IMPORT_MAX_BYTES by its declared length, and a chunked one as it passes the limit', async () => {
    const big = Buffer.alloc(MAX + 1);
    const declared = await post(port, { headers: { cookie: admin }, body: big });
    expect(declared.status).toBe(413);
    expect(declared.body.error!.message).toMatch(/^the archive is larger than 256 KiB, the limit \(IMPORT_MAX_BYTES\)/);
    const chunked = await post(port, { headers: { cookie: admin }, body: Buffer.alloc(4 * MAX), chunked: true });
    expect(chunked.status).toBe(413);
    expect(uploads()).toEqual([]);
  });

  it('streams an archive to disk and queues its import; the job finds and imports it', async () => {
    const res = await post(port, { headers: { cookie: admin }, body: zip });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const job = await waitForJob(app.db, res.body.jobId!, { timeoutMs: 60_000 });
    expect(job.state).toBe('finished');
    expect(job.result).toMatchObject({ outcome: 'imported', videos: [{ name: 'uploaded' }] });
    expect((await app.imports.status()).job).toMatchObject({ source: { kind: 'upload', name: 'set.zip', bytes: zip.length }, strict: true });
    expect(uploads()).toEqual([]);
  });
});
