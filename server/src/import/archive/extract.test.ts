import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { zipBytes, type ZipMember } from '../../testing/zip-builder.ts';
import { ArchiveError, extractArchive, type ExtractLimits } from './extract.ts';

const LIMITS: ExtractLimits = { maxEntries: 100, maxBytes: 1024 * 1024 };

let root: string;
let dest: string;
beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'archive-test-'));
  dest = path.join(root, 'out');
  mkdirSync(dest);
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

const text = (s: string) => Buffer.from(s);

function writeArchive(name: string, bytes: Buffer): string {
  mkdirSync(path.join(root, 'archives'), { recursive: true });
  const file = path.join(root, 'archives', name);
  writeFileSync(file, bytes);
  return file;
}

interface TarMember {
  name: string;
  data?: Buffer;
  type?: 'file' | 'directory' | 'symlink' | 'link' | 'fifo';
  linkname?: string;
  size?: number;
}

async function tarBytes(members: TarMember[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  const done = new Promise<void>((resolve, reject) => {
    pack.on('data', (c: Buffer) => chunks.push(c));
    pack.on('end', resolve);
    pack.on('error', reject);
  });
  for (const m of members) {
    const type = m.type ?? 'file';
    if (type === 'file') pack.entry({ name: m.name, type, size: m.data!.length }, m.data!);
    else pack.entry({ name: m.name, type, linkname: m.linkname, size: 0 });
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

/** Every file under a folder, relative, sorted: what an extraction wrote. */
function tree(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string) => {
    for (const e of readdirSync(path.join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) walk(r);
      else out.push(r);
    }
  };
  walk('');
  return out.sort();
}

/** The refusal's message; each attempt unpacks into a fresh folder under `dest`. */
const refusal = async (file: string, limits = LIMITS) => {
  const err = await extractArchive(file, mkdtempSync(path.join(dest, 'try-')), limits).then(
    () => null,
    (e: unknown) => e,
  );
  expect(err, 'the archive was accepted').toBeInstanceOf(ArchiveError);
  return (err as ArchiveError).message;
};

/** Nothing may appear beside the extraction folder, whatever the archive tried. */
const nothingOutside = () => expect(readdirSync(root).sort()).toEqual(['archives', 'out']);

describe('archive extraction', () => {
  it('unpacks a zip, a tar and a tar.gz byte for byte, folders included, macOS metadata left out', async () => {
    const members: ZipMember[] = [
      { name: 'set/JPEGImages/v/00000.jpg', data: text('frame zero') },
      { name: 'set/Annotations/v/00000.png', data: Buffer.alloc(5000, 7) },
      { name: '__MACOSX/set/._x', data: text('resource fork') },
      { name: 'set/JPEGImages/v/._00000.jpg', data: text('AppleDouble') },
      { name: 'set/empty.txt', data: Buffer.alloc(0) },
    ];
    const want = ['set/Annotations/v/00000.png', 'set/JPEGImages/v/00000.jpg', 'set/empty.txt'];
    const zip = await extractArchive(writeArchive('a.zip', zipBytes(members)), dest, LIMITS);
    expect(zip).toMatchObject({ kind: 'zip', files: 3, bytes: 5010, skipped: 2 });
    expect(tree(dest)).toEqual(want);
    expect(readFileSync(path.join(dest, 'set/Annotations/v/00000.png'))).toEqual(Buffer.alloc(5000, 7));

    // Zip64 records (a MeViS split has more members than a plain zip can count).
    const zip64 = await extractArchive(writeArchive('a64.zip', zipBytes(members, true)), mkdtempSync(path.join(dest, 'z64-')), LIMITS);
    expect(zip64).toMatchObject({ kind: 'zip', files: 3, bytes: 5010 });

    const tarred = await tarBytes([{ name: 'set/', type: 'directory' }, ...members.map((m) => ({ name: m.name, data: Buffer.from(m.data) }))]);
    for (const [name, bytes, kind] of [
      ['a.tar', tarred, 'tar'],
      ['a.tgz', gzipSync(tarred), 'tar.gz'],
    ] as const) {
      rmSync(dest, { recursive: true });
      mkdirSync(dest);
      const res = await extractArchive(writeArchive(name, bytes), dest, LIMITS);
      expect(res).toMatchObject({ kind, files: 3, bytes: 5010, skipped: 2 });
      expect(tree(dest)).toEqual(want);
      expect(readFileSync(path.join(dest, 'set/JPEGImages/v/00000.jpg'), 'utf8')).toBe('frame zero');
    }
  });

  it('refuses path traversal, absolute paths and backslash traversal in zips and tars, writing nothing outside', async () => {
    for (const name of ['../evil.txt', 'set/../../evil.txt', '/tmp/evil.txt', '..\\evil.txt', 'C:/evil.txt', 'ok/..']) {
      expect(await refusal(writeArchive(`t${Math.random()}.zip`, zipBytes([{ name, data: text('x') }])))).toMatch(/"\.\."|absolute path/);
      expect(await refusal(writeArchive(`t${Math.random()}.tar`, await tarBytes([{ name, data: text('x') }])))).toMatch(/"\.\."|absolute path/);
    }
    expect(existsSync(path.join(root, 'evil.txt'))).toBe(false);
    expect(existsSync('/tmp/evil.txt')).toBe(false);
    nothingOutside();
  });

  it('refuses symbolic links (zip and tar), hard links and special files, naming the entry', async () => {
    const zipLink = zipBytes([{ name: 'set/link', data: text('/etc'), unixMode: 0o120777 }, { name: 'set/link/passwd', data: text('x') }]);
    expect(await refusal(writeArchive('l.zip', zipLink))).toBe('set/link: is a symbolic link (links are not accepted in an import archive)');
    expect(await refusal(writeArchive('s.tar', await tarBytes([{ name: 'set/link', type: 'symlink', linkname: '/etc' }])))).toMatch(/^set\/link: is a symbolic link/);
    expect(await refusal(writeArchive('h.tar', await tarBytes([{ name: 'set/a', data: text('x') }, { name: 'set/b', type: 'link', linkname: '/etc/passwd' }])))).toMatch(/^set\/b: is a hard link/);
    expect(await refusal(writeArchive('f.tar', await tarBytes([{ name: 'set/pipe', type: 'fifo' }])))).toMatch(/^set\/pipe: is a special file/);
    expect(tree(dest).filter((f) => !f.endsWith('set/a'))).toEqual([]);
  });

  it('counts real inflated bytes: a member that lies about its size is cut off at its declaration, and the total at the limit', async () => {
    // 8 MiB of zeros deflate to about 8 KiB; the header says 100 bytes.
    const liar = zipBytes([{ name: 'bomb.bin', data: Buffer.alloc(8 * 1024 * 1024), declaredSize: 100 }]);
    expect(await refusal(writeArchive('liar.zip', liar), { maxEntries: 10, maxBytes: 64 * 1024 * 1024 })).toMatch(/^bomb\.bin: unpacks to more than the 100 bytes its header declares/);
    // Honest headers over the limit: refused before a byte is written.
    rmSync(dest, { recursive: true });
    mkdirSync(dest);
    const honest = zipBytes([{ name: 'big.bin', data: Buffer.alloc(2 * 1024 * 1024) }]);
    expect(await refusal(writeArchive('honest.zip', honest))).toMatch(/unpacks to more than 1 MiB, the limit/);
    expect(tree(dest)).toEqual([]);
    // Small declared sizes, each a lie within itself but together past the limit: counted as written.
    const many = zipBytes(Array.from({ length: 4 }, (_, i) => ({ name: `part${i}.bin`, data: Buffer.alloc(400 * 1024), declaredSize: 400 * 1024 })));
    expect(await refusal(writeArchive('many.zip', many))).toMatch(/unpacks to more than 1 MiB, the limit/);
    // A gzip of a tar of zeros: the inflated stream is capped too.
    rmSync(dest, { recursive: true });
    mkdirSync(dest);
    const tgz = gzipSync(await tarBytes([{ name: 'zeros.bin', data: Buffer.alloc(4 * 1024 * 1024) }]));
    expect(tgz.length).toBeLessThan(64 * 1024);
    expect(await refusal(writeArchive('bomb.tgz', tgz))).toMatch(/unpacks to more than/);
  });

  it('refuses more entries than the limit (zip by its directory, tar as it goes)', async () => {
    const members = Array.from({ length: 11 }, (_, i) => ({ name: `f${i}.txt`, data: text('x') }));
    const limits = { maxEntries: 10, maxBytes: LIMITS.maxBytes };
    expect(await refusal(writeArchive('n.zip', zipBytes(members)), limits)).toMatch(/holds 11 entries, more than the limit of 10/);
    expect(tree(dest)).toEqual([]);
    expect(await refusal(writeArchive('n.tar', await tarBytes(members.map((m) => ({ name: m.name, data: Buffer.from(m.data) })))), limits)).toMatch(/more than 10 entries/);
  });

  it('refuses damaged and foreign uploads with a clear reason', async () => {
    const zip = zipBytes([{ name: 'a.bin', data: Buffer.alloc(50_000, 3) }, { name: 'b.txt', data: text('hello') }]);
    expect(await refusal(writeArchive('cut.zip', zip.subarray(0, zip.length - 30)))).toMatch(/damaged zip|damaged/);
    const flipped = Buffer.from(zip);
    flipped[40] = flipped[40]! ^ 0xff;
    expect(await refusal(writeArchive('flip.zip', flipped))).toMatch(/^a\.bin: damaged/);
    const tarred = await tarBytes([{ name: 'a.bin', data: Buffer.alloc(50_000, 3) }]);
    expect(await refusal(writeArchive('cut.tar', tarred.subarray(0, 20_000)))).toMatch(/damaged/);
    expect(await refusal(writeArchive('cut.tgz', gzipSync(tarred).subarray(0, 100)))).toMatch(/damaged/);
    expect(await refusal(writeArchive('x.rar', text('Rar!\u001a\u0007\u0000 not ours')))).toBe('not a .zip, .tar or .tar.gz archive');
    expect(await refusal(writeArchive('empty.zip', Buffer.alloc(0)))).toBe('the upload is empty');
    expect(await refusal(writeArchive('twice.zip', zipBytes([{ name: 'a.txt', data: text('1') }, { name: 'a.txt', data: text('2') }])))).toBe('a.txt: appears twice in the archive');
  });
});
