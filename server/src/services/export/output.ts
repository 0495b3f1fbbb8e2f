import { createHash, type Hash } from 'node:crypto';
import { closeSync, constants, copyFileSync, fsyncSync, mkdirSync, openSync, writeSync } from 'node:fs';
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

  /** A copy of a store file whose hash is already known (frames, clips): no need to read it back. */
  copy(rel: string, src: string, sha256: string, bytes: number): void {
    copyFileSync(src, this.abs(rel), constants.COPYFILE_FICLONE);
    this.entries.push({ path: rel, sha256, bytes });
  }

  text(rel: string, content: string): void {
    const w = this.open(rel);
    w.write(content);
    w.close();
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
    this.emit(this.buf.subarray(0, this.used));
    this.buf = Buffer.allocUnsafe(CHUNK);
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
    for (const fd of this.fds) {
      fsyncSync(fd);
      closeSync(fd);
    }
    this.done(this.hash.digest('hex'), this.bytes);
  }
}
