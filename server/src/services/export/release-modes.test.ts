import { spawnSync } from 'node:child_process';
import { appendFileSync, chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FileStore, STORE_FILE_MODE } from '../../store/file-store.ts';
import { makeUser, testApp, type TestApp } from '../../testing/app.ts';
import { addExpression, importVideo } from '../../testing/factories.ts';
import { RELEASE_FILE_MODE, ReleaseOutput } from './output.ts';
import { createRelease } from './plan.ts';
import { writeRelease } from './write.ts';

const NOBODY = 65534;
const mode = (p: string) => statSync(p).mode & 0o777;
const isRoot = process.getuid?.() === 0;

function* filesUnder(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* filesUnder(p);
    else yield p;
  }
}

/**
 * Appends a byte to `file` as its owner would, and says what happened ('written' or the error
 * code). Root ignores file modes, so as root the file is given to `nobody` and a child process
 * running as `nobody` tries (the folders on the way must let others through).
 */
function writeAsOwner(file: string): string {
  if (!isRoot) {
    try {
      appendFileSync(file, 'x');
      return 'written';
    } catch (e) {
      return (e as NodeJS.ErrnoException).code ?? String(e);
    }
  }
  chownSync(file, NOBODY, NOBODY);
  const code = `try { require('node:fs').appendFileSync(${JSON.stringify(file)}, 'x'); console.log('written'); } catch (e) { console.log(e.code); }`;
  const run = spawnSync(process.execPath, ['-e', code], { uid: NOBODY, gid: NOBODY, encoding: 'utf8' });
  return run.stdout.trim() || run.stderr.trim();
}

describe('release files: readable by whoever can read the release; editing one never changes the store', () => {
  let root: string;
  let store: FileStore;
  let frame: { sha256: string; bytes: number };
  let oldClip: { sha256: string; bytes: number };

  beforeAll(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'release-modes-'));
    // Others may pass through to the release (not into the store): what a published folder allows.
    chmodSync(root, 0o755);
    store = new FileStore(path.join(root, 'store'));
    const a = Buffer.from('a frame, as the store keeps it');
    frame = { sha256: store.putSync(a).sha256, bytes: a.length };
    const b = Buffer.from('a clip stored before store files were read-only');
    oldClip = { sha256: store.putSync(b).sha256, bytes: b.length };
    chmodSync(store.pathOf(oldClip.sha256), 0o640);
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const intact = (s: { sha256: string }) => FileStore.hash(store.read(s.sha256)) === s.sha256;

  it('keeps the store closed to others while its files are read-only for everyone', () => {
    expect(mode(store.root) & 0o007).toBe(0);
    expect(mode(store.pathOf(frame.sha256))).toBe(STORE_FILE_MODE);
    // Opening an existing store again does not widen it.
    chmodSync(store.root, 0o755);
    new FileStore(store.root);
    expect(mode(store.root)).toBe(0o750);
  });

  it('on the store\'s filesystem: a reflink, or a read-only hard link that refuses writes', () => {
    const out = new ReleaseOutput(path.join(root, 'same-fs'));
    out.copy('train/JPEGImages/v/00000.jpg', store.pathOf(frame.sha256), frame.sha256, frame.bytes);
    out.copy('audio/train/v/0.wav', store.pathOf(oldClip.sha256), oldClip.sha256, oldClip.bytes);
    out.text('stats.json', '{}\n');
    const jpg = path.join(out.root, 'train/JPEGImages/v/00000.jpg');
    const wav = path.join(out.root, 'audio/train/v/0.wav');
    expect(mode(path.join(out.root, 'stats.json'))).toBe(RELEASE_FILE_MODE);
    if (out.method === 'clone') {
      // Copy-on-write (btrfs, XFS): an inode of its own with the release's mode.
      expect([mode(jpg), mode(wav), statSync(jpg).nlink]).toEqual([RELEASE_FILE_MODE, RELEASE_FILE_MODE, 1]);
      expect(writeAsOwner(jpg)).toBe('written');
    } else {
      // ext4 and the like: the store's inode, read-only; the clip stored 0640 became readable too.
      expect(out.method).toBe('link');
      expect([mode(jpg), mode(wav), statSync(jpg).nlink]).toEqual([STORE_FILE_MODE, STORE_FILE_MODE, 2]);
      expect(statSync(jpg).ino).toBe(statSync(store.pathOf(frame.sha256)).ino);
      expect(writeAsOwner(jpg)).toBe('EACCES');
    }
    expect(intact(frame)).toBe(true);
    expect(intact(oldClip)).toBe(true);
  });

  const shm = '/dev/shm';
  const otherFs = existsSync(shm) && statSync(shm).dev !== statSync(os.tmpdir()).dev;
  it.skipIf(!otherFs)('on another filesystem: a copy of its own, 0644, that may be edited without touching the store' + (otherFs ? '' : ' (skipped: no /dev/shm on another filesystem here)'), () => {
    const dir = mkdtempSync(path.join(shm, 'release-modes-'));
    try {
      chmodSync(dir, 0o755);
      const out = new ReleaseOutput(path.join(dir, 'release'));
      out.copy('train/JPEGImages/v/00000.jpg', store.pathOf(frame.sha256), frame.sha256, frame.bytes);
      expect(out.method).toBe('copy');
      const jpg = path.join(out.root, 'train/JPEGImages/v/00000.jpg');
      expect([mode(jpg), statSync(jpg).nlink]).toEqual([RELEASE_FILE_MODE, 1]);
      expect(writeAsOwner(jpg)).toBe('written');
      expect(intact(frame)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('a written release: every file readable by everyone, the stored frames unchanged by edits', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await testApp();
    chmodSync(app.dir, 0o755);
    const author = await makeUser(app, 'ann', ['annotator']);
    const bear = await importVideo(app, 'bear', 'accepted', 2);
    await addExpression(app, { videoId: bear, authorId: author.id, status: 'accepted', targets: [1], text: 'the bear walking away' });
  });
  afterAll(async () => app.cleanup());

  it('writes 0644 files (0444 where they are read-only links to the store) in both packages', async () => {
    const release = await createRelease(app.db, { proportions: { train: 0, valid_u: 0, valid: 1, test: 0 } }, null);
    const res = await writeRelease(app.db, app.store, release, path.join(app.dir, 'out', 'v1'));
    const all = [...filesUnder(res.dir), ...filesUnder(res.groundTruth!.dir)];
    const modes = new Set(all.map(mode));
    expect([...modes].every((m) => m === RELEASE_FILE_MODE || m === STORE_FILE_MODE)).toBe(true);
    const frames = all.filter((f) => f.endsWith('.jpg'));
    expect(frames.length).toBeGreaterThan(0);
    for (const f of all.filter((f) => !f.endsWith('.jpg'))) expect(mode(f), f).toBe(RELEASE_FILE_MODE);
    // Whatever way the frame came in, an edit through the release leaves the stored frame as it was.
    const manifest = JSON.parse(readFileSync(path.join(res.dir, 'manifest.json'), 'utf8')) as { files: { path: string; sha256: string }[] };
    const entry = manifest.files.find((f) => f.path.endsWith('.jpg'))!;
    writeAsOwner(path.join(res.dir, entry.path));
    expect(FileStore.hash(app.store.read(entry.sha256))).toBe(entry.sha256);
  });
});
