import { createReadStream, existsSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.map': 'application/json; charset=utf-8',
};

/**
 * Resolves a URL path inside `root`, or null. The URL never reaches the filesystem unchecked:
 * decoded, normalised, NUL-free and proven to stay under root.
 */
export function resolveInside(root: string, urlPath: string): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (decoded.includes('\0') || decoded.includes('\\') || decoded.split('/').includes('..')) return null;
  const normal = path.posix.normalize(decoded);
  const full = path.join(root, normal);
  const rootWithSep = root.endsWith(path.sep) ? root : root + path.sep;
  return full === root || full.startsWith(rootWithSep) ? full : null;
}

/** Serves the built client; unknown paths get index.html so client-side routes survive reloads. */
export function serveClient(root: string, req: IncomingMessage, res: ServerResponse, pathname: string): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { Allow: 'GET, HEAD' }).end();
    return;
  }
  const index = path.join(root, 'index.html');
  if (!existsSync(index)) {
    res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' }).end('client not built: run `npm run build`\n');
    return;
  }
  let file = resolveInside(root, pathname);
  if (!file || !existsSync(file) || !statSync(file).isFile()) {
    if (pathname.startsWith('/assets/')) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' }).end('not found\n');
      return;
    }
    file = index;
  }
  const ext = path.extname(file);
  // Vite puts a content hash in asset names, so they may be cached forever; index.html never.
  const cache = file === index ? 'no-cache' : pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'public, max-age=3600';
  // The build wrote brotli and gzip copies (client/vite.config.ts); send the best one accepted.
  const encoding = (['br', 'gzip'] as const).find((e) => acceptsEncoding(req, e) && existsSync(`${file}${SUFFIX[e]}`)) ?? null;
  const sent = encoding ? `${file}${SUFFIX[encoding]}` : file;
  const stat = statSync(sent);
  const etag = `"${stat.size.toString(36)}-${Math.trunc(stat.mtimeMs).toString(36)}${encoding ? `-${encoding}` : ''}"`;
  const headers: Record<string, string | number> = { 'Content-Type': TYPES[ext] ?? 'application/octet-stream', 'Cache-Control': cache, ETag: etag, Vary: 'Accept-Encoding' };
  if (req.headers['if-none-match'] === etag) {
    res.writeHead(304, headers).end();
    return;
  }
  res.writeHead(200, { ...headers, 'Content-Length': stat.size, ...(encoding ? { 'Content-Encoding': encoding } : {}) });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(sent).pipe(res);
}

const SUFFIX = { br: '.br', gzip: '.gz' } as const;

/** Whether Accept-Encoding lists this coding without q=0. */
function acceptsEncoding(req: IncomingMessage, coding: string): boolean {
  const header = req.headers['accept-encoding'];
  if (typeof header !== 'string') return false;
  return header.split(',').some((part) => {
    const [name, ...params] = part.trim().split(';');
    if (name!.trim().toLowerCase() !== coding) return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return !q || Number(q.slice(2)) > 0;
  });
}
