import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { SPLITS, type Split } from '#shared/export/splits.ts';
import { ImportError } from './errors.ts';

/**
 * The split a source put a video in, so a release can keep it (issue 18, `--keep-splits`). Only
 * names a source format defines are read, each mapped to the MeViS split with the same role:
 *
 * - MeViS: the split folder itself, `train`, `valid_u`, `valid` or `test` (MEVIS_FORMAT.md §2).
 *   Its code's dataset names (`mevis_val` = valid_u, `mevis_test` = valid) are not folder names
 *   and are not read as such.
 * - DAVIS: `ImageSets/<year>/{train,val,test-dev,test-challenge}.txt` (one video per line); `val`
 *   → valid and the test sets → test: videos a source holds out for evaluation stay in an
 *   evaluation split. valid_u is never a source's: MeViS carves it out of its own training videos
 *   (MEVIS_FORMAT.md §8). A newer year's list wins over an older one.
 * - YouTube-VOS and MOSE: the root is the `train`, `valid` or `test` folder of the download.
 *
 * Anything else (video files, a folder of another name) has no source split.
 */

/** A MeViS split folder's split: its own name when that is one of the four. */
export function mevisFolderSplit(dir: string): Split | null {
  const name = path.basename(path.resolve(dir));
  return (SPLITS as readonly string[]).includes(name) ? (name as Split) : null;
}

/** YouTube-VOS / MOSE folder names (their downloads have no valid_u). */
const VOS_FOLDERS: Record<string, Split> = { train: 'train', valid: 'valid', test: 'test' };
/** DAVIS ImageSets list names. */
const DAVIS_SETS: Record<string, Split> = { train: 'train', val: 'valid', 'test-dev': 'test', 'test-challenge': 'test' };
const MAX_LIST_BYTES = 1 << 20;

/**
 * Splits of a DAVIS-layout root's videos: from ImageSets when it has them (files directly in
 * ImageSets/ count as the oldest year), else the whole root's from its folder name (YouTube-VOS,
 * MOSE), else none. A video two lists of one year place differently is refused as ambiguous.
 */
export async function davisSourceSplits(root: string): Promise<{ of: (video: string) => Split | null }> {
  const sets = path.join(root, 'ImageSets');
  if (existsSync(sets) && statSync(sets).isDirectory()) {
    const years = readdirSync(sets)
      .filter((d) => /^\d{4}$/.test(d) && statSync(path.join(sets, d)).isDirectory())
      .sort((a, b) => Number(a) - Number(b));
    const found = new Map<string, Split>();
    for (const dir of ['', ...years]) {
      const thisYear = new Map<string, { split: Split; file: string }>();
      for (const [set, split] of Object.entries(DAVIS_SETS)) {
        const rel = path.posix.join('ImageSets', dir, `${set}.txt`);
        const file = path.join(sets, dir, `${set}.txt`);
        if (!existsSync(file)) continue;
        if (statSync(file).size > MAX_LIST_BYTES) throw new ImportError(rel, `is larger than ${MAX_LIST_BYTES >> 10} kB`);
        for (const video of (await readFile(file, 'utf8')).split(/\r?\n/).map((l) => l.trim()).filter(Boolean)) {
          const before = thisYear.get(video);
          if (before && before.split !== split) throw new ImportError(rel, `lists ${video}, which ${before.file} lists too: its split is ambiguous`);
          thisYear.set(video, { split, file: rel });
        }
      }
      for (const [video, { split }] of thisYear) found.set(video, split);
    }
    if (found.size > 0) return { of: (video) => found.get(video) ?? null };
  }
  const folder = VOS_FOLDERS[path.basename(path.resolve(root))] ?? null;
  return { of: () => folder };
}
