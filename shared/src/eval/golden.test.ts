import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { decode as decodePng } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { fixture } from '../../../server/src/testing/fixtures.ts';
import { boundaryCounts, boundaryScoreFromCounts, createBoundaryWorkspace } from './boundary-f.ts';
import { numpyMean } from './mean.ts';
import { jaccard } from './jaccard.ts';
import { buildReport } from './aggregate.ts';
import { SampleAccumulator } from './sample.ts';
import { scoreFrame } from './frame-score.ts';
import type { BinaryMask } from './mask.ts';

/** What make_golden.py wrote with the official tools/metrics.py (see golden/README.md). */
interface MaskSpec {
  objs?: number[];
  davis2016?: boolean;
  frameOffset?: number;
  shift?: [number, number];
  erode?: number;
  dilate?: number;
  everyOther?: boolean;
}
interface GoldenFrame { J: number; F: number; n_fg: number; n_gt: number; fg_match: number; gt_match: number; radius: number }
interface GoldenCase {
  name: string;
  seq: string;
  crop?: [number, number];
  gt: MaskSpec;
  pred: MaskSpec;
  width: number;
  height: number;
  frames: number;
  J: number;
  F: number;
  predicted_no_target: boolean;
  per_frame: GoldenFrame[];
}
interface Golden { overall: { J: number; F: number; JF: number }; cases: GoldenCase[] }

const golden = JSON.parse(readFileSync(new URL('./golden/davis-golden.json', import.meta.url), 'utf8')) as Golden;
const davis = fixture('davis2017-val-osvos');

const decoded = new Map<string, BinaryMask>();

/** Palette indices or gray levels; cached because GT and prediction often read the same file. */
function readGray(file: string): BinaryMask {
  let m = decoded.get(file);
  if (!m) {
    const png = decodePng(readFileSync(file));
    if (png.channels !== 1 || png.depth !== 8 || !(png.data instanceof Uint8Array)) throw new Error(`${file}: expected an 8-bit one-channel PNG`);
    m = { data: png.data, width: png.width, height: png.height };
    if (decoded.size > 64) decoded.clear();
    decoded.set(file, m);
  }
  return m;
}

function shift(m: BinaryMask, dx: number, dy: number): BinaryMask {
  const out = new Uint8Array(m.data.length);
  for (let y = 0; y < m.height; y++) {
    const sy = y - dy;
    if (sy < 0 || sy >= m.height) continue;
    for (let x = 0; x < m.width; x++) {
      const sx = x - dx;
      if (sx >= 0 && sx < m.width) out[y * m.width + x] = m.data[sy * m.width + sx];
    }
  }
  return { ...m, data: out };
}

/** One 3×3 square erosion or dilation, outside the image counting as background (as the driver). */
function step3(m: BinaryMask, erode: boolean): BinaryMask {
  const { width: w, height: h, data } = m;
  const out = new Uint8Array(data.length);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      // erosion keeps a pixel only if all 9 are set; dilation sets it if any is
      let count = 0;
      for (let yy = y - 1; yy <= y + 1; yy++) {
        if (yy < 0 || yy >= h) continue;
        for (let xx = x - 1; xx <= x + 1; xx++) if (xx >= 0 && xx < w && data[yy * w + xx] !== 0) count++;
      }
      out[y * w + x] = erode ? (count === 9 ? 1 : 0) : count > 0 ? 1 : 0;
    }
  }
  return { ...m, data: out };
}

function build(c: GoldenCase, spec: MaskSpec, i: number, frames: string[]): BinaryMask {
  const fi = Math.min(i + (spec.frameOffset ?? 0), frames.length - 1);
  const src = spec.davis2016
    ? readGray(path.join(davis.path, 'Annotations_davis2016_gt', c.seq, `${frames[fi]}.png`))
    : readGray(path.join(davis.path, 'Annotations', c.seq, `${frames[fi]}.png`));
  const keep = new Set(spec.objs ?? []);
  const width = c.crop ? c.crop[0] : src.width;
  const height = c.crop ? c.crop[1] : src.height;
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const v = src.data[y * src.width + x];
      data[y * width + x] = (spec.davis2016 ? v > 0 : keep.has(v)) ? 1 : 0;
    }
  }
  let m: BinaryMask = { data, width, height };
  if (spec.shift) m = shift(m, spec.shift[0], spec.shift[1]);
  for (let k = 0; k < (spec.erode ?? 0); k++) m = step3(m, true);
  for (let k = 0; k < (spec.dilate ?? 0); k++) m = step3(m, false);
  if (spec.everyOther && i % 2 === 1) m = { ...m, data: new Uint8Array(m.data.length) };
  return m;
}

describe(`evaluator vs the official MeViS metrics.py on DAVIS fixture masks${davis.skipNote}`, () => {
  it.skipIf(!davis.available).each(golden.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const frames = readdirSync(path.join(davis.path, 'Annotations', c.seq)).filter((f) => f.endsWith('.png')).map((f) => f.slice(0, -4)).sort();
    expect(frames.length).toBe(c.frames);
    const ws = createBoundaryWorkspace();
    const acc = new SampleAccumulator({ video: c.seq, expId: c.name, targets: c.gt.davis2016 ? 1 : (c.gt.objs ?? []).length });
    const js: number[] = [];
    const fs: number[] = [];
    for (let i = 0; i < frames.length; i++) {
      const gt = build(c, c.gt, i, frames);
      const pred = build(c, c.pred, i, frames);
      // predictions are 0/255 in the official run; any non-zero byte must count the same
      for (let k = 0; k < pred.data.length; k++) pred.data[k] *= 255;
      const want = c.per_frame[i];
      const counts = boundaryCounts(gt, pred, ws);
      // pixel counts first: they pin seg2bmap and the disk dilation down exactly
      expect({ frame: i, n_fg: counts.predBoundary, n_gt: counts.gtBoundary, fg_match: counts.predMatched, gt_match: counts.gtMatched, radius: counts.radius })
        .toEqual({ frame: i, n_fg: want.n_fg, n_gt: want.n_gt, fg_match: want.fg_match, gt_match: want.gt_match, radius: want.radius });
      const f = boundaryScoreFromCounts(counts).f;
      const j = jaccard(gt, pred);
      expect(Math.abs(j - want.J)).toBeLessThanOrEqual(1e-12);
      expect(Math.abs(f - want.F)).toBeLessThanOrEqual(1e-12);
      js.push(j);
      fs.push(f);
      acc.add(scoreFrame(gt, pred, ws));
    }
    const r = acc.finish();
    // identical arithmetic (per-frame division, np.mean's pairwise order) gives identical bits
    expect(numpyMean(js)).toBe(c.J);
    expect(numpyMean(fs)).toBe(c.F);
    expect(r.j).toBe(c.J);
    expect(r.f).toBe(c.F);
    expect(r.predictedNoTarget).toBe(c.predicted_no_target);
  });

  it.skipIf(!davis.available)('overall J, F, J&F: np.mean over the case means', () => {
    const results = golden.cases.map((c) => ({
      video: c.seq, expId: c.name, targets: 1, kind: 'single' as const, frames: c.frames, j: c.J, f: c.F, jf: (c.J + c.F) / 2, predictedNoTarget: false, missing: false,
    }));
    const report = buildReport(results);
    expect(report.overall.j).toBe(golden.overall.J);
    expect(report.overall.f).toBe(golden.overall.F);
    expect(report.overall.jf).toBe(golden.overall.JF);
  });
});
