import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { createInflateRaw } from 'node:zlib';
import { ArchiveError, entryPath } from './entry-path.ts';
import type { EntryWriter, ExtractProgress } from './entry-writer.ts';
import { endOfDirectory, readDirectoryEntry, tailLength, zip64Location, zip64RecordAt, ZipFormatError, type ZipDirectoryEntry } from '../../zip/central-directory.ts';

interface ZipEntry extends ZipDirectoryEntry {
  /** Unix file type bits when the entry was made on Unix (symlinks are refused by them). */
  unixType: number | null;
}

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
/** The central directory is read into memory; one this large is not a dataset's. */
const MAX_DIRECTORY_BYTES = 256 * 1024 * 1024;

/**
 * Unpacks a zip into the writer's folder, streaming: the central directory is read first (with
 * asynchronous reads), each member is then read from its offset and inflated as a stream
 * (`createInflateRaw`), so the event loop never waits on a whole member and memory holds one
 * chunk. Zip64 (more than 65,535 members, the size of a MeViS split) is read. Refused with the
 * member named: symbolic links and other special files, encryption, methods other than stored
 * and deflate, a member that unpacks to more or less than it declares or fails its CRC-32, and
 * (by the writer) any member past the entry or byte limit.
 */
export async function extractZip(file: string, writer: EntryWriter, onProgress: (p: ExtractProgress) => void): Promise<void> {
  const fh = await open(file, 'r');
  let entries: ZipEntry[];
  let size: number;
  try {
    size = (await fh.stat()).size;
    entries = await readDirectory(fh, size, writer);
  } finally {
    await fh.close();
  }
  // Every declared size first: an archive over the limit by its own account is refused before a byte is written.
  let declared = 0;
  for (const e of entries) declared += e.size;
  writer.checkDeclared('', declared);
  const handle = await open(file, 'r');
  try {
    for (const e of entries) {
      const rel = entryPath(e.name);
      if (rel === null) {
        writer.skipped++;
        continue;
      }
      if (e.unixType !== null && e.unixType !== 0 && e.unixType !== S_IFREG && e.unixType !== S_IFDIR) {
        throw new ArchiveError(e.name, e.unixType === S_IFLNK ? 'is a symbolic link (links are not accepted in an import archive)' : 'is a special file (only files and folders are accepted)');
      }
      if (e.name.endsWith('/') || e.unixType === S_IFDIR) {
        await writer.dir(rel);
        continue;
      }
      if (e.flags & 1) throw new ArchiveError(e.name, 'is encrypted');
      if (e.method !== 0 && e.method !== 8) throw new ArchiveError(e.name, `uses compression method ${e.method} (only stored and deflate)`);
      const local = await bytes(handle, e.localOffset, 30, size);
      if (local.readUInt32LE(0) !== 0x04034b50) throw new ArchiveError(e.name, 'damaged: bad local header');
      const start = e.localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
      if (start + e.compressedSize > size) throw new ArchiveError(e.name, 'damaged: the archive ends inside this member (truncated upload?)');
      const raw = e.compressedSize === 0 ? Readable.from([]) : createReadStream(file, { start, end: start + e.compressedSize - 1 });
      await writer.file(e.name, rel, e.method === 8 ? inflated(raw) : raw, { size: e.size, crc32: e.crc32 });
      onProgress({ files: writer.files, bytes: writer.bytes, read: start + e.compressedSize, total: size });
    }
  } finally {
    await handle.close();
  }
}

/** The member's bytes inflated, as one stream whose errors (corrupt deflate data) reach the pipeline. */
function inflated(raw: Readable): Readable {
  const inflate = createInflateRaw();
  raw.on('error', (err) => inflate.destroy(err));
  return raw.pipe(inflate);
}

async function bytes(fh: FileHandle, offset: number, length: number, size: number): Promise<Buffer> {
  if (offset < 0 || offset + length > size) throw new ArchiveError('', 'damaged: a record points past the end of the archive (truncated upload?)');
  const b = Buffer.alloc(length);
  let got = 0;
  while (got < length) {
    const { bytesRead } = await fh.read(b, got, length - got, offset + got);
    if (bytesRead === 0) throw new ArchiveError('', 'damaged: unexpected end of the archive');
    got += bytesRead;
  }
  return b;
}

async function readDirectory(fh: FileHandle, size: number, writer: EntryWriter): Promise<ZipEntry[]> {
  try {
    let at = endOfDirectory(await bytes(fh, size - tailLength(size), tailLength(size), size), size);
    if ('zip64LocatorAt' in at) at = zip64Location(await bytes(fh, zip64RecordAt(await bytes(fh, at.zip64LocatorAt, 20, size), size), 56, size), size);
    // Counted before the directory is read: a zip declaring millions of members stops here.
    if (at.count > 0) writer.checkCount(at.count);
    if (at.size > MAX_DIRECTORY_BYTES) throw new ArchiveError('', `the zip's directory is larger than ${MAX_DIRECTORY_BYTES / 1024 / 1024} MiB`);
    const dir = await bytes(fh, at.offset, at.size, size);
    const out: ZipEntry[] = [];
    for (let k = 0, p = 0; k < at.count; k++) {
      // A directory of hundreds of thousands of members is parsed in slices: requests go on meanwhile.
      if (k % 5000 === 4999) await new Promise((r) => setImmediate(r));
      const { entry, next } = readDirectoryEntry(dir, p, k);
      p = next;
      writer.count(`entry ${k}`);
      // Host 3 is Unix: the high 16 bits of the external attributes are the file's mode.
      out.push({ ...entry, unixType: entry.host === 3 ? (entry.externalAttributes >>> 16) & S_IFMT : null });
    }
    return out;
  } catch (err) {
    throw err instanceof ZipFormatError ? new ArchiveError('', err.message) : err;
  }
}
