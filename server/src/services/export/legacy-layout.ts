import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, openSync, readdirSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { renderGroundTruthCard } from '#shared/export/card.ts';
import { SPLITS, SPLITS_WITH_MASKS, type Split } from '#shared/export/splits.ts';
import { flushTree, fsyncDir } from './flush.ts';
import { lockExport } from './lock.ts';
import { readManifest, ReleaseOutput, type Manifest, type ManifestEntry } from './output.ts';
import { isGroundTruthOf, partialBeside, putInPlace } from './write.ts';

const LEGACY = 'ground_truth';

export interface LegacyDirs {
  releaseDir: (version: string) => string;
  groundTruthDir: (version: string) => string;
  log?: Pick<Logger, 'info' | 'warn'>;
}

/**
 * Where a file of the earlier `ground_truth/<split>/…` goes in the ground-truth package: the
 * split's files into `<split>/`, its tracking boxes into `tracking/<split>/` (as an export writes them now).
 */
function newPath(legacyPath: string): { rel: string; split: string } {
  const [, split, ...rest] = legacyPath.split('/');
  if (!split || rest.length === 0) throw new Error(`unexpected ground-truth file ${legacyPath}`);
  return { split, rel: rest[0] === 'tracking' ? ['tracking', split, ...rest.slice(1)].join('/') : [split, ...rest].join('/') };
}

/** Replaces a file through a temporary one renamed over it, synced: a crash leaves the old file or the new. */
function replaceFile(file: string, content: string): void {
  const tmp = `${file}.tmp-${randomBytes(4).toString('hex')}`;
  const fd = openSync(tmp, 'wx', 0o644);
  try {
    const data = Buffer.from(content);
    let off = 0;
    while (off < data.length) off += writeSync(fd, data, off, data.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, file);
}

/**
 * Releases written before the ground truth had a package of its own kept it inside the release
 * (`ground_truth/<valid|test>/`: the full meta_expressions.json, mask_dict.json, tracking/), listed
 * in its manifest and so in its .tar: publishing such a folder as it is leaks the withheld masks.
 * At every start, each such release under DATA_DIR/releases is split, in three steps that a crash
 * can interrupt anywhere (the next start goes on where it stopped):
 *   1. the ground truth is hard-linked (copied across filesystems) into a temporary folder in the
 *      package layout, with the package's card and manifest, flushed, and renamed to
 *      DATA_DIR/ground-truth/<version>: byte for byte the package an export writes now;
 *   2. the release's manifest is replaced by one without those files (a synced temporary file
 *      renamed over it);
 *   3. `ground_truth/` is deleted.
 * The release's card (README.md) stays as it was written: its layout still names ground_truth/.
 * Writing the release again (delete both folders, "write again") gives today's card.
 * A release another process is exporting (its export lock is held) is left for the next start.
 */
export async function separateLegacyGroundTruth(dataDir: string, dirs: LegacyDirs): Promise<string[]> {
  const root = path.join(dataDir, 'releases');
  if (!existsSync(root)) return [];
  const moved: string[] = [];
  for (const version of readdirSync(root).sort()) {
    const releaseDir = dirs.releaseDir(version);
    if (version.includes('.partial-') || !existsSync(path.join(releaseDir, LEGACY)) || !statSync(releaseDir).isDirectory()) continue;
    const gtDir = dirs.groundTruthDir(version);
    let lock: { release(): void };
    try {
      lock = lockExport(dataDir, version, releaseDir, gtDir);
    } catch {
      dirs.log?.warn({ version }, 'release in the earlier layout is being written by another process; its ground truth is separated at the next start');
      continue;
    }
    try {
      if (await separateOne(version, releaseDir, gtDir, dirs.log)) moved.push(version);
    } finally {
      lock.release();
    }
  }
  return moved;
}

async function separateOne(version: string, releaseDir: string, gtDir: string, log: LegacyDirs['log']): Promise<boolean> {
  const legacyDir = path.join(releaseDir, LEGACY);
  // Checked again under the lock: another instance may have just done it.
  if (!existsSync(legacyDir)) return false;
  const manifest = readManifest(releaseDir);
  if (!manifest) {
    log?.warn({ version }, 'release in the earlier layout has no manifest.json; its ground truth was left where it is');
    return false;
  }
  const legacy = manifest.files.filter((f) => f.path.startsWith(`${LEGACY}/`));
  if (!isGroundTruthOf(gtDir, version)) {
    if (legacy.length === 0) {
      // Step 2 done without a package in place cannot happen in this order; keep the files.
      log?.warn({ version }, `${LEGACY}/ is in the release but neither in its manifest nor in a ground-truth package; left where it is`);
      return false;
    }
    if (existsSync(gtDir) && readdirSync(gtDir).length > 0) {
      log?.warn({ version, gtDir }, 'the ground-truth folder of a release in the earlier layout holds other files; its ground truth was left where it is');
      return false;
    }
    await writePackage(version, releaseDir, gtDir, legacy);
  }
  if (legacy.length > 0) {
    const kept: Manifest = { version: manifest.version, package: 'public', files: manifest.files.filter((f) => !f.path.startsWith(`${LEGACY}/`)) };
    replaceFile(path.join(releaseDir, 'manifest.json'), JSON.stringify(kept, null, 1) + '\n');
    await fsyncDir(releaseDir);
  }
  rmSync(legacyDir, { recursive: true, force: true });
  await fsyncDir(releaseDir);
  log?.info({ version, gtDir }, "moved the ground truth of a release written in the earlier layout into its own package");
  return true;
}

async function writePackage(version: string, releaseDir: string, gtDir: string, legacy: ManifestEntry[]): Promise<void> {
  const tmp = partialBeside(gtDir);
  try {
    const out = new ReleaseOutput(tmp);
    const splits = new Set<string>();
    for (const f of legacy) {
      const { rel, split } = newPath(f.path);
      splits.add(split);
      const src = path.join(releaseDir, f.path);
      out.adopt(rel, src, { sha256: f.sha256, bytes: f.bytes });
      // The earlier layout had no _v2 copy of the ground-truth meta; an export writes one.
      if (rel === `${split}/meta_expressions.json`) out.adopt(`${split}/meta_expressions_v2.json`, src, { sha256: f.sha256, bytes: f.bytes });
    }
    const withheld = SPLITS.filter((s: Split) => splits.has(s) && !SPLITS_WITH_MASKS.includes(s));
    out.text('README.md', renderGroundTruthCard(version, withheld));
    out.finish(version, 'ground-truth');
    await flushTree(tmp);
    await putInPlace(tmp, gtDir, false);
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}
