import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeMask, type Rle } from '#shared/rle/index.ts';
import { checkReleaseLikeLoader, loadMaskLikeLoader } from './release-check.ts';

const SCRIPT = path.resolve(import.meta.dirname, '../../../scripts/check-release.py');
const hasPython = spawnSync('python3', ['--version']).status === 0;

/** Row-major mask with ones in [x0, x1) × [y0, y1). */
function rect(w: number, h: number, x0: number, y0: number, x1: number, y1: number): Uint8Array {
  const m = new Uint8Array(w * h);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) m[y * w + x] = 1;
  return m;
}

interface SourceVideo {
  split: 'train' | 'valid';
  w: number;
  h: number;
  /** anno id → obj id and its row-major mask per frame (null = absent). */
  objects: Record<string, { obj: number; masks: (Uint8Array | null)[] }>;
  /** expressions as [text, anno ids]. */
  exps: [string, string[]][];
}

// vid-a's second object is absent on frame 0; valid's ground truth is in the ground-truth package
// (a folder of its own, here `<release>.ground-truth`).
const SOURCE: Record<string, SourceVideo> = {
  'vid-a': {
    split: 'train', w: 8, h: 6,
    objects: {
      '0': { obj: 1, masks: [rect(8, 6, 0, 0, 3, 2), rect(8, 6, 1, 0, 4, 2), rect(8, 6, 2, 1, 5, 3)] },
      '1': { obj: 2, masks: [null, rect(8, 6, 5, 3, 8, 6), rect(8, 6, 4, 3, 7, 6)] },
    },
    exps: [['the square moving right', ['0']], ['two squares moving apart', ['0', '1']], ['the flying bird', []]],
  },
  'vid-b': {
    split: 'train', w: 10, h: 4,
    objects: { '2': { obj: 0, masks: [rect(10, 4, 0, 0, 10, 1), rect(10, 4, 0, 1, 10, 2)] } },
    exps: [['the bar moving down', ['2']]],
  },
  'vid-c': {
    split: 'valid', w: 6, h: 6,
    objects: { '3': { obj: 1, masks: [rect(6, 6, 2, 2, 4, 4), rect(6, 6, 3, 3, 6, 6)] } },
    exps: [['the dot moving to the corner', ['3']], ['the red car', []]],
  },
};

function jpeg(width: number, height: number): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: '#808080' } }).jpeg().toBuffer();
}

function writeJson(file: string, value: unknown): void {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(value));
}

function writeMeta(dir: string, meta: unknown): void {
  writeJson(path.join(dir, 'meta_expressions.json'), meta);
  writeJson(path.join(dir, 'meta_expressions_v2.json'), meta);
}

/** The ground-truth package of a release built here: beside it, as the CLI writes it by default. */
const gtOf = (root: string) => `${root}.ground-truth`;

async function buildRelease(root: string): Promise<void> {
  type Meta = { videos: Record<string, { frames: string[]; expressions: Record<string, object> }> };
  const meta: Record<string, Meta> = { train: { videos: {} }, valid: { videos: {} } };
  const publicValid: Meta = { videos: {} };
  const masks: Record<string, Record<string, (Rle | null)[]>> = { train: {}, valid: {} };
  for (const [name, v] of Object.entries(SOURCE)) {
    const frameCount = Object.values(v.objects)[0].masks.length;
    const frames = Array.from({ length: frameCount }, (_, i) => String(i).padStart(5, '0'));
    const image = await jpeg(v.w, v.h);
    for (const f of frames) {
      mkdirSync(path.join(root, v.split, 'JPEGImages', name), { recursive: true });
      writeFileSync(path.join(root, v.split, 'JPEGImages', name, `${f}.jpg`), image);
    }
    for (const [anno, o] of Object.entries(v.objects)) masks[v.split][anno] = o.masks.map((m) => (m ? encodeMask(m, v.h, v.w) : null));
    const expressions = Object.fromEntries(
      v.exps.map(([exp, annos], i) => [String(i), { exp, obj_id: annos.map((a) => v.objects[a].obj), anno_id: annos }]),
    );
    meta[v.split].videos[name] = { frames, expressions };
    if (v.split === 'valid') {
      const stripped = Object.fromEntries(v.exps.map(([exp], i) => [String(i), { exp }]));
      publicValid.videos[name] = { frames, expressions: stripped };
    }
  }
  writeMeta(path.join(root, 'train'), meta.train);
  writeJson(path.join(root, 'train', 'mask_dict.json'), masks.train);
  writeMeta(path.join(root, 'valid'), publicValid);
  writeMeta(path.join(gtOf(root), 'valid'), meta.valid);
  writeJson(path.join(gtOf(root), 'valid', 'mask_dict.json'), masks.valid);
}

