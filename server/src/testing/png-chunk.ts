import { crc32 } from 'node:zlib';

/** One PNG chunk (length, type, data, CRC), for tests and benchmarks that write PNGs byte by byte. */
export function pngChunk(type: string, data: Uint8Array): Buffer {
  const b = Buffer.alloc(12 + data.length);
  b.writeUInt32BE(data.length, 0);
  b.write(type, 4, 'latin1');
  b.set(data, 8);
  b.writeUInt32BE(crc32(b.subarray(4, 8 + data.length)), 8 + data.length);
  return b;
}
