import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, rename } from 'node:fs/promises';
import { chmodSync, closeSync, existsSync, fchmodSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import path from 'node:path';

const SHA256_HEX = /^[0-9a-f]{64}$/;

/**
 * Stored files are read-only for everyone; the store's folder is what keeps them private. A
 * release hard-links frames and clips (services/export/output.ts) where reflinks are not
 * available, and the link shares the inode: 0444 makes the released copy readable by whoever can
 * read the release, and refuses to write through it, so editing a release cannot change the
 * store. Unreleased frames and audio stay out of reach because the store's root is never open to
 * others (see the constructor), whatever the files' own modes.
 */
export const STORE_FILE_MODE = 0o444;

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
    // Others may not enter the store (its files are 0444): the owner's and the group's bits are
    // left as the admin set them. A root we do not own (a STORE_DIR shared by instances running
    // as other users) is left alone.
    const mode = statSync(root).mode & 0o777;
    if (mode & 0o007) {
      try {
        chmodSync(root, mode & 0o770);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EPERM') throw e;
      }
    }
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

  /**
   * Stores the bytes; returns their hash and whether this call created the file. It waits for the
   * disk flush: for the command line (restore) and tests only. The server stores with `putAsync`,
   * its event loop never waits on a flush.
   */
  putSync(data: Uint8Array): { sha256: string; created: boolean } {
    const sha256 = FileStore.hash(data);
    const final = this.pathOf(sha256);
    if (existsSync(final)) return { sha256, created: false };
    const dir = path.dirname(final);
    mkdirSync(dir, { recursive: true });
    const tmp = path.join(this.root, 'tmp', `${sha256}.${randomBytes(6).toString('hex')}`);
    const fd = openSync(tmp, 'wx', STORE_FILE_MODE);
    try {
      // Whatever the umask: a release's hard link to it must be readable by the release's readers.
      fchmodSync(fd, STORE_FILE_MODE);
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

  /**
   * `putSync` with the writes and flushes on libuv's thread pool: the event loop never waits on a disk
   * flush, and several calls in flight share the journal commits (importing frames one fsync at a
   * time cost 6.2 ms each here; bench:import, docs/import-scale.md). Same guarantees as `putSync`: the
   * file is visible under its name only after its bytes and directory entry are on disk. Two
   * calls with the same bytes at once both write and rename: same content, one file.
   */
  async putAsync(data: Uint8Array): Promise<{ sha256: string; created: boolean }> {
    const sha256 = FileStore.hash(data);
    const final = this.pathOf(sha256);
    if (existsSync(final)) return { sha256, created: false };
    const dir = path.dirname(final);
    await mkdir(dir, { recursive: true });
    const tmp = path.join(this.root, 'tmp', `${sha256}.${randomBytes(6).toString('hex')}`);
    const fh = await open(tmp, 'wx', STORE_FILE_MODE);
    try {
      await fh.chmod(STORE_FILE_MODE);
      await fh.writeFile(data);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, final);
    const d = await open(dir, 'r');
    try {
      await d.sync();
    } finally {
      await d.close();
    }
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
