import { createHash, randomUUID } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { SessionUser } from '#shared/schemas/users.ts';
import type { App } from '../app.ts';
import { retryOnBusy } from '../db/busy.ts';
import { groupCommitOf } from '../db/group-commit.ts';
import { syncPath } from '../fsync.ts';
import { challengeFor } from '../services/challenge/challenges.ts';
import { participantFiles, streamParticipantTar, type DownloadPart } from '../services/challenge/release-files.ts';
import { admitUpload, recordSubmission } from '../services/challenge/submissions.ts';
import { ServiceError, type ServiceErrorCode } from '../services/errors.ts';
import { getRelease } from '../services/export/plan.ts';

const ROUTE = /^\/media\/challenges\/([1-9][0-9]{0,9})\/(submissions|release\.tar|split\.tar)$/;

const STATUS: Record<ServiceErrorCode, number> = {
  BAD_REQUEST: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  PRECONDITION_FAILED: 412,
  TOO_MANY_REQUESTS: 429,
};

/** Uploads streaming at once on this instance; beyond, "try again" (each may hold up to its challenge's limit on disk). */
const MAX_CONCURRENT_UPLOADS = 4;
const uploading = new Set<string>();

/**
 * An error the way tRPC shapes them (the page reads both alike). A body still arriving is drained
 * for two seconds, then the connection is cut: a client that keeps sending gets nothing more.
 */
function answerError(req: IncomingMessage, res: ServerResponse, status: number, code: string, message: string, opts: { close?: boolean } = {}): void {
  // "Connection: close" only for a body we will not read at all (its declared length is refused):
  // a client still sending when the socket shuts sees a broken pipe instead of this answer, so
  // otherwise the rest of the body is read and dropped.
  if (!res.headersSent) res.writeHead(status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...(opts.close ? { Connection: 'close' } : {}) });
  res.end(JSON.stringify({ error: { message, code: -32600, data: { code, httpStatus: status } } }));
  if (req.complete) return;
  req.resume();
  const cut = setTimeout(() => req.socket?.destroy(), 2000);
  cut.unref();
  req.once('end', () => clearTimeout(cut));
}

/**
 * /media/challenges/<id>/…: POST `submissions` (a zip streamed to disk), GET `release.tar` (the
 * release's public files) and `split.tar` (the challenge's split only). Ground truth is never in
 * either download (shared/src/challenge/rules.ts isPublicReleaseFile).
 */
export async function serveChallengeMedia(app: App, user: SessionUser | null, req: IncomingMessage, res: ServerResponse, pathname: string): Promise<true> {
  const m = ROUTE.exec(pathname);
  if (!m) return answerError(req, res, 404, 'NOT_FOUND', 'not found'), true;
  if (!user) return answerError(req, res, 401, 'UNAUTHORIZED', 'please log in'), true;
  const challengeId = Number(m[1]);
  try {
    if (m[2] === 'submissions') {
      if (req.method !== 'POST') return answerError(req, res, 405, 'METHOD_NOT_SUPPORTED', 'method not allowed'), true;
      await upload(app, user, challengeId, req, res);
    } else {
      if (req.method !== 'GET' && req.method !== 'HEAD') return answerError(req, res, 405, 'METHOD_NOT_SUPPORTED', 'method not allowed'), true;
      await download(app, user, challengeId, m[2] === 'release.tar' ? 'release' : 'split', req, res);
    }
  } catch (err) {
    if (err instanceof ServiceError) answerError(req, res, STATUS[err.code], err.code, err.message);
    else throw err;
  }
  return true;
}

/** A display name for the uploaded file: its last path part, printable, at most 200 characters. */
function fileNameOf(req: IncomingMessage): string {
  let raw = String(req.headers['x-file-name'] ?? '');
  try {
    raw = decodeURIComponent(raw);
  } catch {
    raw = '';
  }
  // eslint-disable-next-line no-control-regex
  const name = path.posix.basename(raw.replace(/\\/g, '/')).replace(/[\u0000-\u001f\u007f]/g, '').slice(0, 200);
  return name || 'submission.zip';
}

class TooLarge extends Error {}
class ClientGone extends Error {}

/**
 * A submission: checked against the challenge's phase and limits before a byte is read, streamed
 * to DATA_DIR/challenges/incoming (sha256 on the way, cut at the size limit), renamed next to the
 * others, recorded (the limits checked again in that transaction) and queued for scoring.
 */