let tmp: string;
let base: string;
let copies = 0;

function copyRelease(): string {
  const dir = path.join(tmp, `copy-${copies++}`);
  cpSync(base, dir, { recursive: true });
  cpSync(gtOf(base), gtOf(dir), { recursive: true });
  return dir;
}

const check = (dir: string, opts: { splitsWithMasks?: string[] } = {}) => checkReleaseLikeLoader(dir, { ...opts, groundTruthDir: gtOf(dir) });

/** Edits a JSON file in place; a meta edit is mirrored to the v2 copy so only the intended check fires. */
// Free-form edits of parsed JSON, each reaching into a different shape: `any` is the honest type.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function editJson(file: string, edit: (json: any) => void): void {
  const json = JSON.parse(readFileSync(file, 'utf8'));
  edit(json);
  writeFileSync(file, JSON.stringify(json));
  if (path.basename(file) === 'meta_expressions.json') writeFileSync(file.replace(/\.json$/, '_v2.json'), JSON.stringify(json));
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'release-check-'));
  base = path.join(tmp, 'release');
  await buildRelease(base);
});

afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('checkReleaseLikeLoader', () => {
  it('accepts a hand-built valid release and counts it', () => {
    const { splits, problems } = check(base);
    expect(problems).toEqual([]);
    expect(splits).toEqual({
      train: { videos: 2, expressions: 4, noTarget: 1, masksDecoded: 7 },
      valid: { videos: 1, expressions: 2, noTarget: 1, masksDecoded: 2 },
    });
  });

  it('checks the public package alone: the withheld split by what it publishes', () => {
    const { splits, problems } = checkReleaseLikeLoader(base);
    expect(problems).toEqual([]);
    expect(splits.valid).toEqual({ videos: 1, expressions: 2, noTarget: 0, masksDecoded: 0 });
  });

  const train = (dir: string, file: string) => path.join(dir, 'train', file);
  const cases: { name: string; mutate: (dir: string) => void | Promise<void>; expected: RegExp }[] = [
    {
      name: 'missing anno_id key',
      mutate: (d) => editJson(train(d, 'mask_dict.json'), (m) => delete m['1']),
      expected: /vid-a exp 1: anno_id "1" is not a key of mask_dict\.json/,
    },
    {
      name: 'wrong frame count in a track',
      mutate: (d) => editJson(train(d, 'mask_dict.json'), (m) => m['0'].pop()),
      expected: /mask_dict\["0"\] has 2 entries but vid-a has 3 frames/,
    },
    {
      name: 'RLE size differs from the JPEG',
      mutate: (d) => editJson(train(d, 'mask_dict.json'), (m) => (m['2'][0] = encodeMask(new Uint8Array(12), 3, 4))),
      expected: /mask_dict\["2"\]\[0\] has size \[3, 4\] but its JPEG is 10×4/,
    },
    {
      name: 'undecodable RLE counts',
      mutate: (d) => editJson(train(d, 'mask_dict.json'), (m) => (m['0'][1].counts = '0')),
      expected: /mask_dict\["0"\]\[1\] does not decode/,
    },
    {
      name: 'unsorted obj_id',
      mutate: (d) => editJson(train(d, 'meta_expressions.json'), (j) => Object.assign(j.videos['vid-a'].expressions['1'], { obj_id: [2, 1], anno_id: ['1', '0'] })),
      expected: /vid-a exp 1: obj_id \[2,1\] is not sorted/,
    },
    {
      name: 'no-target expression with an anno_id',
      mutate: (d) => editJson(train(d, 'meta_expressions.json'), (j) => (j.videos['vid-a'].expressions['2'].anno_id = ['0'])),
      expected: /no-target expression .* has anno_id/,
    },
    {
      name: 'v2 copy differs',
      mutate: (d) => writeFileSync(train(d, 'meta_expressions_v2.json'), JSON.stringify(JSON.parse(readFileSync(train(d, 'meta_expressions.json'), 'utf8')), null, 2)),
      expected: /meta_expressions_v2\.json differs/,
    },
    {
      name: 'frame names not starting at 00000',
      mutate: (d) => {
        const dir = train(d, 'JPEGImages/vid-b');
        renameSync(path.join(dir, '00001.jpg'), path.join(dir, '00002.jpg'));
        renameSync(path.join(dir, '00000.jpg'), path.join(dir, '00001.jpg'));
        editJson(train(d, 'meta_expressions.json'), (j) => (j.videos['vid-b'].frames = ['00001', '00002']));
      },
      expected: /vid-b: frames start at "00001"/,
    },
    {
      name: 'JPEG size mismatch',
      mutate: async (d) => writeFileSync(train(d, 'JPEGImages/vid-b/00001.jpg'), await jpeg(12, 4)),
      expected: /mask_dict\["2"\]\[1\] has size \[4, 10\] but its JPEG is 12×4/,
    },
    {
      name: 'a frame that is not a JPEG',
      mutate: (d) => writeFileSync(train(d, 'JPEGImages/vid-a/00002.jpg'), 'GIF89a'),
      expected: /JPEGImages\/vid-a\/00002\.jpg does not start with the JPEG SOI bytes/,
    },
    {
      name: 'anno id in two splits',
      mutate: (d) => {
        const gt = path.join(gtOf(d), 'valid');
        editJson(path.join(gt, 'mask_dict.json'), (m) => ((m['0'] = m['3']), delete m['3']));
        editJson(path.join(gt, 'meta_expressions.json'), (j) => (j.videos['vid-c'].expressions['0'].anno_id = ['0']));
      },
      expected: /valid: mask_dict key "0" is also in train's mask_dict/,
    },
    {
      name: 'valid ships its ground truth publicly',
      mutate: (d) => cpSync(path.join(gtOf(d), 'valid/mask_dict.json'), path.join(d, 'valid/mask_dict.json')),
      expected: /mask_dict\.json must not be in the public valid folder/,
    },
    {
      name: 'the public release holds the ground-truth package (the earlier one-folder layout)',
      mutate: (d) => cpSync(gtOf(d), path.join(d, 'ground_truth'), { recursive: true }),
      expected: /^release: ground_truth\/ must not be in the public release/,
    },
    {
      name: 'tracking boxes of a withheld split in the public release',
      mutate: (d) => writeJson(path.join(d, 'tracking/valid/vid-c/0.txt'), ''),
      expected: /valid: tracking\/valid must not be in the public release/,
    },
    {
      name: 'ground truth text differs from the public copy',
      mutate: (d) => editJson(path.join(gtOf(d), 'valid/meta_expressions.json'), (j) => (j.videos['vid-c'].expressions['1'].exp = 'a blue car')),
      expected: /vid-c exp 1: missing or its text differs/,
    },
    {
      name: 'the ground truth v2 copy differs',
      mutate: (d) => writeFileSync(path.join(gtOf(d), 'valid/meta_expressions_v2.json'), '{}'),
      expected: /valid: ground truth valid\/meta_expressions_v2\.json differs/,
    },
    {
      name: 'meta_expressions.json that does not parse',
      mutate: (d) => ['meta_expressions.json', 'meta_expressions_v2.json'].forEach((f) => writeFileSync(train(d, f), '{"videos": ')),
      expected: /train: meta_expressions\.json does not parse/,
    },
  ];

  it.each(cases)('reports: $name', async ({ mutate, expected }) => {
    const dir = copyRelease();
    await mutate(dir);
    const { problems } = check(dir);
    // Exactly one problem: each mutation must trip its own check and nothing else.
    expect(problems).toEqual([expect.stringMatching(expected)]);
  });

  it('honours splitsWithMasks', () => {
    const { problems } = check(base, { splitsWithMasks: ['valid_u'] });
    expect(problems.some((p) => /train: mask_dict\.json must not be in the public train folder/.test(p))).toBe(true);
  });
});

