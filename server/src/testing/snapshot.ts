import { readdirSync } from 'node:fs';
import path from 'node:path';
import { count } from 'drizzle-orm';
import type { App } from '../app.ts';
import { expressions, frames, masks, objects, videos } from '../db/schema/index.ts';

function countFiles(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) n += e.isDirectory() ? countFiles(path.join(dir, e.name)) : 1;
  return n;
}

/** Row counts and stored files: equal before and after a refused import means nothing was left. */
export async function dataSnapshot(app: App) {
  const n = async (t: typeof videos | typeof frames | typeof objects | typeof masks | typeof expressions) => ((await app.db.select({ n: count() }).from(t)) as [{ n: number }])[0].n;
  return {
    files: countFiles(app.store.root),
    videos: await n(videos),
    frames: await n(frames),
    objects: await n(objects),
    masks: await n(masks),
    expressions: await n(expressions),
  };
}
