import { createReadStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { STAFF_ROLES } from '#shared/roles.ts';
import type { SessionUser } from '#shared/schemas/users.ts';
import type { App } from '../app.ts';
import { frameHash } from '../services/videos.ts';
import { mayHearClip } from '../services/clip-verification.ts';
import { probeFrameHash, probeHidesVideo } from '../services/probes.ts';
import { getRelease } from '../services/export/plan.ts';
import { streamReleaseTar } from '../services/export/tar.ts';
import { serveChallengeMedia } from './challenge-routes.ts';

const FRAME_ROUTE = /^\/media\/frames\/([1-9][0-9]{0,9})\/(0|[1-9][0-9]{0,6})$/;
const AUDIO_ROUTE = /^\/media\/audio\/([1-9][0-9]{0,9})$/;
/** A held single-frame probe's one frame, named by the probe (services/probes.ts). */
const PROBE_ROUTE = /^\/media\/probe\/([1-9][0-9]{0,9})$/;
const RELEASE_ROUTE = /^\/media\/releases\/([A-Za-z0-9][A-Za-z0-9_-]{0,39}(?:\.[A-Za-z0-9_-]+)*)\.tar$/;
const GROUND_TRUTH_ROUTE = /^\/media\/ground-truth\/([A-Za-z0-9][A-Za-z0-9_-]{0,39}(?:\.[A-Za-z0-9_-]+)*)\.tar$/;

/**
 * GET /media/frames/<videoId>/<frameIndex>: the JPEG of one frame; GET /media/audio/<recordingId>:
 * a clip's WAV. Only integers from the URL are used, to look the row up in the database; the file
 * path comes from its content hash.
 * Returns false when the path is not a media route.
 */
export async function serveMedia(app: App, user: SessionUser | null, req: IncomingMessage, res: ServerResponse, pathname: string): Promise<boolean> {
  if (!pathname.startsWith('/media/')) return false;
  if (pathname.startsWith('/media/challenges/')) return serveChallengeMedia(app, user, req, res, pathname);
  const plain = (status: number, text: string) => res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }).end(text + '\n');
  if (req.method !== 'GET' && req.method !== 'HEAD') return plain(405, 'method not allowed'), true;
  if (!user) return plain(401, 'please log in'), true;
  const release = RELEASE_ROUTE.exec(pathname);
  if (release) return await serveReleaseTar(app, user, req, res, release[1]!, 'public', plain), true;
  const truth = GROUND_TRUTH_ROUTE.exec(pathname);
  if (truth) return await serveReleaseTar(app, user, req, res, truth[1]!, 'ground-truth', plain), true;
  const frame = FRAME_ROUTE.exec(pathname);
  const audio = AUDIO_ROUTE.exec(pathname);
  const probe = PROBE_ROUTE.exec(pathname);
  let sha: string | null = null;
  let headers: Record<string, string>;
  if (frame) {
    // Participants get frames only inside the release download (their challenge's splits).
    const staff = user.roles.some((r) => (STAFF_ROLES as readonly string[]).includes(r));
    sha = staff ? await frameHash(app.db, Number(frame[1]), Number(frame[2]), { onlyAccepted: !user.roles.includes('admin') }) : null;
    // While a validator holds a single-frame probe, its video's frames are not theirs to load.
    if (sha && user.roles.includes('validator') && (await probeHidesVideo(app.db, user.id, Number(frame[1])))) sha = null;
    // Private: frames are visible to logged-in users only; immutable: the content never changes
    // under the same (video, index) because a re-import with other content is refused.
    headers = { 'Content-Type': 'image/jpeg', 'Cache-Control': 'private, max-age=31536000, immutable' };
  } else if (probe) {
    // Only the probe's holder, only its frame; not cached, since the hold ends.
    sha = await probeFrameHash(app.db, user.id, Number(probe[1]));
    headers = { 'Content-Type': 'image/jpeg', 'Cache-Control': 'private, no-store' };
  } else if (audio) {
    // A clip is heard by its speaker, admins, and the verifier it is assigned to — nobody else.
    sha = await mayHearClip(app.db, user, Number(audio[1]));
    headers = { 'Content-Type': 'audio/wav', 'Cache-Control': 'private, no-store' };
  } else {
    return plain(404, 'not found'), true;
  }
  if (!sha) return plain(404, 'not found'), true;
  const etag = `"${sha}"`;
  headers = { ...headers, ETag: etag };
  if (req.headers['if-none-match'] === etag) return res.writeHead(304, headers).end(), true;
  const size = app.store.size(sha);
  // Media elements seek with Range requests; the files never change under their hash, so any
  // range of the current file is the right one (If-Range has nothing to guard).
  const range = byteRange(req.headers.range, size);
  if (range === 'unsatisfiable') return res.writeHead(416, { ...headers, 'Content-Range': `bytes */${size}` }).end(), true;
  const span = range ?? { start: 0, end: size - 1 };
  res.writeHead(range ? 206 : 200, {
    ...headers,
    'Accept-Ranges': 'bytes',
    'Content-Length': span.end - span.start + 1,
    ...(range ? { 'Content-Range': `bytes ${span.start}-${span.end}/${size}` } : {}),
  });
  if (req.method === 'HEAD' || size === 0) return res.end(), true;
  createReadStream(app.store.pathOf(sha), span)
    .on('error', (err) => {
      app.log.error({ err, sha }, 'frame read failed');
      res.destroy(err);
    })
    .pipe(res);
  return true;
}

