import { createHash } from 'node:crypto';
import path from 'node:path';
import { FileLock } from '../../locks.ts';
import { ServiceError } from '../errors.ts';

/**
 * The locks an export holds while it writes, in the data dir (so the server's exports and the
 * CLI's see each other): `export-<version>` (one writer per release version) and one per target
 * folder — the release's and its ground truth's — (two exports into the same folder would delete
 * each other's partial folders, whatever their versions). Refuses at once, never waits: the other
 * export may take minutes.
 */
export function lockExport(dataDir: string, version: string, ...outDirs: string[]): { release(): void } {
  const held: FileLock[] = [];
  const release = () => held.splice(0).forEach((l) => l.release());
  const take = (name: string, message: string) => {
    const lock = FileLock.tryAcquire(dataDir, name);
    if (!lock) {
      release();
      throw new ServiceError('CONFLICT', message);
    }
    held.push(lock);
  };
  take(`export-${version}`, `release ${version} is being exported by another process right now; wait for it to finish`);
  for (const dir of outDirs) {
    const target = path.resolve(dir);
    const dirKey = createHash('sha256').update(target).digest('hex').slice(0, 16);
    take(`export-to-${dirKey}`, `another export is writing into ${target} right now; wait for it to finish or choose another folder`);
  }
  return { release };
}
