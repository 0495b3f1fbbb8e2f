import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { inflateRawSync } from 'node:zlib';

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
    const tailLen = Math.min(size, 22 + 65535);
    const tail = this.bytes(size - tailLen, tailLen);
    let eocd = -1;
    for (let i = tailLen - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === 0x06054b50) {
        eocd = i;
        break;
      }
    }
    if (eocd < 0) throw new Error(`${this.file} is not a zip archive (no end-of-directory record)`);
    let count = tail.readUInt16LE(eocd + 10);
    let dirSize = tail.readUInt32LE(eocd + 12);
    let dirOffset = tail.readUInt32LE(eocd + 16);
    if (count === 0xffff || dirSize === 0xffffffff || dirOffset === 0xffffffff) {
      const locatorAt = size - tailLen + eocd - 20;
      const locator = this.bytes(locatorAt, 20);
      if (locator.readUInt32LE(0) !== 0x07064b50) throw new Error(`${this.file}: zip64 locator missing`);
      const rec = this.bytes(Number(locator.readBigUInt64LE(8)), 56);
      if (rec.readUInt32LE(0) !== 0x06064b50) throw new Error(`${this.file}: bad zip64 end-of-directory record`);
      count = Number(rec.readBigUInt64LE(32));
      dirSize = Number(rec.readBigUInt64LE(40));
      dirOffset = Number(rec.readBigUInt64LE(48));
    }
    const dir = this.bytes(dirOffset, dirSize);
    let p = 0;
    for (let k = 0; k < count; k++) {
      if (dir.readUInt32LE(p) !== 0x02014b50) throw new Error(`${this.file}: bad central directory entry ${k}`);
      const flags = dir.readUInt16LE(p + 8);
      const method = dir.readUInt16LE(p + 10);
      let compressedSize = dir.readUInt32LE(p + 20);
      let usize = dir.readUInt32LE(p + 24);
      const nameLen = dir.readUInt16LE(p + 28);
      const extraLen = dir.readUInt16LE(p + 30);
      const commentLen = dir.readUInt16LE(p + 32);
      let localOffset = dir.readUInt32LE(p + 42);
      const name = dir.toString('utf8', p + 46, p + 46 + nameLen);
      // Zip64 extra field: the 64-bit values of exactly those fields stored as 0xffffffff, in order.
      let e = p + 46 + nameLen;
      const extraEnd = e + extraLen;
      while (e + 4 <= extraEnd) {
        const id = dir.readUInt16LE(e);
        const len = dir.readUInt16LE(e + 2);
        if (id === 0x0001) {
          let q = e + 4;
          if (usize === 0xffffffff) {
            usize = Number(dir.readBigUInt64LE(q));
            q += 8;
          }
          if (compressedSize === 0xffffffff) {
            compressedSize = Number(dir.readBigUInt64LE(q));
            q += 8;
          }
          if (localOffset === 0xffffffff) localOffset = Number(dir.readBigUInt64LE(q));
        }
        e += 4 + len;
      }
      p = extraEnd + commentLen;
      if (name.endsWith('/')) continue;
      if (flags & 1) throw new Error(`${this.file}: ${name} is encrypted`);
      if (method !== 0 && method !== 8) throw new Error(`${this.file}: ${name} uses compression method ${method} (only stored and deflate)`);
      this.entries.set(name, { method, compressedSize, size: usize, localOffset });
    }
  }
}