describe('loadMaskLikeLoader', () => {
  it('returns the union of the anno_id masks per frame, row-major like the source', () => {
    const a = SOURCE['vid-a'].objects;
    expect(loadMaskLikeLoader(base, 'train', 'vid-a', '1', 0)).toEqual(a['0'].masks[0]);
    const union = a['0'].masks[1]!.map((v, i) => v | a['1'].masks[1]![i]);
    expect(loadMaskLikeLoader(base, 'train', 'vid-a', '1', 1)).toEqual(union);
    expect(loadMaskLikeLoader(base, 'valid', 'vid-c', '0', 1, gtOf(base))).toEqual(SOURCE['vid-c'].objects['3'].masks[1]);
    expect(() => loadMaskLikeLoader(base, 'valid', 'vid-c', '0', 1)).toThrow(/pass its ground-truth package/);
  });

  it('gives all zeros for no-target and null for what does not exist', () => {
    expect(loadMaskLikeLoader(base, 'train', 'vid-a', '2', 2)).toEqual(new Uint8Array(8 * 6));
    expect(loadMaskLikeLoader(base, 'valid', 'vid-c', '1', 0, gtOf(base))).toEqual(new Uint8Array(6 * 6));
    expect(loadMaskLikeLoader(base, 'train', 'vid-a', '9', 0)).toBeNull();
    expect(loadMaskLikeLoader(base, 'train', 'vid-a', '0', 3)).toBeNull();
  });
});

