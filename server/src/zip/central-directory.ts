/**
 * The zip format's directory, parsed from bytes the caller reads (synchronously for the
 * evaluator's random access, asynchronously for the browser import's extraction): where the
 * central directory is (end-of-directory record, zip64 when counts or offsets overflow), and its
 * entries (zip64 extra field included). No I/O here; every offset is bounds-checked, and a damaged
 * archive throws ZipFormatError with a sentence the caller prefixes with the archive's name.
 */
export class ZipFormatError extends Error {
  override name = 'ZipFormatError';
}

export interface ZipDirectoryEntry {
  name: string;
  method: number;
  flags: number;
  crc32: number;
  compressedSize: number;
  size: number;
  localOffset: number;
  /** "Version made by" host (3 = Unix) and the external attributes (on Unix, the mode in the high 16 bits). */
  host: number;
  externalAttributes: number;
}

export interface DirectoryLocation {
  count: number;
  size: number;
  offset: number;
}

/** How many bytes from the end of the file hold the end-of-directory record (comment included). */
export const tailLength = (fileSize: number) => Math.min(fileSize, 22 + 65535);

/**
 * Where the central directory is, from the archive's tail (its last `tailLength` bytes): read
 * from the plain end-of-directory record, or, when its values overflowed, `zip64LocatorAt` says
 * where the caller reads the 20-byte zip64 locator for `zip64RecordAt`, and then the 56-byte
 * record for `zip64Location`. (Three steps so that synchronous and asynchronous readers share it.)
 */
export function endOfDirectory(tail: Buffer, fileSize: number): DirectoryLocation | { zip64LocatorAt: number } {
  if (fileSize < 22) throw new ZipFormatError('not a zip archive (too short)');
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new ZipFormatError('not a zip archive or a damaged zip: no end-of-directory record (truncated upload?)');
  const count = tail.readUInt16LE(eocd + 10);
  const size = tail.readUInt32LE(eocd + 12);
  const offset = tail.readUInt32LE(eocd + 16);
  if (count === 0xffff || size === 0xffffffff || offset === 0xffffffff) {
    const zip64LocatorAt = fileSize - tail.length + eocd - 20;
    if (zip64LocatorAt < 0) throw new ZipFormatError('damaged zip: zip64 locator missing');
    return { zip64LocatorAt };
  }
  return checked({ count, size, offset }, fileSize);
}

export function zip64RecordAt(locator: Buffer, fileSize: number): number {
  if (locator.readUInt32LE(0) !== 0x07064b50) throw new ZipFormatError('damaged zip: zip64 locator missing');
  const at = Number(locator.readBigUInt64LE(8));
  if (at + 56 > fileSize) throw new ZipFormatError('damaged zip: the zip64 record points past the end of the archive');
  return at;
}

export function zip64Location(record: Buffer, fileSize: number): DirectoryLocation {
  if (record.readUInt32LE(0) !== 0x06064b50) throw new ZipFormatError('damaged zip: bad zip64 end-of-directory record');
  return checked({ count: Number(record.readBigUInt64LE(32)), size: Number(record.readBigUInt64LE(40)), offset: Number(record.readBigUInt64LE(48)) }, fileSize);
}

function checked(d: DirectoryLocation, fileSize: number): DirectoryLocation {
  if (d.offset + d.size > fileSize) throw new ZipFormatError('damaged zip: the directory points past the end of the archive (truncated?)');
  return d;
}

/** The directory entry at byte `p` of the central directory `dir`, and where the next one starts. */
export function readDirectoryEntry(dir: Buffer, p: number, k: number): { entry: ZipDirectoryEntry; next: number } {
  if (p + 46 > dir.length || dir.readUInt32LE(p) !== 0x02014b50) throw new ZipFormatError(`damaged zip: bad directory entry ${k}`);
  const host = dir.readUInt16LE(p + 4) >> 8;
  const flags = dir.readUInt16LE(p + 8);
  const method = dir.readUInt16LE(p + 10);
  const crc32 = dir.readUInt32LE(p + 16);
  let compressedSize = dir.readUInt32LE(p + 20);
  let size = dir.readUInt32LE(p + 24);
  const nameLen = dir.readUInt16LE(p + 28);
  const extraLen = dir.readUInt16LE(p + 30);
  const commentLen = dir.readUInt16LE(p + 32);
  const externalAttributes = dir.readUInt32LE(p + 38);
  let localOffset = dir.readUInt32LE(p + 42);
  if (p + 46 + nameLen + extraLen + commentLen > dir.length) throw new ZipFormatError(`damaged zip: directory entry ${k} runs past the directory`);
  const name = dir.toString('utf8', p + 46, p + 46 + nameLen);
  // Zip64 extra field: the 64-bit values of exactly those fields stored as 0xffffffff, in order.
  let e = p + 46 + nameLen;
  const extraEnd = e + extraLen;
  while (e + 4 <= extraEnd) {
    const id = dir.readUInt16LE(e);
    const len = dir.readUInt16LE(e + 2);
    if (id === 0x0001) {
      let q = e + 4;
      if (size === 0xffffffff && q + 8 <= extraEnd) {
        size = Number(dir.readBigUInt64LE(q));
        q += 8;
      }
      if (compressedSize === 0xffffffff && q + 8 <= extraEnd) {
        compressedSize = Number(dir.readBigUInt64LE(q));
        q += 8;
      }
      if (localOffset === 0xffffffff && q + 8 <= extraEnd) localOffset = Number(dir.readBigUInt64LE(q));
    }
    e += 4 + len;
  }
  return { entry: { name, method, flags, crc32, compressedSize, size, localOffset, host, externalAttributes }, next: extraEnd + commentLen };
}
