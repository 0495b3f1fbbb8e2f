import { createHash, type Hash } from 'node:crypto';
import { chmodSync, closeSync, constants, copyFileSync, fchmodSync, linkSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import { STORE_FILE_MODE } from '../../store/file-store.ts';

/**
 * Every file a release writes (JSON, tracking rows, the card) and every copy of a store file:
 * readable by whoever can read the release's folder. Set explicitly, not left to the umask: a
 * server started with `UMask=0077` would otherwise write a release only its own user can read.
 */
export const RELEASE_FILE_MODE = 0o644;

/**
 * How store files (frames, clips) get into a release, found out on the first one and kept:
 * - `clone`: a copy-on-write reflink (btrfs, XFS, bcachefs…): its own inode, so it gets the
 *   release's mode and an edit never reaches the store, and it costs no data blocks;
 * - `link`: a hard link (ext4 and others without reflinks), which shares the store file's inode:
 *   store files are read-only for everyone (STORE_FILE_MODE, 0444), so a release file opened for
 *   writing is refused — except to root, who ignores modes: the README says not to edit releases;
 * - `copy`: the release is on another filesystem (or the store file is not ours to make
 *   read-only): a plain copy with the release's mode.
 * Copying every frame took 22–42 s of a full-scale export (bench:export), linking a fraction.
 */
export type StoreCopyMethod = 'clone' | 'link' | 'copy';

/** Errors that mean "this filesystem cannot do that here", not a broken release. */
const UNSUPPORTED = new Set(['ENOTSUP', 'EOPNOTSUPP', 'EXDEV', 'EINVAL', 'ENOSYS', 'EPERM', 'EMLINK', 'ENOTTY']);
const unsupported = (e: unknown) => UNSUPPORTED.has((e as NodeJS.ErrnoException).code ?? '');

export interface ManifestEntry {
  path: string;
  sha256: string;
  bytes: number;
}

/**
 * A release is written as two packages, each a folder with its own manifest.json: the public
 * release (what participants and the public get) and the ground truth of its withheld splits (for
 * the benchmark server). The manifest names which one it is.
 */
export type ReleasePackage = 'public' | 'ground-truth';

export interface Manifest {
  version: string;
  package?: ReleasePackage;
  files: ManifestEntry[];
}

export interface PackageSummary {
  files: number;
  bytes: number;
  /** sha256 of manifest.json: equal for two exports of the same release. */
  manifestSha256: string;
}

/** A folder's manifest.json, or null when there is none (or it is not one of ours). */
export function readManifest(dir: string): Manifest | null {
  try {
    const m = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as Manifest;
    return typeof m.version === 'string' && Array.isArray(m.files) ? m : null;
  } catch {
    return null;
  }
}

/** Where a release is being written: relative paths only, every file recorded for the manifest. */
export class ReleaseOutput {
  readonly entries: ManifestEntry[] = [];
  private readonly dirs = new Set<string>();

  constructor(readonly root: string) {}

  private abs(rel: string): string {
    // Names come from the database (video names were checked at import), but a release must never
    // write outside its own folder whatever a row holds.
    const abs = path.resolve(this.root, rel);
    if (!abs.startsWith(this.root + path.sep)) throw new Error(`refusing to write outside the release: ${rel}`);
    const dir = path.dirname(abs);
    if (!this.dirs.has(dir)) {
      mkdirSync(dir, { recursive: true });
      this.dirs.add(dir);
    }
    return abs;
  }

  /** How store files were brought in so far (the first copy decides; a fallback may lower it). */
  method: StoreCopyMethod = 'clone';

  /**
   * A store file whose hash is already known (frames, clips), by `method`. Store files are never
   * modified in place (content-addressed, written once), so a read-only link always shows the
   * bytes the manifest lists.
   */
  copy(rel: string, src: string, sha256: string, bytes: number): void {
    const dst = this.abs(rel);
    if (this.method === 'clone') {
      try {
        copyFileSync(src, dst, constants.COPYFILE_FICLONE_FORCE | constants.COPYFILE_EXCL);
        // A clone (like a copy) takes the source's mode; the release's is its own.
        chmodSync(dst, RELEASE_FILE_MODE);
        this.entries.push({ path: rel, sha256, bytes });
        return;
      } catch (e) {
        if (!unsupported(e)) throw e;
        rmSync(dst, { force: true });
        this.method = (e as NodeJS.ErrnoException).code === 'EXDEV' ? 'copy' : 'link';
      }
    }
    if (this.method === 'link' && this.linkReadOnly(src, dst)) {
      this.entries.push({ path: rel, sha256, bytes });
      return;
    }
    copyFileSync(src, dst, constants.COPYFILE_EXCL);
    chmodSync(dst, RELEASE_FILE_MODE);
    this.entries.push({ path: rel, sha256, bytes });
  }

  /**
   * A hard link to a store file made read-only first (files stored before the store wrote them
   * 0444 were 0640: unreadable through a release for anyone but the server's user and group).
   * False when this one must be copied instead; a link refused for the whole filesystem stops
   * linking for the rest of the release.
   */
  private linkReadOnly(src: string, dst: string): boolean {
    try {
      if ((statSync(src).mode & 0o777) !== STORE_FILE_MODE) chmodSync(src, STORE_FILE_MODE);
    } catch (e) {
      // Not the owner of that store file (a STORE_DIR shared with another user): copy it.
      if ((e as NodeJS.ErrnoException).code === 'EPERM') return false;
      throw e;
    }
    try {
      linkSync(src, dst);
      return true;
    } catch (e) {
      if (!unsupported(e)) throw e;
      this.method = 'copy';
      return false;
    }
  }

  /**
   * A file of an earlier export taken over as it is (legacy-layout.ts): hard-linked, copied where
   * that is refused; its manifest entry comes from the earlier manifest.
   */
  adopt(rel: string, src: string, entry: Omit<ManifestEntry, 'path'>): void {
    const dst = this.abs(rel);
    try {
      linkSync(src, dst);
    } catch (e) {
      if (!unsupported(e)) throw e;
      copyFileSync(src, dst, constants.COPYFILE_EXCL);
    }
    this.entries.push({ path: rel, ...entry });
  }

  /** manifest.json, written last (a package whose manifest is there is complete): every file so far, sorted by path. */
  finish(version: string, pkg: ReleasePackage): PackageSummary {
    const entries = [...this.entries].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    this.text('manifest.json', JSON.stringify({ version, package: pkg, files: entries } satisfies Manifest, null, 1) + '\n');
    const manifest = this.entries.at(-1)!;
    return { files: this.entries.length, bytes: this.entries.reduce((s, e) => s + e.bytes, 0), manifestSha256: manifest.sha256 };
  }

  /** A small file in one write (tracking rows, the card): no streaming buffer for 33k tiny files. */
  text(rel: string, content: string): void {
    const data = Buffer.from(content);
    const fd = openSync(this.abs(rel), 'wx', RELEASE_FILE_MODE);
    try {
      fchmodSync(fd, RELEASE_FILE_MODE);
      let off = 0;
      while (off < data.length) off += writeSync(fd, data, off, data.length - off);
    } finally {
      closeSync(fd);
    }
    this.entries.push({ path: rel, sha256: createHash('sha256').update(data).digest('hex'), bytes: data.length });
  }

  /** One or more files receiving the same bytes (meta_expressions.json and its _v2 copy). */
  open(...rels: string[]): StreamingFile {
    return new StreamingFile(rels.map((r) => this.abs(r)), (sha256, bytes) => {
      for (const rel of rels) this.entries.push({ path: rel, sha256, bytes });
    });
  }
}

const CHUNK = 1 << 20;

/**
 * Buffered synchronous writes with the hash taken on the way: memory stays at one chunk however
 * large the file (mask_dict.json of a full MeViS train split is ~400 MB).
 */
export class StreamingFile {
  private readonly fds: number[];
  private readonly hash: Hash = createHash('sha256');
  private buf = Buffer.allocUnsafe(CHUNK);
  private used = 0;
  private bytes = 0;

  constructor(
    paths: string[],
    private readonly done: (sha256: string, bytes: number) => void,
  ) {
    this.fds = paths.map((p) => {
      const fd = openSync(p, 'wx', RELEASE_FILE_MODE);
      fchmodSync(fd, RELEASE_FILE_MODE);
      return fd;
    });
  }

  write(s: string): void {
    const need = Buffer.byteLength(s);
    if (need > CHUNK - this.used) this.flush();
    if (need > CHUNK) {
      this.emit(Buffer.from(s));
      return;
    }
    this.used += this.buf.write(s, this.used);
  }

  private flush(): void {
    if (this.used === 0) return;
    // Writes are synchronous, so the buffer can be reused at once.
    this.emit(this.buf.subarray(0, this.used));
    this.used = 0;
  }

  private emit(chunk: Buffer): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    for (const fd of this.fds) {
      let off = 0;
      while (off < chunk.length) off += writeSync(fd, chunk, off, chunk.length - off);
    }
  }

  close(): void {
    this.flush();
    // No fsync per file: the whole release is flushed once (flush.ts) before it is renamed into place.
    for (const fd of this.fds) closeSync(fd);
    this.done(this.hash.digest('hex'), this.bytes);
  }
}
