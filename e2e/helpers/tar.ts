import { readFileSync } from 'node:fs';
import tar from 'tar-stream';

/** Member names of a downloaded tar, in order. */
export async function tarNames(file: string): Promise<string[]> {
  const names: string[] = [];
  const extract = tar.extract();
  extract.on('entry', (h, stream, next) => {
    names.push(h.name);
    stream.on('end', next);
    stream.resume();
  });
  const done = new Promise((r) => extract.on('finish', r));
  extract.end(readFileSync(file));
  await done;
  return names;
}
