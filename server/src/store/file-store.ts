import { createHash, randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';

const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * Content-addressed file store under the data dir (frames now, audio later).
 *
 * A file is visible under its final name only after its bytes and its directory entry are fsynced,
 * so a crash never leaves a half-written file where a reader could find it; database rows that
 * point at a hash are written after `put` returns.
 */
export class FileStore {
  constructor(readonly root: string) {
    mkdirSync(path.join(root, 'tmp'), { recursive: true });
  }

  static isHash(value: string): boolean {
    return SHA256_HEX.test(value);
  }

  static hash(data: Uint8Array): string {
    return createHash('sha256').update(data).digest('hex');
  }

  /** Absolute path of a stored object; the hash is checked so no caller string reaches the fs. */
  pathOf(sha256: string): string {
    if (!FileStore.isHash(sha256)) throw new Error(`not a sha256 content address: ${JSON.stringify(sha256)}`);
    return path.join(this.root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  read(sha256: string): Buffer {
    return readFileSync(this.pathOf(sha256));
  }

  has(sha256: string): boolean {
    return existsSync(this.pathOf(sha256));
  }

  size(sha256: string): number {
    return statSync(this.pathOf(sha256)).size;
  }

  /** Stores the bytes; returns their hash and whether this call created the file. */
  put(data: Uint8Array): { sha256: string; created: boolean } {
    const sha256 = FileStore.hash(data);
    const final = this.pathOf(sha256);
    if (existsSync(final)) return { sha256, created: false };
    const dir = path.dirname(final);
    mkdirSync(dir, { recursive: true });
    const tmp = path.join(this.root, 'tmp', `${sha256}.${randomBytes(6).toString('hex')}`);
    const fd = openSync(tmp, 'wx', 0o640);
    try {
      let off = 0;
      while (off < data.length) off += writeSync(fd, data, off, data.length - off);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, final);
    fsyncDir(dir);
    return { sha256, created: true };
  }

  /** Removes objects (used to undo the files of a failed import); missing ones are ignored. */
  remove(hashes: Iterable<string>): void {
    for (const h of hashes) {
      try {
        unlinkSync(this.pathOf(h));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      }
    }
  }
}

function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