describe('scripts/check-release.py', () => {
  it.skipIf(!hasPython)('passes the tiny release and fails a broken copy (skipped: python3 not installed)', () => {
    const ok = spawnSync('python3', [SCRIPT, base, '--ground-truth', gtOf(base)], { encoding: 'utf8' });
    expect(ok.status, ok.stdout + ok.stderr).toBe(0);
    const lines = ok.stdout.trim().split('\n');
    expect(lines.at(-1)).toBe('check-release ok splits=2 expressions=6 masks=9');
    // numpy is optional for the script; when present its pixel totals must match the source masks.
    const fg = /^train: .* foreground=(\d+)$/m.exec(ok.stdout);
    if (fg) {
      const objects = [...Object.values(SOURCE['vid-a'].objects), ...Object.values(SOURCE['vid-b'].objects)];
      const expected = objects.flatMap((o) => o.masks).reduce((n, m) => n + (m ? m.reduce((s, v) => s + v, 0) : 0), 0);
      expect(Number(fg[1])).toBe(expected);
    }

    const broken = copyRelease();
    editJson(path.join(broken, 'train', 'mask_dict.json'), (m) => {
      m['0'].pop();
      m['2'][0] = encodeMask(new Uint8Array(12), 3, 4);
    });
    editJson(path.join(gtOf(broken), 'valid', 'meta_expressions.json'), (j) => (j.videos['vid-c'].expressions['1'].exp = 'a blue car'));
    const bad = spawnSync('python3', [SCRIPT, broken, '--ground-truth', gtOf(broken)], { encoding: 'utf8' });
    expect(bad.status, bad.stdout + bad.stderr).toBe(1);
    expect(bad.stdout).toContain('mask_dict["0"] has 2 entries but vid-a has 3 frames');
    expect(bad.stdout).toContain('mask_dict["2"][0] has size [3, 4] but its JPEG is 10x4');
    expect(bad.stdout).toContain('vid-c exp 1: missing or its text differs from the public copy');
    expect(bad.stdout).not.toContain('check-release ok');
  });

  it.skipIf(!hasPython)('checks the public package alone, and refuses ground truth inside it (skipped: python3 not installed)', () => {
    const alone = spawnSync('python3', [SCRIPT, base], { encoding: 'utf8' });
    expect(alone.status, alone.stdout + alone.stderr).toBe(0);
    expect(alone.stdout).toMatch(/^valid: videos=1 expressions=2 no_target=0 masks=0 ground_truth=not-given$/m);
    expect(alone.stdout.trim().split('\n').at(-1)).toBe('check-release ok splits=2 expressions=6 masks=7');

    const leaky = copyRelease();
    cpSync(gtOf(leaky), path.join(leaky, 'ground_truth'), { recursive: true });
    writeJson(path.join(leaky, 'tracking/valid/vid-c/0.txt'), '');
    const bad = spawnSync('python3', [SCRIPT, leaky, '--ground-truth', gtOf(leaky)], { encoding: 'utf8' });
    expect(bad.status, bad.stdout + bad.stderr).toBe(1);
    expect(bad.stdout).toContain('problem: release: ground_truth/ must not be in the public release');
    expect(bad.stdout).toContain('problem: valid: tracking/valid must not be in the public release');
  });
});

