import { open } from 'node:fs/promises';
import { ArchiveError } from './entry-path.ts';
import { EntryWriter, type ExtractLimits, type ExtractProgress } from './entry-writer.ts';
import { extractTar } from './tar.ts';
import { extractZip } from './zip.ts';

export { ArchiveError } from './entry-path.ts';
export type { ExtractLimits, ExtractProgress } from './entry-writer.ts';

export type ArchiveKind = 'zip' | 'tar' | 'tar.gz';

/** The archive's kind by its first bytes (never by its name, which the uploader chose). */
export async function archiveKind(file: string): Promise<ArchiveKind> {
  const fh = await open(file, 'r');
  try {
    const head = Buffer.alloc(512);
    const { bytesRead } = await fh.read(head, 0, 512, 0);
    if (bytesRead >= 4 && head.readUInt32LE(0) === 0x04034b50) return 'zip';
    // An empty zip is its end record alone.
    if (bytesRead >= 4 && head.readUInt32LE(0) === 0x06054b50) return 'zip';
    if (bytesRead >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'tar.gz';
    if (bytesRead >= 262 && head.toString('latin1', 257, 262) === 'ustar') return 'tar';
    throw new ArchiveError('', bytesRead === 0 ? 'the upload is empty' : 'not a .zip, .tar or .tar.gz archive');
  } finally {
    await fh.close();
  }
}

export interface ExtractResult {
  kind: ArchiveKind;
  files: number;
  bytes: number;
  /** macOS metadata entries left out (__MACOSX/, ._*, .DS_Store). */
  skipped: number;
}

/**
 * Unpacks an uploaded archive into `dest`, a fresh empty folder the caller owns and removes
 * (whatever happens): streaming, bounded by `limits` in entries and in bytes really written,
 * with every entry's path checked (entry-path.ts) and links refused. An ArchiveError names the
 * entry; the folder may then hold part of the archive.
 */
export async function extractArchive(file: string, dest: string, limits: ExtractLimits, onProgress: (p: ExtractProgress) => void = () => {}, signal?: AbortSignal): Promise<ExtractResult> {
  const kind = await archiveKind(file);
  const writer = new EntryWriter(dest, limits, signal);
  if (kind === 'zip') await extractZip(file, writer, onProgress);
  else await extractTar(file, kind === 'tar.gz', writer, limits, onProgress);
  if (writer.files === 0) throw new ArchiveError('', 'the archive holds no files');
  return { kind, files: writer.files, bytes: writer.bytes, skipped: writer.skipped };
}