async function upload(app: App, user: SessionUser, challengeId: number, req: IncomingMessage, res: ServerResponse): Promise<void> {
  // CSRF: an HTML form can neither add this header nor come from a page of ours cross-site.
  if (req.headers['sec-fetch-site'] === 'cross-site' || req.headers['x-studio-upload'] !== '1') {
    throw new ServiceError('FORBIDDEN', 'uploads must come from the challenge page (x-studio-upload header)');
  }
  const admitted = await admitUpload(app.db, user, challengeId);
  const limit = admitted.maxUploadBytes;
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit) {
    return answerError(req, res, 413, 'PAYLOAD_TOO_LARGE', `the zip is larger than this challenge's limit of ${Math.round(limit / 2 ** 20)} MiB`, { close: true });
  }
  const teamKey = `${challengeId}:${admitted.team.id}`;
  if (uploading.has(teamKey)) throw new ServiceError('CONFLICT', 'your team is uploading a submission already; wait until it is done');
  if (uploading.size >= MAX_CONCURRENT_UPLOADS) throw new ServiceError('TOO_MANY_REQUESTS', 'the server is receiving other submissions; please try again in a minute');
  uploading.add(teamKey);
  const dirs = app.challenges.ensureDirs();
  const name = `${randomUUID()}.zip`;
  const incoming = path.join(dirs.incoming, name);
  const final = path.join(dirs.submissions, name);
  let kept = false;
  try {
    const hash = createHash('sha256');
    let bytes = 0;
    const meter = new Transform({
      transform(chunk: Buffer, _enc, done) {
        bytes += chunk.length;
        if (bytes > limit) return done(new TooLarge());
        hash.update(chunk);
        done(null, chunk);
      },
    });
    // Not pipeline(req, …): on an error it would destroy the request's socket before the 413 is
    // written. The body is piped in by hand and, when refused, drained by answerError.
    const written = pipeline(meter, createWriteStream(incoming, { flags: 'wx' }));
    const gone = () => {
      if (!req.complete) meter.destroy(new ClientGone());
    };
    req.once('close', gone);
    req.pipe(meter);
    try {
      await written;
    } catch (err) {
      req.unpipe(meter);
      if (err instanceof TooLarge) return answerError(req, res, 413, 'PAYLOAD_TOO_LARGE', `the zip is larger than this challenge's limit of ${Math.round(limit / 2 ** 20)} MiB`);
      // The client went away mid-upload: nobody to answer.
      if (err instanceof ClientGone) return void res.destroy();
      throw err;
    } finally {
      req.off('close', gone);
    }
    if (bytes === 0) throw new ServiceError('BAD_REQUEST', 'the upload is empty; send the submission zip as the request body');
    // The zip is on disk before the row that points at it.
    await syncPath(incoming, 'data');
    await rename(incoming, final);
    await syncPath(dirs.submissions, 'dir');
    const submissionId = await retryOnBusy(() => recordSubmission(app.db, user, challengeId, { fileName: fileNameOf(req), file: name, bytes, sha256: hash.digest('hex') }));
    kept = true;
    await app.challenges.queue(submissionId);
    // Like tRPC answers under group commit (trpc/init.ts): "received" means on disk.
    const group = app.database.dialect === 'sqlite' ? groupCommitOf(app.database.sqlite) : undefined;
    if (group) await group.syncUpTo(group.mark());
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' }).end(JSON.stringify({ result: { data: { submissionId } } }));
  } finally {
    uploading.delete(teamKey);
    if (!kept) await Promise.all([rm(incoming, { force: true }), rm(final, { force: true })]);
  }
}

async function download(app: App, user: SessionUser, challengeId: number, part: DownloadPart, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const c = await challengeFor(app.db, user, challengeId);
  const release = await getRelease(app.db, c.releaseVersion);
  const manifest = release ? app.exports.manifest(release.version) : null;
  if (!release || !manifest) throw new ServiceError('NOT_FOUND', `release ${c.releaseVersion} is not on the server`);
  const files = participantFiles(manifest as { files: { path: string; bytes: number; sha256: string }[] }, part, c.row.split);
  const label = part === 'release' ? 'public' : c.row.split;
  res.writeHead(200, {
    'Content-Type': 'application/x-tar',
    'Content-Disposition': `attachment; filename="mevis-${release.version}-${label}.tar"`,
    'Cache-Control': 'private, no-store',
  });
  if (req.method === 'HEAD') return void res.end();
  streamParticipantTar(app.exports.dirOf(release.version), `mevis-${release.version}`, files, new Date(release.params.releaseDate), res).catch((err: unknown) => {
    app.log.error({ err, challengeId }, 'challenge download failed');
    res.destroy(err as Error);
  });
}
