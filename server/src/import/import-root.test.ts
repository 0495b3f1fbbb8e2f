import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ImportError } from './errors.ts';
import { checkLinksStayInside, listImportFolders, resolveImportFolder } from './import-root.ts';
import { findImportRoot } from './layout.ts';

let base: string;
let root: string;
let outside: string;

const davis = (dir: string) => {
  mkdirSync(path.join(dir, 'JPEGImages', 'v'), { recursive: true });
  mkdirSync(path.join(dir, 'Annotations', 'v'), { recursive: true });
};

beforeAll(() => {
  base = mkdtempSync(path.join(os.tmpdir(), 'import-root-'));
  root = path.join(base, 'root');
  outside = path.join(base, 'secret');
  mkdirSync(outside);
  writeFileSync(path.join(outside, 'passwd'), 'not for admins');
  davis(path.join(root, 'davis-set'));
  mkdirSync(path.join(root, 'mevis', 'train', 'JPEGImages'), { recursive: true });
  writeFileSync(path.join(root, 'mevis', 'train', 'meta_expressions.json'), '{}');
  mkdirSync(path.join(root, '.hidden'));
  writeFileSync(path.join(root, 'file.txt'), 'x');
  symlinkSync(outside, path.join(root, 'escape'));
  symlinkSync('/', path.join(root, 'slash'));
  symlinkSync(path.join(root, 'davis-set'), path.join(root, 'alias'));
  // A folder that looks fine but holds a link out (as a frame folder).
  davis(path.join(root, 'sneaky'));
  symlinkSync(outside, path.join(root, 'sneaky', 'JPEGImages', 'w'));
  // A folder with a link that stays inside IMPORT_ROOT.
  davis(path.join(root, 'linked'));
  symlinkSync(path.join(root, 'davis-set', 'JPEGImages', 'v'), path.join(root, 'linked', 'JPEGImages', 'w'));
});
afterAll(() => rmSync(base, { recursive: true, force: true }));

const refused = async (p: Promise<unknown>) => {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err, 'was accepted').toBeInstanceOf(ImportError);
  return (err as Error).message;
};

describe('IMPORT_ROOT guard', () => {
  it('resolves folders under the root to their real paths', async () => {
    expect((await resolveImportFolder(root, 'davis-set')).rel).toBe('davis-set');
    expect((await resolveImportFolder(root, './mevis//train/')).rel).toBe('mevis/train');
    expect((await resolveImportFolder(root, '')).rel).toBe('');
    // A link that stays inside is its target.
    expect((await resolveImportFolder(root, 'alias')).real).toBe((await resolveImportFolder(root, 'davis-set')).real);
  });

  it('never leaves the root: "..", absolute paths, links out, files, missing folders', async () => {
    expect(await refused(resolveImportFolder(root, '../secret'))).toMatch(/"\.\." is not accepted/);
    expect(await refused(resolveImportFolder(root, 'davis-set/../../secret'))).toMatch(/"\.\." is not accepted/);
    expect(await refused(resolveImportFolder(root, '..\\secret'))).toMatch(/"\.\." is not accepted/);
    expect(await refused(resolveImportFolder(root, outside))).toMatch(/not an absolute path/);
    expect(await refused(resolveImportFolder(root, '/etc'))).toMatch(/not an absolute path/);
    expect(await refused(resolveImportFolder(root, 'escape'))).toBe('escape: is a link to outside IMPORT_ROOT');
    expect(await refused(resolveImportFolder(root, 'slash/etc'))).toBe('slash/etc: is a link to outside IMPORT_ROOT');
    expect(await refused(resolveImportFolder(root, 'file.txt'))).toBe('file.txt: is not a folder');
    expect(await refused(resolveImportFolder(root, 'nothing-here'))).toBe('nothing-here: no such folder under IMPORT_ROOT');
    expect(await refused(resolveImportFolder(root, 'a\0b'))).toMatch(/NUL/);
    expect(await refused(resolveImportFolder(path.join(base, 'no-root'), ''))).toMatch(/IMPORT_ROOT does not exist/);
  });

  it('lists folders by name with their layout, leaving out hidden ones, files and links out', async () => {
    const top = await listImportFolders(root, '');
    expect(top.folders).toEqual([
      { name: 'alias', layout: 'davis' },
      { name: 'davis-set', layout: 'davis' },
      { name: 'linked', layout: 'davis' },
      { name: 'mevis', layout: null },
      { name: 'sneaky', layout: 'davis' },
    ]);
    expect((await listImportFolders(root, 'mevis')).folders).toEqual([{ name: 'train', layout: 'mevis' }]);
    expect(await refused(listImportFolders(root, '../'))).toMatch(/"\.\."/);
    expect(await refused(listImportFolders(root, 'escape'))).toMatch(/outside IMPORT_ROOT/);
  });

  it('refuses a chosen folder holding a link that leads outside, and accepts links that stay inside', async () => {
    const realRoot = (await resolveImportFolder(root, '')).real;
    const sneaky = await resolveImportFolder(root, 'sneaky');
    expect(await refused(checkLinksStayInside(realRoot, sneaky.real))).toBe('sneaky/JPEGImages/w: is a link to outside IMPORT_ROOT');
    expect(await checkLinksStayInside(realRoot, (await resolveImportFolder(root, 'linked')).real)).toBeGreaterThan(0);
  });
});

describe('layout detection', () => {
  it('finds the dataset at the top or inside one top folder, in the format asked for', async () => {
    expect(await findImportRoot(path.join(root, 'davis-set'), 'auto')).toEqual({ dir: path.join(root, 'davis-set'), format: 'davis' });
    expect(await findImportRoot(path.join(root, 'mevis'), 'auto')).toEqual({ dir: path.join(root, 'mevis', 'train'), format: 'mevis' });
    expect(await refused(findImportRoot(path.join(root, 'davis-set'), 'mevis'))).toMatch(/^nothing to import: expected a MeViS split/);
    expect(await refused(findImportRoot(root, 'auto'))).toMatch(/DAVIS .* or a MeViS split/);
  });
});