/**
 * GET /media/releases/<version>.tar: a written release (the public package) as a tar stream;
 * GET /media/ground-truth/<version>.tar: its withheld splits' ground truth (the package for the
 * benchmark server). Both for admins only; anyone else gets the same 404 as for a missing version.
 */
async function serveReleaseTar(
  app: App,
  user: SessionUser,
  req: IncomingMessage,
  res: ServerResponse,
  version: string,
  pkg: 'public' | 'ground-truth',
  plain: (status: number, text: string) => void,
): Promise<void> {
  // The version is looked up in the database before any path is built from it.
  const row = user.roles.includes('admin') ? await getRelease(app.db, version) : null;
  const manifest = !row ? null : pkg === 'public' ? app.exports.manifest(row.version) : app.exports.isWritten(row.version) ? app.exports.groundTruthManifest(row.version) : null;
  if (!row || !manifest) return plain(404, 'not found');
  const name = pkg === 'public' ? row.version : `${row.version}.ground-truth`;
  const headers = { 'Content-Type': 'application/x-tar', 'Content-Disposition': `attachment; filename="mevis-${name}.tar"`, 'Cache-Control': 'private, no-store' };
  res.writeHead(200, headers);
  if (req.method === 'HEAD') return void res.end();
  const dir = pkg === 'public' ? app.exports.dirOf(row.version) : app.exports.groundTruthDirOf(row.version);
  streamReleaseTar(dir, name, manifest.files, new Date(row.params.releaseDate), res).catch((err: unknown) => {
    app.log.error({ err, version }, 'release download failed');
    res.destroy(err as Error);
  });
}

/**
 * One byte range of a `Range: bytes=…` header (`a-b`, `a-`, `-n`), clamped to the file; null when
 * there is none or it is not one we serve (several ranges, another unit: the whole file is sent,
 * as RFC 9110 allows); 'unsatisfiable' when it starts past the end.
 */
export function byteRange(header: string | undefined, size: number): { start: number; end: number } | null | 'unsatisfiable' {
  const m = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!m || (m[1] === '' && m[2] === '')) return null;
  if (m[1] === '') {
    const n = Number(m[2]);
    if (n === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - n), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (start >= size) return 'unsatisfiable';
  return start <= end ? { start, end } : null;
}
