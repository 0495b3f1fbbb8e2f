import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { IMPORT_FORMATS, IMPORT_FPS_RULE, parseImportFps, type ImportFormatChoice } from '#shared/schemas/import.ts';
import type { App } from '../app.ts';
import { resolveSession, SESSION_COOKIE, type SessionPolicy } from '../auth/sessions.ts';
import { ServiceError } from '../services/errors.ts';
import { cookieJar } from './cookies.ts';

const STATUS: Record<string, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_SUPPORTED: 405,
  CONFLICT: 409,
  PAYLOAD_TOO_LARGE: 413,
  TOO_MANY_REQUESTS: 429,
};

class Refusal extends Error {
  constructor(
    readonly code: keyof typeof STATUS,
    message: string,
  ) {
    super(message);
  }
}

/**
 * An answer shaped like tRPC's errors (the page reads both the same way). When the body was not
 * read, it is drained for a moment so that the client, still sending, reads the answer instead of
 * meeting a reset (a `Connection: close` would end the socket under its writes); a client still
 * sending after that loses its connection.
 */
function answer(req: IncomingMessage, res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent) return void res.destroy();
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
  res.end(JSON.stringify(body));
  if (req.complete || req.destroyed) return;
  req.resume();
  const cut = setTimeout(() => req.socket.destroy(), 2000);
  cut.unref();
  req.once('end', () => clearTimeout(cut));
}

const refuse = (req: IncomingMessage, res: ServerResponse, code: string, message: string) =>
  answer(req, res, STATUS[code] ?? 400, { error: { message, code: -32600, data: { code, httpStatus: STATUS[code] ?? 400 } } });

/**
 * CSRF, the rule of the tRPC routes (http/server.ts csrfProblem): a state change must carry what an
 * HTML form cannot send — here our own `X-Studio-Upload` header, beside a raw
 * `application/octet-stream` body — and a browser reporting a cross-site request is refused.
 */
export function uploadCsrfProblem(req: IncomingMessage): string | null {
  if (req.headers['sec-fetch-site'] === 'cross-site') return 'cross-site requests are not accepted';
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/octet-stream' || req.headers['x-studio-upload'] !== '1') return 'uploads must be POSTed as application/octet-stream with the X-Studio-Upload header';
  return null;
}

/**
 * POST /uploads/import?format=auto|davis|mevis|video&strict=1|0&name=<file name>[&fps=<n>]: an admin's import
 * archive (.zip, .tar, .tar.gz) as the raw request body, streamed to DATA_DIR/imports/uploads
 * (never held in memory, never through tRPC) and handed to the import job (services/import-jobs.ts),
 * whose id is the answer. Refused before a byte of the body is read: anyone but an admin with a
 * session (the session cookie, as /media/ reads it), a cross-site or form-shaped request, a
 * declared length over IMPORT_MAX_BYTES, a second upload by the same admin, an import already
 * running. A body that grows past the limit without declaring it is cut off there.
 */
