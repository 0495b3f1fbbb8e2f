import { newTrace, traces } from '../db/trace.ts';
import { sql } from 'drizzle-orm';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import type { App } from '../app.ts';
import { resolveSession, SESSION_COOKIE } from '../auth/sessions.ts';
import { appRouter } from '../routers/root.ts';
import type { Context } from '../trpc/context.ts';
import { cookieJar } from './cookies.ts';
import { clientAddress } from './client-address.ts';
import { MAX_BATCH_SIZE, MAX_JSON_BODY_BYTES, NEVER_BATCHED, UPLOAD_PROCEDURE } from '#shared/http-limits.ts';
import { serveMedia } from './media.ts';
import { serveClient } from './static.ts';
import { handleImportUpload } from './import-upload.ts';
import { IMPORT_UPLOAD_PATH } from '#shared/schemas/import.ts';
import { MAX_UPLOAD_BYTES } from '../services/recording.ts';

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'same-origin',
  'Content-Security-Policy':
    "default-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; style-src 'self' 'unsafe-inline'; " +
    "script-src 'self'; worker-src 'self' blob:; connect-src 'self' blob:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
};


const DOT_SEGMENT = /(^|\/|%2f|\\|%5c)(\.|%2e){2}($|\/|%2f|\\|%5c|\?|#)/i;

/**
 * A JSON error the way tRPC shapes them, for refusals made before tRPC reads the request. The body
 * is drained (so the client can read the answer instead of meeting a reset) but only for a moment:
 * a client that keeps sending after that loses its connection.
 */
function refuse(req: IncomingMessage, res: ServerResponse, status: number, code: string, message: string): void {
  res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', Connection: 'close' });
  res.end(JSON.stringify({ error: { message, code: -32600, data: { code, httpStatus: status } } }));
  if (req.complete) return;
  req.resume();
  const cut = setTimeout(() => req.socket.destroy(), 2000);
  cut.unref();
  req.once('end', () => clearTimeout(cut));
}

/**
 * Size and batching rules, checked on the URL and headers before a byte of the body is read:
 * large bodies only on the upload route, batches of at most MAX_BATCH_SIZE procedures, and never
 * a login or an upload inside a batch (one request, one password check, one file).
 */
function requestProblem(req: IncomingMessage, pathname: string, search: URLSearchParams): { status: number; code: string; message: string } | null {
  let procedures: string[];
  try {
    procedures = decodeURIComponent(pathname.slice('/trpc/'.length)).split(',');
  } catch {
    return { status: 400, code: 'BAD_REQUEST', message: 'the request path is not valid percent-encoding' };
  }
  const batched = search.get('batch') === '1';
  if (batched && procedures.length > MAX_BATCH_SIZE) return { status: 400, code: 'BAD_REQUEST', message: `a batch may hold at most ${MAX_BATCH_SIZE} calls` };
  if ((batched || procedures.length > 1) && procedures.some((p) => (NEVER_BATCHED as readonly string[]).includes(p))) {
    return { status: 400, code: 'BAD_REQUEST', message: `${procedures.find((p) => (NEVER_BATCHED as readonly string[]).includes(p))} cannot be batched; send it on its own` };
  }
  const limit = isUploadRoute(procedures, batched) ? MAX_UPLOAD_BODY : MAX_JSON_BODY_BYTES;
  const length = Number(req.headers['content-length'] ?? 0);
  if (Number.isFinite(length) && length > limit) return { status: 413, code: 'PAYLOAD_TOO_LARGE', message: `the request body is larger than ${Math.round(limit / 1024)} KiB` };
  return null;
}

const MAX_UPLOAD_BODY = MAX_UPLOAD_BYTES + 1024 * 1024;
const isUploadRoute = (procedures: string[], batched: boolean) => !batched && procedures.length === 1 && procedures[0] === UPLOAD_PROCEDURE;

/**
 * CSRF: state changes travel only as POST with a JSON body (a content type an HTML form cannot
 * send) or, for uploads, multipart with our own header (which a form cannot add); a browser that
 * reports a cross-site request is refused outright. The session cookie is SameSite=Strict too.
 */
export function csrfProblem(req: IncomingMessage): string | null {
  if (req.method !== 'POST') return null;
  if (req.headers['sec-fetch-site'] === 'cross-site') return 'cross-site requests are not accepted';
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json') return null;
  if (type === 'multipart/form-data' && req.headers['x-studio-upload'] === '1') return null;
  return 'state-changing requests must be POSTed as application/json';
}

export interface ServerOptions {
  /** True once the instance is shutting down: /readyz then answers 503 so a load balancer stops sending. */
  draining?: () => boolean;
}

/** How long /healthz waits for the database before it reports the instance unhealthy. */
const HEALTH_TIMEOUT_MS = 2000;

async function databaseAnswers(app: App): Promise<boolean> {
  const timeout = new Promise<false>((r) => setTimeout(() => r(false), HEALTH_TIMEOUT_MS).unref());
  const probe = app.db.execute(sql`select 1 as ok`).then(
    () => true,
    () => false,
  );
  return Promise.race([probe, timeout]);
}

export function createAppServer(app: App, opts: ServerOptions = {}): Server {
  const policy = { idleMs: app.config.sessionIdleMs, maxMs: app.config.sessionMaxMs };
  // Two handlers, one per body limit: the size check in requestProblem covers declared lengths,
  // these cover chunked bodies that never declared one.
  const handler = (maxBodySize: number) =>
    createHTTPHandler({
      router: appRouter,
      basePath: '/trpc/',
      maxBodySize,
      maxBatchSize: MAX_BATCH_SIZE,
      createContext: async ({ req, res }): Promise<Context> => {
        const cookies = cookieJar(req, res, app.config.cookieSecure);
        const session = await resolveSession(app.db, cookies.get(SESSION_COOKIE), policy);
        // The cookie's lifetime follows the session's sliding expiry, or an active user would
        // be logged out when the Max-Age set at login ran out.
        if (session?.slidTo) cookies.set(SESSION_COOKIE, cookies.get(SESSION_COOKIE)!, { maxAgeMs: session.slidTo - Date.now() });
        return { app, user: session?.user ?? null, sessionId: session?.sessionId ?? null, cookies, ip: clientAddress(req, app.config.trustProxy) };
      },
      onError: ({ error, path }) => {
        if (error.code === 'INTERNAL_SERVER_ERROR') app.log.error({ err: error.cause ?? error, path }, 'procedure failed');
      },
    });
  const trpc = handler(MAX_JSON_BODY_BYTES);
  const trpcUpload = handler(MAX_UPLOAD_BODY);

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    const trace = newTrace();
    traces.enterWith(trace);
    // Slow requests are worth a line in the log: they are what users feel. Where the time went
    // (pool wait, statements) tells a busy database from a busy process.
    res.once('finish', () => {
      const ms = performance.now() - started;
      if (ms > app.config.slowRequestMs)
        app.log.warn(
          { url: req.url?.slice(0, 120), status: res.statusCode, ms: Math.round(ms), poolWaitMs: Math.round(trace.poolWaitMs), statements: trace.statements, roundTrips: trace.roundTrips, statementMs: Math.round(trace.statementMs) },
          'slow request',
        );
    });
    for (const [k, v] of Object.entries(SECURITY_HEADERS)) res.setHeader(k, v);
    // URL parsing would quietly resolve "..": refuse such paths before anything interprets them.
    if (DOT_SEGMENT.test(req.url ?? '/')) {
      res.writeHead(400, { 'Content-Type': 'text/plain; charset=utf-8' }).end('bad request: ".." in path\n');
      return;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    const pathname = url.pathname;
    if (pathname === '/trpc' || pathname.startsWith('/trpc/')) {
      const problem = csrfProblem(req);
      if (problem) {
        refuse(req, res, 403, 'FORBIDDEN', problem);
        return;
      }
      const refused = requestProblem(req, pathname, url.searchParams);
      if (refused) {
        refuse(req, res, refused.status, refused.code, refused.message);
        return;
      }
      res.setHeader('Cache-Control', 'no-store');
      (isUploadRoute([pathname.slice('/trpc/'.length)], url.searchParams.get('batch') === '1') ? trpcUpload : trpc)(req, res);
      return;
    }
    // Liveness (the process serves and its database answers) and readiness (also: not shutting
    // down), for load balancers and orchestrators; both without a session, both say which instance.
    if (pathname === '/healthz' || pathname === '/readyz') {
      const dbOk = await databaseAnswers(app);
      const draining = pathname === '/readyz' && (opts.draining?.() ?? false);
      const ok = dbOk && !draining;
      const body = ok ? 'ok' : !dbOk ? 'database not answering' : 'shutting down';
      res.writeHead(ok ? 200 : 503, { 'Content-Type': 'text/plain', 'Cache-Control': 'no-store', 'X-Instance': app.config.instanceId }).end(`${body}\n`);
      return;
    }
    if (pathname === IMPORT_UPLOAD_PATH) return handleImportUpload(app, req, res, url, policy);
    if (pathname.startsWith('/media/')) {
      const cookies = cookieJar(req, res, app.config.cookieSecure);
      const token = cookies.get(SESSION_COOKIE);
      const session = await resolveSession(app.db, token, policy);
      if (session?.slidTo) cookies.set(SESSION_COOKIE, token!, { maxAgeMs: session.slidTo - Date.now() });
      await serveMedia(app, session?.user ?? null, req, res, pathname);
      return;
    }
    serveClient(app.config.clientDist, req, res, pathname);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      app.log.error({ err, url: req.url }, 'request failed');
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end('internal error\n');
    });
  });
  // An idle keep-alive connection is closed by the side with the shorter timeout; when that is the
  // server, a client (a load balancer: nginx, Caddy and cloud balancers keep upstream connections
  // about 60 s) may send on the socket just as it closes and get a reset. Node's 5 s default made
  // bench:validate's validators, idle for a lease's 6 s, fail with ECONNRESET. Longer than 60 s:
  // the balancer closes first. Header timeout above it, as Node requires.
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  server.headersTimeout = KEEP_ALIVE_MS + 1000;
  return server;
}

/** Idle keep-alive connections are kept this long (see createAppServer). */
export const KEEP_ALIVE_MS = 65_000;
