import { ImportError } from '../errors.ts';

/** An archive refused before or while unpacking; names the entry (or '' for the archive itself). */
export class ArchiveError extends ImportError {
  constructor(file: string, reason: string) {
    super(file, reason);
    this.name = 'ArchiveError';
  }
}

const MAX_NAME = 1024;
const MAX_SEGMENT = 255;

/**
 * Where an archive entry goes, as a relative path of plain names, or null for entries that are
 * skipped (macOS metadata: `__MACOSX/`, `._name` AppleDouble files, `.DS_Store`; the importer
 * would read `._00000.jpg` as a frame). Refused, naming the entry: absolute paths (`/x`, `C:x`,
 * `\\server\x`), any `..` segment (even one that would stay inside: a traversal is never an
 * honest name), NUL and other control characters, over-long names. Backslashes count as
 * separators, as Windows tools write them.
 */
export function entryPath(raw: string): string | null {
  const shown = raw.slice(0, 200);
  if (raw.length === 0) throw new ArchiveError(shown, 'an entry has an empty name');
  if (raw.length > MAX_NAME) throw new ArchiveError(shown, `name longer than ${MAX_NAME} characters`);
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(raw)) throw new ArchiveError(JSON.stringify(shown), 'name holds a control character');
  const name = raw.replaceAll('\\', '/');
  if (name.startsWith('/') || /^[A-Za-z]:/.test(name)) throw new ArchiveError(shown, 'absolute path in the archive (entries must be relative)');
  const segments = name.split('/').filter((s) => s !== '' && s !== '.');
  if (segments.includes('..')) throw new ArchiveError(shown, 'path with ".." in the archive (it would write outside the import folder)');
  if (segments.some((s) => s.length > MAX_SEGMENT)) throw new ArchiveError(shown, `a name in the path is longer than ${MAX_SEGMENT} characters`);
  if (segments.length === 0) return null;
  if (segments[0] === '__MACOSX' || segments.some((s) => s === '.DS_Store' || s.startsWith('._'))) return null;
  return segments.join('/');
}