export async function handleImportUpload(app: App, req: IncomingMessage, res: ServerResponse, url: URL, policy: SessionPolicy): Promise<void> {
  const imports = app.imports;
  let release: (() => void) | null = null;
  let part: string | null = null;
  try {
    if (req.method !== 'POST') throw new Refusal('METHOD_NOT_SUPPORTED', 'POST the archive');
    const csrf = uploadCsrfProblem(req);
    if (csrf) throw new Refusal('FORBIDDEN', csrf);
    const cookies = cookieJar(req, res, app.config.cookieSecure);
    const session = await resolveSession(app.db, cookies.get(SESSION_COOKIE), policy);
    if (!session) throw new Refusal('UNAUTHORIZED', 'please log in');
    if (session.slidTo) cookies.set(SESSION_COOKIE, cookies.get(SESSION_COOKIE)!, { maxAgeMs: session.slidTo - Date.now() });
    if (!session.user.roles.includes('admin')) throw new Refusal('FORBIDDEN', 'only admins import videos');
    const format = url.searchParams.get('format') ?? 'auto';
    if (!(IMPORT_FORMATS as readonly string[]).includes(format)) throw new Refusal('BAD_REQUEST', `format must be one of ${IMPORT_FORMATS.join(', ')}`);
    const strictParam = url.searchParams.get('strict') ?? '1';
    if (strictParam !== '0' && strictParam !== '1') throw new Refusal('BAD_REQUEST', 'strict must be 1 or 0');
    const fpsParam = url.searchParams.get('fps') ?? '';
    const fps = fpsParam === '' ? undefined : parseImportFps(fpsParam);
    if (fps === null) throw new Refusal('BAD_REQUEST', IMPORT_FPS_RULE);
    const name = (url.searchParams.get('name') ?? 'upload').slice(0, 300);
    const max = imports.maxUploadBytes;
    const declared = req.headers['content-length'] === undefined ? null : Number(req.headers['content-length']);
    if (declared !== null && !(declared >= 0)) throw new Refusal('BAD_REQUEST', 'bad Content-Length');
    if (declared !== null && declared > max) throw new Refusal('PAYLOAD_TOO_LARGE', `the archive is larger than ${mib(max)}, the limit (IMPORT_MAX_BYTES); put larger imports in a folder under IMPORT_ROOT`);
    release = imports.beginUpload(session.user.id);
    await imports.admit(session.user.id);

    const upload = imports.newUpload();
    part = upload.part;
    await mkdir(path.dirname(part), { recursive: true });
    const bytes = await receive(req, part, max);
    await rename(part, path.join(imports.uploadsDir, upload.file));
    part = path.join(imports.uploadsDir, upload.file);
    const jobId = await imports.startUpload({ file: upload.file, name, bytes }, { format: format as ImportFormatChoice, strict: strictParam === '1', ...(fps !== undefined && { fps }) }, session.user.id);
    part = null;
    answer(req, res, 200, { jobId });
  } catch (e) {
    if (part) await rm(part, { force: true }).catch(() => {});
    if (e instanceof Refusal) return refuse(req, res, e.code, e.message);
    if (e instanceof ServiceError) return refuse(req, res, e.code, e.message);
    if (e instanceof ClientGone) return void res.destroy();
    throw e;
  } finally {
    release?.();
  }
}

const mib = (n: number) => (n >= 1024 ** 3 ? `${(n / 1024 ** 3).toFixed(1)} GiB` : n >= 1024 ** 2 ? `${Math.round(n / 1024 ** 2)} MiB` : `${Math.round(n / 1024)} KiB`);

class ClientGone extends Error {}

/**
 * The body into `file`, with backpressure (the socket is paused while the disk catches up), cut
 * off past `max` bytes (a chunked body declares no length). Returns the bytes received.
 */
function receive(req: IncomingMessage, file: string, max: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const out = createWriteStream(file, { flags: 'wx' });
    let received = 0;
    let settled = false;
    const fail = (err: Error) => {
      if (settled) return;
      settled = true;
      req.off('data', onData);
      // Rejected once the file is closed, so the caller's removal comes after its creation.
      out.once('close', () => reject(err));
      out.destroy();
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > max) {
        req.pause();
        return fail(new Refusal('PAYLOAD_TOO_LARGE', `the archive is larger than ${mib(max)}, the limit (IMPORT_MAX_BYTES)`));
      }
      if (!out.write(chunk)) {
        req.pause();
        out.once('drain', () => req.resume());
      }
    };
    req.on('data', onData);
    req.once('end', () => {
      if (settled) return;
      out.end(() => {
        if (settled) return;
        settled = true;
        resolve(received);
      });
    });
    req.once('close', () => {
      if (!req.complete) fail(new ClientGone('the client went away during the upload'));
    });
    out.once('error', fail);
  });
}
