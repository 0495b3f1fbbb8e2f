import { createReadStream, existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import tar from 'tar-stream';
import { isPublicReleaseFile, isSplitFile } from '#shared/challenge/rules.ts';

/** A written release's two packages: the public release and its ground truth (services/export/write.ts). */
export interface ReleasePackages {
  releaseDir: string;
  groundTruthDir: string;
}

/**
 * The files of a written release a challenge uses: the withheld split's public folder (what the
 * submission is checked against: expressions, frames for the sizes) and its ground truth, from
 * the release's ground-truth package (what it is scored against, never served). Paths come from
 * the release row, never from a request.
 */
export function challengeDirs(pkgs: ReleasePackages, split: string) {
  return { splitDir: path.join(pkgs.releaseDir, split), gtDir: path.join(pkgs.groundTruthDir, split) };
}

/** Whether the split's ground truth is on the server (a challenge without it could never score). */
export function hasSplitGroundTruth(pkgs: ReleasePackages, split: string): boolean {
  const { gtDir } = challengeDirs(pkgs, split);
  return existsSync(path.join(gtDir, 'meta_expressions.json')) && existsSync(path.join(gtDir, 'mask_dict.json'));
}

/** Whether the release's split lists at least one expression (a challenge on an empty split scores nothing). */
export async function releaseSplitHasSamples(releaseDir: string, split: string): Promise<boolean> {
  const meta = path.join(releaseDir, split, 'meta_expressions.json');
  if (!existsSync(meta)) return false;
  const parsed = JSON.parse(await readFile(meta, 'utf8')) as { videos?: Record<string, { expressions?: Record<string, unknown> }> };
  return Object.values(parsed.videos ?? {}).some((v) => Object.keys(v.expressions ?? {}).length > 0);
}

interface ManifestFile {
  path: string;
  bytes: number;
  sha256: string;
}

export type DownloadPart = 'release' | 'split';

/**
 * What a participant downloads: the release's public files (every split without ground truth),
 * or only the challenge's split, with a manifest of exactly those files. The public release holds
 * no ground truth; the filter (isPublicReleaseFile) still guards against a release in the earlier
 * one-folder layout that start-up has not separated yet.
 */
export function participantFiles(manifest: { files: ManifestFile[] }, part: DownloadPart, split: string): ManifestFile[] {
  return manifest.files.filter((f) => isPublicReleaseFile(f.path) && (part === 'release' || isSplitFile(f.path, split)));
}

/** The files as one .tar stream from disk, then their manifest; fixed mtime, so the bytes are stable. */
export async function streamParticipantTar(releaseDir: string, prefix: string, files: readonly ManifestFile[], mtime: Date, out: Writable): Promise<void> {
  const pack = tar.pack();
  const sent = pipeline(pack, out);
  for (const f of files) {
    const entry = pack.entry({ name: `${prefix}/${f.path}`, size: f.bytes, mtime, mode: 0o644, type: 'file' });
    await pipeline(createReadStream(path.join(releaseDir, f.path)), entry);
  }
  const manifest = Buffer.from(JSON.stringify({ files }, null, 1) + '\n');
  pack.entry({ name: `${prefix}/manifest.json`, size: manifest.length, mtime, mode: 0o644, type: 'file' }, manifest);
  pack.finalize();
  await sent;
}
