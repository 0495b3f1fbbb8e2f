import { readFileSync } from 'node:fs';
import path from 'node:path';
import { decode as decodePng } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { fixture, fixturesRoot } from '../../../server/src/testing/fixtures.ts';
import { checkRle, decodeRle, encodeLabels, encodeMask, rleArea, rleBbox, type Rle } from './index.ts';

/** One pycocotools 2.0.11 vector from fixtures/rle/vectors.json. */
interface GoldenVector {
  source: string;
  obj_id: number;
  size: [number, number];
  counts: string;
  area: number;
  bbox_xywh: [number, number, number, number];
  mask_rowmajor_hex?: string;
}

const rleFixture = fixture('rle');

function loadVectors(): GoldenVector[] {
  if (!rleFixture.available) return [];
  const json = JSON.parse(readFileSync(path.join(rleFixture.path, 'vectors.json'), 'utf8')) as { vectors: GoldenVector[] };
  return json.vectors;
}

const labelCache = new Map<string, Uint8Array>();

/** Palette indices of a fixture PNG; `source` is relative to the fixtures root. */
function labelsOf(source: string, h: number, w: number): Uint8Array {
  let labels = labelCache.get(source);
  if (!labels) {
    const png = decodePng(readFileSync(path.join(fixturesRoot, source)));
    if (png.width !== w || png.height !== h || png.channels !== 1 || png.depth !== 8 || !(png.data instanceof Uint8Array)) {
      throw new Error(`${source}: expected an 8-bit ${w}x${h} palette PNG`);
    }
    labels = png.data;
    labelCache.set(source, labels);
  }
  return labels;
}

/** numpy.packbits of the row-major mask, most significant bit first. */
function unpackBits(hex: string, n: number): Uint8Array {
  const mask = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const byte = Number.parseInt(hex.slice((i >> 3) * 2, (i >> 3) * 2 + 2), 16);
    mask[i] = (byte >> (7 - (i & 7))) & 1;
  }
  return mask;
}

/** Index of the first differing pixel, or -1; toEqual on 400k-element arrays takes seconds. */
function firstDifference(a: Uint8Array, b: Uint8Array): number {
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

function maskOf(v: GoldenVector): Uint8Array {
  const [h, w] = v.size;
  if (v.mask_rowmajor_hex !== undefined) return unpackBits(v.mask_rowmajor_hex, h * w);
  const labels = labelsOf(v.source, h, w);
  return labels.map((l) => (l === v.obj_id ? 1 : 0));
}

const vectors = loadVectors();
const pngVectors = vectors.filter((v) => v.mask_rowmajor_hex === undefined);
const syntheticVectors = vectors.filter((v) => v.mask_rowmajor_hex !== undefined);
const davis = fixture('davis2017-val-osvos');

function checkVector(v: GoldenVector): void {
  const [h, w] = v.size;
  const mask = maskOf(v);
  const rle = encodeMask(mask, h, w);
  expect(rle.size).toEqual(v.size);
  expect(rle.counts).toBe(v.counts);

  const golden: Rle = { size: v.size, counts: v.counts };
  expect(firstDifference(decodeRle(golden), mask)).toBe(-1);
  expect(rleArea(golden)).toBe(v.area);
  expect(rleBbox(golden)).toEqual(v.bbox_xywh);
  expect(checkRle(golden, { h, w })).toEqual({ area: v.area, bbox: v.bbox_xywh });
}

describe.skipIf(!rleFixture.available)('golden vectors (pycocotools 2.0.11)' + rleFixture.skipNote, () => {
  it('holds the 126 documented vectors, 8 of them synthetic', () => {
    expect(vectors).toHaveLength(126);
    expect(syntheticVectors).toHaveLength(8);
  });

  it.each(syntheticVectors.map((v) => [v.source, v] as const))('%s: encode, decode, area, bbox', (_name, v) => checkVector(v));

  describe.skipIf(!davis.available)('masks from DAVIS palette PNGs' + davis.skipNote, () => {
    it.each(pngVectors.map((v) => [`${v.source} #${v.obj_id}`, v] as const))('%s: encode, decode, area, bbox', (_name, v) => checkVector(v));

    it('encodeLabels on each whole PNG matches the per-object vectors', () => {
      const frames = [...new Set(pngVectors.map((v) => v.source))];
      expect(frames).toHaveLength(43);
      for (const source of frames) {
        const expected = pngVectors.filter((v) => v.source === source);
        const [h, w] = expected[0].size;
        const byId = encodeLabels(labelsOf(source, h, w), h, w);
        expect([...byId.keys()], source).toEqual(expected.map((v) => v.obj_id).sort((a, b) => a - b));
        for (const v of expected) expect(byId.get(v.obj_id), `${source} #${v.obj_id}`).toEqual({ size: v.size, counts: v.counts });
      }
    });
  });
});
