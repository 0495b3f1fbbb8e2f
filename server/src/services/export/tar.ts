import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import tar from 'tar-stream';

/**
 * A written package (the public release or its ground truth) as one .tar stream under `prefix/`,
 * file by file from disk (never the whole release in memory), in manifest order with a fixed
 * mtime, so the same release always gives the same archive.
 */
export async function streamReleaseTar(dir: string, prefix: string, files: readonly { path: string; bytes: number }[], mtime: Date, out: Writable): Promise<void> {
  const pack = tar.pack();
  const sent = pipeline(pack, out);
  const all = [...files, { path: 'manifest.json', bytes: -1 }];
  for (const f of all) {
    const abs = path.join(dir, f.path);
    // The manifest does not list itself; its size comes from the disk.
    const size = f.bytes >= 0 ? f.bytes : (await stat(abs)).size;
    const entry = pack.entry({ name: `${prefix}/${f.path}`, size, mtime, mode: 0o644, type: 'file' });
    await pipeline(createReadStream(abs), entry);
  }
  pack.finalize();
  await sent;
}
