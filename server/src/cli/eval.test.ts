import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { encode as encodePng } from 'fast-png';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeRle } from '#shared/rle/index.ts';
import { repoRoot } from '../paths.ts';
import { fixture } from '../testing/fixtures.ts';
import { writeZip } from '../testing/zip-builder.ts';
import { runEval } from './eval.ts';

const sample = fixture('mevis-sample');
const gt = path.join(sample.path, 'valid_u');
const official = JSON.parse(readFileSync(path.join(repoRoot, 'shared/src/eval/golden/mevis-sample-shifted.json'), 'utf8')) as {
  printed: { J: number; F: number; JF: number };
  samples: Record<string, { J: number; F: number }>;
};

/** Predictions from the ground truth: `shift` px to the right (zero fill), 8-bit grey 0/255 PNGs. */
function writePredictions(root: string, shift: number): void {
  const meta = JSON.parse(readFileSync(path.join(gt, 'meta_expressions.json'), 'utf8')) as { videos: Record<string, { frames: string[]; expressions: Record<string, { anno_id: unknown[] }> }> };
  const masks = JSON.parse(readFileSync(path.join(gt, 'mask_dict.json'), 'utf8')) as Record<string, ({ size: [number, number]; counts: string } | null)[]>;
  for (const [video, v] of Object.entries(meta.videos)) {
    const size = Object.values(v.expressions).flatMap((e) => e.anno_id.flatMap((a) => masks[String(a)])).find((r) => r)!.size;
    const [h, w] = size;
    for (const [expId, e] of Object.entries(v.expressions)) {
      mkdirSync(path.join(root, video, expId), { recursive: true });
      v.frames.forEach((frame, i) => {
        const data = new Uint8Array(h * w);
        for (const a of e.anno_id) {
          const rle = masks[String(a)][i];
          if (!rle) continue;
          const m = decodeRle(rle);
          for (let y = 0; y < h; y++) for (let x = shift; x < w; x++) if (m[y * w + x - shift]) data[y * w + x] = 255;
        }
        writeFileSync(path.join(root, video, expId, `${frame}.png`), encodePng({ width: w, height: h, data, channels: 1, depth: 8 }));
      });
    }
  }
}

describe(`studio eval on the MeViS sample split${sample.skipNote}`, () => {
  let tmp: string;
  beforeAll(() => {
    if (!sample.available) return;
    tmp = mkdtempSync(path.join(os.tmpdir(), 'studio-eval-'));
    writePredictions(path.join(tmp, 'perfect'), 0);
    writePredictions(path.join(tmp, 'shifted'), 10);
    mkdirSync(path.join(tmp, 'empty'));
    writeZip(path.join(tmp, 'shifted'), 'Annotations/', path.join(tmp, 'shifted.zip'));
    writeZip(path.join(tmp, 'shifted'), '', path.join(tmp, 'shifted64.zip'), true);
  });
  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it.skipIf(!sample.available)('a perfect submission scores 1 everywhere', async () => {
    const { report } = await runEval({ gt, pred: path.join(tmp, 'perfect'), threads: 2 });
    expect(report.overall).toMatchObject({ samples: 14, j: 1, f: 1, jf: 1, nAcc: 1, tAcc: 1, combined: 1 });
    expect(report.missingVideos).toEqual([]);
  });

  it.skipIf(!sample.available)('a shifted submission: every sample identical to the official eval_mevis.py', async () => {
    const { results, report } = await runEval({ gt, pred: path.join(tmp, 'shifted'), threads: 2 });
    for (const r of results) {
      const want = official.samples[`${r.video}_${r.expId}`];
      expect({ key: `${r.video}_${r.expId}`, j: r.j, f: r.f }).toEqual({ key: `${r.video}_${r.expId}`, j: want.J, f: want.F });
    }
    expect(Math.abs(report.overall.j - official.printed.J)).toBeLessThan(1e-12);
    expect(Math.abs(report.overall.f - official.printed.F)).toBeLessThan(1e-12);
    expect(Math.abs(report.overall.jf - official.printed.JF)).toBeLessThan(1e-12);
  });

  it.skipIf(!sample.available)('reads a zip (plain with one wrapping folder, or zip64) the same as the folder', async () => {
    const fromDir = await runEval({ gt, pred: path.join(tmp, 'shifted'), threads: 1 });
    const fromZip = await runEval({ gt, pred: path.join(tmp, 'shifted.zip'), threads: 2 });
    expect(fromZip.results).toEqual(fromDir.results);
    const fromZip64 = await runEval({ gt, pred: path.join(tmp, 'shifted64.zip'), threads: 1 });
    expect(fromZip64.results).toEqual(fromDir.results);
  });

  it.skipIf(!sample.available)('a missing video folder scores 0 and is listed (the official behaviour); empty prediction folders score only no-target', async () => {
    const { report } = await runEval({ gt, pred: path.join(tmp, 'empty'), threads: 1 });
    expect(report.missingVideos.sort()).toEqual(['horsejump-high', 'kite-surf', 'paragliding-launch']);
    expect(report.overall).toMatchObject({ j: 0, f: 0, nAcc: 0, tAcc: 0 });

    const partial = path.join(tmp, 'partial');
    cpSync(path.join(tmp, 'perfect'), partial, { recursive: true });
    rmSync(path.join(partial, 'kite-surf'), { recursive: true });
    const run = await runEval({ gt, pred: partial, threads: 1 });
    expect(run.report.missingVideos).toEqual(['kite-surf']);
    expect(run.report.perVideo['kite-surf']).toMatchObject({ j: 0, f: 0 });
    expect(run.report.perVideo['horsejump-high']).toMatchObject({ j: 1, f: 1 });
  });

  it.skipIf(!sample.available)('a missing frame is an error that names the file', async () => {
    const broken = path.join(tmp, 'broken');
    cpSync(path.join(tmp, 'perfect'), broken, { recursive: true });
    rmSync(path.join(broken, 'kite-surf', '1', '00003.png'));
    await expect(runEval({ gt, pred: broken, threads: 1 })).rejects.toThrow('missing prediction frame kite-surf/1/00003.png');
    writeFileSync(path.join(broken, 'kite-surf', '1', '00003.png'), 'not a png');
    await expect(runEval({ gt, pred: broken, threads: 1 })).rejects.toThrow('kite-surf/1/00003.png: not a readable PNG');
  });

  it.skipIf(!sample.available)('the command prints the table and writes the JSON report and the CSV', () => {
    const out = path.join(tmp, 'scores.json');
    const csv = path.join(tmp, 'per-sample.csv');
    const r = spawnSync(path.join(repoRoot, 'node_modules/.bin/tsx'), [path.join(repoRoot, 'server/src/cli/index.ts'), 'eval', '--gt', gt, '--pred', path.join(tmp, 'shifted.zip'), '--out', out, '--csv', csv], { encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).not.toMatch(/error/);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^all\s+14\s+168\s+63\.30\s+79\.55\s+71\.42\s+100\.00\s+100\.00\s+90\.47$/m);
    expect(JSON.parse(readFileSync(out, 'utf8'))).toMatchObject({ overall: { samples: 14 }, samples: expect.any(Array) });
    expect(readFileSync(csv, 'utf8').split('\n')).toHaveLength(16);
    const bad = spawnSync(path.join(repoRoot, 'node_modules/.bin/tsx'), [path.join(repoRoot, 'server/src/cli/index.ts'), 'eval', '--gt', tmp, '--pred', tmp], { encoding: 'utf8', timeout: 60_000 });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/^error: .*meta_expressions\.json not found/m);
  });
});
