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

/** The text of one member of a downloaded tar (null when it has no such member). */
export async function tarText(file: string, name: string): Promise<string | null> {
  let found: string | null = null;
  const extract = tar.extract();
  extract.on('entry', (h, stream, next) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => {
      if (h.name === name) chunks.push(c);
    });
    stream.on('end', () => {
      if (h.name === name) found = Buffer.concat(chunks).toString('utf8');
      next();
    });
  });
  const done = new Promise((r) => extract.on('finish', r));
  extract.end(readFileSync(file));
  await done;
  return found;
}
