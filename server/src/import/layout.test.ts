import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findImportRoot, layoutOf, layoutsOf } from './layout.ts';

describe('layout detection', () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(path.join(os.tmpdir(), 'layout-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));
  const dir = (...p: string[]) => {
    const d = path.join(root, ...p);
    mkdirSync(d, { recursive: true });
    return d;
  };
  const file = (...p: string[]) => {
    mkdirSync(path.join(root, ...p.slice(0, -1)), { recursive: true });
    writeFileSync(path.join(root, ...p), 'x');
  };

  it('finds video files by name at the top level, beside DAVIS and MeViS layouts', async () => {
    file('videos', 'cars.mp4');
    dir('videos', 'cars');
    file('webm', 'dogs.WebM');
    file('webm', 'dogs.mask_dict.json');
    file('mov', 'a.mov');
    dir('davis', 'JPEGImages');
    dir('davis', 'Annotations');
    file('mevis', 'meta_expressions.json');
    file('nothing', 'cars.avi');
    file('nothing', '.hidden.mp4');
    dir('nothing', 'deeper.mp4');
    expect(await layoutOf(path.join(root, 'videos'))).toBe('video');
    expect(await layoutOf(path.join(root, 'webm'))).toBe('video');
    expect(await layoutOf(path.join(root, 'mov'))).toBe('video');
    expect(await layoutOf(path.join(root, 'davis'))).toBe('davis');
    expect(await layoutOf(path.join(root, 'mevis'))).toBe('mevis');
    // Another container, a hidden file, a folder with a video's name: not video files.
    expect(await layoutOf(path.join(root, 'nothing'))).toBeNull();
    expect(await layoutOf(path.join(root, 'missing'))).toBeNull();
  });

  it('auto prefers MeViS, then DAVIS, then video files; a chosen format picks its own layout', async () => {
    dir('mixed', 'JPEGImages');
    dir('mixed', 'Annotations');
    file('mixed', 'trailer.mp4');
    expect(await layoutsOf(path.join(root, 'mixed'))).toEqual(['davis', 'video']);
    expect(await findImportRoot(path.join(root, 'mixed'), 'auto')).toEqual({ dir: path.join(root, 'mixed'), format: 'davis' });
    expect(await findImportRoot(path.join(root, 'mixed'), 'video')).toEqual({ dir: path.join(root, 'mixed'), format: 'video' });
    await expect(findImportRoot(path.join(root, 'mixed'), 'mevis')).rejects.toThrow(/^nothing to import: expected a MeViS split/);
  });

  it('finds video files inside the single top folder an archive wraps them in, and says what it expected otherwise', async () => {
    file('zip', 'shots', 'cars.mov');
    dir('zip', 'shots', 'cars');
    expect(await findImportRoot(path.join(root, 'zip'), 'auto')).toEqual({ dir: path.join(root, 'zip', 'shots'), format: 'video' });
    file('empty', 'readme.txt');
    await expect(findImportRoot(path.join(root, 'empty'), 'video')).rejects.toThrow(
      'nothing to import: expected video files (<name>.mp4, .webm or .mov, each with a <name>/ folder of mask PNGs or a <name>.mask_dict.json) at the top or inside a single top folder',
    );
  });
});
