import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';
import { endOfDirectory, readDirectoryEntry, tailLength, zip64Location, zip64RecordAt, ZipFormatError } from '../zip/central-directory.ts';

interface Entry {
  method: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

/**
 * Random access to the members of a submission zip without unpacking it: the central directory is
 * read once, then each PNG is read and inflated on demand, so memory holds one frame, not the
 * archive. Zip64 is needed — a valid split has ~176k frame PNGs, more than the 65,535 entries of
 * a plain zip. Encrypted members and methods other than stored/deflate are refused.
 */
export class ZipReader {
  private readonly entries = new Map<string, Entry>();

  private constructor(private readonly fd: number, readonly file: string) {}

  static open(file: string): ZipReader {
    const fd = openSync(file, 'r');
    const zip = new ZipReader(fd, file);
    try {
      zip.readDirectory();
    } catch (e) {
      closeSync(fd);
      throw e;
    }
    return zip;
  }

  names(): IterableIterator<string> {
    return this.entries.keys();
  }

  /** The uncompressed size the central directory declares (nothing is inflated to learn it). */
  declaredSize(name: string): number | undefined {
    return this.entries.get(name)?.size;
  }

  /** The member's bytes, or null when the archive has no such member. */
  read(name: string): Buffer | null {
    const e = this.entries.get(name);
    if (!e) return null;
    const local = this.bytes(e.localOffset, 30);
    if (local.readUInt32LE(0) !== 0x04034b50) throw new Error(`${this.file}: ${name}: bad local header`);
    const dataStart = e.localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
    const body = this.bytes(dataStart, e.compressedSize);
    if (e.method === 0) return body;
    // maxOutputLength: a member that inflates beyond its declared size is a zip bomb, not a mask.
    return inflateRawSync(body, { maxOutputLength: Math.max(1, e.size) });
  }

  close(): void {
    closeSync(this.fd);
  }

  private bytes(offset: number, length: number): Buffer {
    const b = Buffer.alloc(length);
    let got = 0;
    while (got < length) {
      const n = readSync(this.fd, b, got, length - got, offset + got);
      if (n === 0) throw new Error(`${this.file}: unexpected end of file`);
      got += n;
    }
    return b;
  }

  private readDirectory(): void {
    const size = fstatSync(this.fd).size;
    try {
      let at = endOfDirectory(this.bytes(size - tailLength(size), tailLength(size)), size);
      if ('zip64LocatorAt' in at) at = zip64Location(this.bytes(zip64RecordAt(this.bytes(at.zip64LocatorAt, 20), size), 56), size);
      const dir = this.bytes(at.offset, at.size);
      for (let k = 0, p = 0; k < at.count; k++) {
        const { entry: e, next } = readDirectoryEntry(dir, p, k);
        p = next;
        if (e.name.endsWith('/')) continue;
        if (e.flags & 1) throw new ZipFormatError(`${e.name} is encrypted`);
        if (e.method !== 0 && e.method !== 8) throw new ZipFormatError(`${e.name} uses compression method ${e.method} (only stored and deflate)`);
        this.entries.set(e.name, { method: e.method, compressedSize: e.compressedSize, size: e.size, localOffset: e.localOffset });
      }
    } catch (err) {
      throw err instanceof ZipFormatError ? new Error(`${this.file}: ${err.message}`, { cause: err }) : err;
    }
  }
}
