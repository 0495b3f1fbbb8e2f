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
export function dataSnapshot(app: App) {
  return {
    files: countFiles(app.store.root),
    videos: app.db.select({ n: count() }).from(videos).get()!.n,
    frames: app.db.select({ n: count() }).from(frames).get()!.n,
    objects: app.db.select({ n: count() }).from(objects).get()!.n,
    masks: app.db.select({ n: count() }).from(masks).get()!.n,
    expressions: app.db.select({ n: count() }).from(expressions).get()!.n,
  };
}
