import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createHTTPHandler } from '@trpc/server/adapters/standalone';
import type { App } from '../app.ts';
import { resolveSession, SESSION_COOKIE } from '../auth/sessions.ts';
import { appRouter } from '../routers/root.ts';
import type { Context } from '../trpc/context.ts';
import { cookieJar, parseCookies } from './cookies.ts';
import { serveMedia } from './media.ts';
import { serveClient } from './static.ts';
import { MAX_UPLOAD_BYTES } from '../services/recording.ts';

const SECURITY_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'same-origin',
  'Content-Security-Policy':
    "default-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; style-src 'self' 'unsafe-inline'; " +
    "script-src 'self'; worker-src 'self' blob:; connect-src 'self' blob:; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
};

const SLOW_REQUEST_MS = 500;

const DOT_SEGMENT = /(^|\/|%2f|\\|%5c)(\.|%2e){2}($|\/|%2f|\\|%5c|\?|#)/i;

function clientIp(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? 'unknown';
}

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

export function createAppServer(app: App): Server {
  const trpc = createHTTPHandler({
    router: appRouter,
    basePath: '/trpc/',
    // Audio uploads are the largest bodies; anything bigger is refused before it is read whole.
    maxBodySize: MAX_UPLOAD_BYTES + 1024 * 1024,
    createContext: ({ req, res }): Context => {
      const cookies = cookieJar(req, res, app.config.cookieSecure);
      const session = resolveSession(app.db, cookies.get(SESSION_COOKIE), { idleMs: app.config.sessionIdleMs, maxMs: app.config.sessionMaxMs });
      return { app, user: session?.user ?? null, sessionId: session?.sessionId ?? null, cookies, ip: clientIp(req) };
    },
    onError: ({ error, path }) => {
      if (error.code === 'INTERNAL_SERVER_ERROR') app.log.error({ err: error.cause ?? error, path }, 'procedure failed');
    },
  });

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const started = performance.now();
    // Slow requests are worth a line in the log: they are what users feel.
    res.once('finish', () => {
      const ms = performance.now() - started;
      if (ms > SLOW_REQUEST_MS) app.log.warn({ url: req.url?.slice(0, 120), status: res.statusCode, ms: Math.round(ms) }, 'slow request');
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
        res.writeHead(403, { 'Content-Type': 'application/json' }).end(JSON.stringify({ error: { message: problem, code: 'FORBIDDEN' } }));
        return;
      }
      res.setHeader('Cache-Control', 'no-store');
      trpc(req, res);
      return;
    }
    if (pathname === '/healthz') {
      res.writeHead(200, { 'Content-Type': 'text/plain' }).end('ok\n');
      return;
    }
    if (pathname.startsWith('/media/')) {
      const token = parseCookies(req.headers.cookie).get(SESSION_COOKIE);
      const session = resolveSession(app.db, token, { idleMs: app.config.sessionIdleMs, maxMs: app.config.sessionMaxMs });
      serveMedia(app, session?.user ?? null, req, res, pathname);
      return;
    }
    serveClient(app.config.clientDist, req, res, pathname);
  };

  return createServer((req, res) => {
    try {
      handle(req, res);
    } catch (err) {
      app.log.error({ err, url: req.url }, 'request failed');
      if (!res.headersSent) res.writeHead(500, { 'Content-Type': 'text/plain' });
      res.end('internal error\n');
    }
  });
}
