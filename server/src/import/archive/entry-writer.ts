import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { crc32 } from 'node:zlib';
import { ArchiveError } from './entry-path.ts';

export interface ExtractLimits {
  /** Entries (files and folders) an archive may hold. */
  maxEntries: number;
  /** Bytes all its files may unpack to, counted as they are written (not as declared). */
  maxBytes: number;
}

export interface ExtractProgress {
  files: number;
  /** Bytes written so far. */
  bytes: number;
  /** Bytes of the archive read so far, out of `total`. */
  read: number;
  total: number;
}

/** What an entry says about itself; checked against what it really unpacks to. */
export interface Declared {
  size?: number;
  crc32?: number;
}

const mib = (n: number) => `${Math.round(n / 1024 / 1024)} MiB`;

/**
 * Writes an archive's entries under `dest` (a fresh, empty folder): each file created exclusively
 * (an entry twice in the archive is refused, never overwritten), every byte counted against the
 * limits as it is written, so an archive that lies about its sizes (a zip bomb) is cut off at the
 * limit whatever its headers say. Entry paths were made safe by entryPath() and no link is ever
 * created, so nothing can point a later write outside `dest`.
 */
export class EntryWriter {
  private readonly dirs = new Set<string>();
  entries = 0;
  files = 0;
  bytes = 0;
  skipped = 0;

  constructor(
    private readonly dest: string,
    private readonly limits: ExtractLimits,
    private readonly signal?: AbortSignal,
  ) {}

  /** Counts an entry (skipped ones too: they cost the same to read). */
  count(name: string): void {
    if (this.signal?.aborted) throw this.signal.reason;
    if (++this.entries > this.limits.maxEntries) throw new ArchiveError(name.slice(0, 200), `the archive holds more than ${this.limits.maxEntries} entries (the limit)`);
  }

  /** Refuses at once an archive that declares more entries than the limit. */
  checkCount(declared: number): void {
    if (declared > this.limits.maxEntries) throw new ArchiveError('', `the archive holds ${declared} entries, more than the limit of ${this.limits.maxEntries}`);
  }

  /** Refuses at once an entry whose declared size alone goes past the limit. */
  checkDeclared(name: string, size: number): void {
    if (this.bytes + size > this.limits.maxBytes) throw this.tooBig(name);
  }

  async dir(rel: string): Promise<void> {
    await this.mkdirs(this.target(rel));
  }

  async file(name: string, rel: string, source: Readable, declared: Declared = {}): Promise<void> {
    const target = this.target(rel);
    await this.mkdirs(path.dirname(target));
    let written = 0;
    let crc = 0;
    const guard = new Transform({
      transform: (chunk: Buffer, _enc, done) => {
        written += chunk.length;
        this.bytes += chunk.length;
        if (declared.size !== undefined && written > declared.size) return done(new ArchiveError(name, `unpacks to more than the ${declared.size} bytes its header declares (a zip bomb, or a damaged archive)`));
        if (this.bytes > this.limits.maxBytes) return done(this.tooBig(name));
        if (declared.crc32 !== undefined) crc = crc32(chunk, crc);
        done(null, chunk);
      },
    });
    try {
      await pipeline(source, guard, createWriteStream(target, { flags: 'wx' }), { signal: this.signal });
    } catch (e) {
      if (e instanceof ArchiveError) throw e;
      if (this.signal?.aborted) throw this.signal.reason;
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw new ArchiveError(name, 'appears twice in the archive');
      if (code === 'ENOTDIR' || code === 'EISDIR') throw new ArchiveError(name, 'is both a file and a folder in the archive');
      if (code === 'Z_DATA_ERROR' || code === 'Z_BUF_ERROR' || code === 'ERR_STREAM_PREMATURE_CLOSE') throw new ArchiveError(name, `damaged: cannot unpack (${(e as Error).message})`);
      throw e;
    }
    if (declared.size !== undefined && written !== declared.size) throw new ArchiveError(name, `damaged: unpacks to ${written} bytes, its header says ${declared.size}`);
    if (declared.crc32 !== undefined && crc !== declared.crc32) throw new ArchiveError(name, 'damaged: its checksum (CRC-32) does not match');
    this.files++;
  }

  private tooBig(name: string): ArchiveError {
    return new ArchiveError(name, `the archive unpacks to more than ${mib(this.limits.maxBytes)}, the limit`);
  }

  private target(rel: string): string {
    const target = path.join(this.dest, rel);
    // entryPath() already refused "..", absolute and empty paths; this is the last line.
    if (!target.startsWith(this.dest + path.sep)) throw new ArchiveError(rel, 'leads outside the import folder');
    return target;
  }

  private async mkdirs(dir: string): Promise<void> {
    if (dir === this.dest || this.dirs.has(dir)) return;
    try {
      await mkdir(dir, { recursive: true });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST' || code === 'ENOTDIR') throw new ArchiveError(path.relative(this.dest, dir), 'is both a file and a folder in the archive');
      throw e;
    }
    this.dirs.add(dir);
  }
}
