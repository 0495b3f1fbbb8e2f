import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SessionUser } from '#shared/schemas/users.ts';
import type { App } from '../app.ts';
import { frameHash } from '../services/videos.ts';

const FRAME_ROUTE = /^\/media\/frames\/([1-9][0-9]{0,9})\/(0|[1-9][0-9]{0,6})$/;

/**
 * GET /media/frames/<videoId>/<frameIndex>: the JPEG of one frame. Only integers from the URL are
 * used, to look the frame up in the database; the file path comes from its content hash.
 * Returns false when the path is not a media route.
 */
export function serveMedia(app: App, user: SessionUser | null, req: IncomingMessage, res: ServerResponse, pathname: string): boolean {
  if (!pathname.startsWith('/media/')) return false;
  const plain = (status: number, text: string) => res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }).end(text + '\n');
  if (req.method !== 'GET' && req.method !== 'HEAD') return plain(405, 'method not allowed'), true;
  if (!user) return plain(401, 'please log in'), true;
  const m = FRAME_ROUTE.exec(pathname);
  if (!m) return plain(404, 'not found'), true;
  const sha = frameHash(app.db, Number(m[1]), Number(m[2]), { onlyAccepted: !user.roles.includes('admin') });
  if (!sha) return plain(404, 'not found'), true;
  const etag = `"${sha}"`;
  const headers = {
    'Content-Type': 'image/jpeg',
    // Private: frames are visible to logged-in users only; immutable: the content never changes
    // under the same (video, index) because a re-import with other content is refused.
    'Cache-Control': 'private, max-age=31536000, immutable',
    ETag: etag,
  };
  if (req.headers['if-none-match'] === etag) return res.writeHead(304, headers).end(), true;
  res.writeHead(200, { ...headers, 'Content-Length': app.store.size(sha) });
  if (req.method === 'HEAD') return res.end(), true;
  createReadStream(app.store.pathOf(sha))
    .on('error', (err) => {
      app.log.error({ err, sha }, 'frame read failed');
      res.destroy(err);
    })
    .pipe(res);
  return true;
}
