import { createHash, type Hash } from 'node:crypto';
import { closeSync, constants, copyFileSync, linkSync, mkdirSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';

export interface ManifestEntry {
  path: string;
  sha256: string;
  bytes: number;
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

  /**
   * A store file whose hash is already known (frames, clips): hard-linked when the release is on
   * the store's filesystem, copied otherwise. Creating 136k files dominates a full-scale export
   * (bench:export: copying frames took 22–42 s, linking is a fraction of that); store files are
   * never modified in place (content-addressed, written once), so sharing the inode is safe as
   * long as nobody edits release files in place — the README says so.
   */
  copy(rel: string, src: string, sha256: string, bytes: number): void {
    const dst = this.abs(rel);
    if (this.linking) {
      try {
        linkSync(src, dst);
        this.entries.push({ path: rel, sha256, bytes });
        return;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code !== 'EXDEV' && code !== 'EPERM' && code !== 'EMLINK' && code !== 'ENOTSUP') throw e;
        this.linking = false;
      }
    }
    copyFileSync(src, dst, constants.COPYFILE_FICLONE);
    this.entries.push({ path: rel, sha256, bytes });
  }

  private linking = true;

  /** A small file in one write (tracking rows, the card): no streaming buffer for 33k tiny files. */
  text(rel: string, content: string): void {
    const data = Buffer.from(content);
    const fd = openSync(this.abs(rel), 'wx', 0o644);
    try {
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
    this.fds = paths.map((p) => openSync(p, 'wx', 0o644));
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
