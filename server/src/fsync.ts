import { closeSync, fdatasyncSync, fsyncSync, openSync } from 'node:fs';
import { open } from 'node:fs/promises';

/**
 * fsync by path. A folder needs a full fsync to make its entries (new names, renames) durable; a
 * file's data needs only fdatasync. The async version runs on libuv's thread pool.
 */
export function syncPathSync(p: string, what: 'dir' | 'data' | 'file'): void {
  const fd = openSync(p, 'r');
  try {
    (what === 'data' ? fdatasyncSync : fsyncSync)(fd);
  } finally {
    closeSync(fd);
  }
}

export async function syncPath(p: string, what: 'dir' | 'data' | 'file'): Promise<void> {
  const h = await open(p, 'r');
  try {
    await (what === 'data' ? h.datasync() : h.sync());
  } finally {
    await h.close();
  }
}
