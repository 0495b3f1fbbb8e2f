import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import tar from 'tar-stream';
import { ArchiveError, entryPath } from './entry-path.ts';
import type { EntryWriter, ExtractLimits, ExtractProgress } from './entry-writer.ts';

/** A tar header block and the padding of its entry: what a tar may hold beyond its files' bytes. */
const PER_ENTRY_OVERHEAD = 1536;

/**
 * Unpacks a .tar (or gzip-compressed .tar.gz) into the writer's folder as a stream (tar-stream):
 * files and folders only. Hard links, symbolic links, devices and FIFOs are refused with the
 * entry named. A compressed tar is also capped as a whole: the inflated stream may not exceed the
 * byte limit plus its headers, so a gzip of endless zeros (which writes no file) is cut off too.
 */
export async function extractTar(file: string, gzipped: boolean, writer: EntryWriter, limits: ExtractLimits, onProgress: (p: ExtractProgress) => void): Promise<void> {
  const total = (await stat(file)).size;
  let read = 0;
  const counted = new Transform({
    transform(chunk: Buffer, _enc, done) {
      read += chunk.length;
      done(null, chunk);
    },
  });
  // Headers and padding on top of the files' bytes: at most 1.5 KiB an entry, and never more than
  // half the byte limit (a gzip of zeros with no file in it would otherwise inflate for long).
  const cap = limits.maxBytes + Math.min(limits.maxEntries * PER_ENTRY_OVERHEAD, limits.maxBytes / 2) + 1024 * 1024;
  let inflated = 0;
  const capped = new Transform({
    transform(chunk: Buffer, _enc, done) {
      inflated += chunk.length;
      if (inflated > cap) return done(new ArchiveError('', `the archive unpacks to more than ${Math.round(cap / 1024 / 1024)} MiB, the limit`));
      done(null, chunk);
    },
  });
  const source = createReadStream(file);
  const extract = tar.extract();
  let feedError: unknown = null;
  const feed = pipeline(source, counted, ...(gzipped ? [createGunzip()] : []), capped, extract).catch((e: unknown) => {
    feedError = e;
  });
  try {
    for await (const entry of extract) {
      const h = entry.header;
      writer.count(h.name);
      const type = h.type ?? 'file';
      if (type === 'pax-global-header') {
        entry.resume();
        continue;
      }
      const rel = entryPath(h.name);
      if (type === 'symlink' || type === 'link') throw new ArchiveError(h.name, `is a ${type === 'link' ? 'hard' : 'symbolic'} link (links are not accepted in an import archive)`);
      if (type !== 'file' && type !== 'contiguous-file' && type !== 'directory') throw new ArchiveError(h.name, `is a special file (${type}); only files and folders are accepted`);
      if (rel === null) {
        writer.skipped++;
        entry.resume();
        continue;
      }
      if (type === 'directory') {
        entry.resume();
        await writer.dir(rel);
        continue;
      }
      writer.checkDeclared(h.name, h.size ?? 0);
      await writer.file(h.name, rel, entry, { size: h.size ?? 0 });
      onProgress({ files: writer.files, bytes: writer.bytes, read, total });
    }
    await feed;
    if (feedError) throw feedError;
  } catch (e) {
    source.destroy();
    extract.destroy();
    await feed;
    throw damaged(e, feedError);
  }
}

/** Errors of the stream itself (gzip, tar headers, truncation) read as a damaged archive. */
function damaged(e: unknown, feedError: unknown): unknown {
  if (e instanceof ArchiveError) return e;
  if (feedError instanceof ArchiveError) return feedError;
  const err = e as NodeJS.ErrnoException;
  if (e === feedError || err.code?.startsWith('Z_') || /tar|unexpected end|invalid/i.test(err.message ?? '')) {
    return new ArchiveError('', `damaged archive: ${err.message ?? String(e)} (truncated upload, or not a tar?)`);
  }
  return e;
}
