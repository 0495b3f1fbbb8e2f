import { readdirSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { decode as decodePng } from 'fast-png';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoDataset, type DemoManifest } from '../../../server/src/demo/generate.ts';
import { fixture } from '../../../server/src/testing/fixtures.ts';
import { decodeRle, encodeLabels, type Rle } from '../rle/index.ts';
import { DEFAULT_MOTION_THRESHOLDS, objectMotion, videoMotionSummary } from './index.ts';
import { jitteringShape } from './synthetic-tracks.ts';

/** A DAVIS-layout sequence: per object id, its mask on every frame (null where absent). */
interface Sequence {
  h: number;
  w: number;
  labels: Uint8Array[];
  tracks: Map<number, (Rle | null)[]>;
}

function readSequence(dir: string): Sequence {
  const files = readdirSync(dir).filter((f) => f.endsWith('.png')).sort();
  let h = 0;
  let w = 0;
  const labels: Uint8Array[] = [];
  const perFrame = files.map((f) => {
    const png = decodePng(readFileSync(path.join(dir, f)));
    if (png.channels !== 1 || !(png.data instanceof Uint8Array)) throw new Error(`${dir}/${f}: not an 8-bit label PNG`);
    h = png.height;
    w = png.width;
    labels.push(png.data);
    return encodeLabels(png.data, h, w);
  });
  const ids = [...new Set(perFrame.flatMap((m) => [...m.keys()]))].sort((a, b) => a - b);
  const tracks = new Map(ids.map((id) => [id, perFrame.map((m) => m.get(id) ?? null)]));
  return { h, w, labels, tracks };
}

const davis = fixture('davis2017-val-osvos');

describe.skipIf(!davis.available)('motion of the real DAVIS objects (OSVOS masks)' + davis.skipNote, () => {
  const seqs = new Map<string, Sequence>();
  beforeAll(() => {
    const root = path.join(davis.path, 'Annotations');
    for (const name of readdirSync(root).sort()) seqs.set(name, readSequence(path.join(root, name)));
  });

  it('all 11 objects move (a horse jumping, rider, kite, board, surfer, paraglider, cart and people)', () => {
    const verdicts = [...seqs].flatMap(([name, s]) => [...s.tracks].map(([id, t]) => [`${name}#${id}`, objectMotion(t).moving]));
    expect(verdicts).toHaveLength(11);
    expect(verdicts.filter(([, moving]) => !moving)).toEqual([]);
  });

  it('the jumping horse moves by far', () => {
    const m = objectMotion(seqs.get('horsejump-high')!.tracks.get(1)!);
    expect(m.visibleFrames).toBe(50);
    expect(m.reach).toBeGreaterThan(1.5);
    expect(m.shapeIou).toBeLessThan(0.05);
    expect(m.moving).toBe(true);
  });

  it('the slowest mover, the paraglider walking downhill, still clears the reach threshold', () => {
    const m = objectMotion(seqs.get('paragliding-launch')!.tracks.get(1)!);
    expect(m.reach).toBeGreaterThan(DEFAULT_MOTION_THRESHOLDS.minReach);
    expect(m.meanIou).toBeGreaterThan(0.8);
    expect(m.moving).toBe(true);
  });

  it('no object in these clips stands still, so each one held still on its first mask with ±1 px noise is not moving', () => {
    for (const [name, s] of seqs) {
      for (const [id, track] of s.tracks) {
        const held = jitteringShape(decodeRle(track[0]!), s.h, s.w, 40, 1, id);
        const m = objectMotion(held);
        expect(m.moving, `${name}#${id}`).toBe(false);
        expect(m.reach, `${name}#${id}`).toBeLessThan(DEFAULT_MOTION_THRESHOLDS.minReach);
      }
    }
  });

  it('agrees with centroids and overlaps counted pixel by pixel on the label images', () => {
    const s = seqs.get('horsejump-high')!;
    for (const [id, track] of s.tracks) {
      const cs = s.labels.map((labels) => {
        let n = 0;
        let sx = 0;
        let sy = 0;
        for (let i = 0; i < labels.length; i++) {
          if (labels[i] !== id) continue;
          n++;
          sx += (i % s.w) + 0.5;
          sy += Math.floor(i / s.w) + 0.5;
        }
        return { n, x: sx / n, y: sy / n };
      });
      let travel = 0;
      let iouSum = 0;
      for (let f = 1; f < cs.length; f++) {
        travel += Math.hypot(cs[f].x - cs[f - 1].x, cs[f].y - cs[f - 1].y);
        let inter = 0;
        let union = 0;
        const a = s.labels[f - 1];
        const b = s.labels[f];
        for (let i = 0; i < a.length; i++) {
          if (a[i] === id && b[i] === id) inter++;
          if (a[i] === id || b[i] === id) union++;
        }
        iouSum += inter / union;
      }
      const areas = cs.map((c) => c.n).sort((a, b) => a - b);
      const size = Math.sqrt((areas[24] + areas[25]) / 2);
      const m = objectMotion(track);
      expect(m.size).toBeCloseTo(size, 9);
      expect(m.travel).toBeCloseTo(travel / size, 9);
      expect(m.meanIou).toBeCloseTo(iouSum / 49, 9);
    }
  });
});

describe('motion of the demo objects (generated, their true motion in demo.json)', () => {
  const seeds = [1, 2];
  let root = '';
  const videos: { seed: number; manifest: DemoManifest }[] = [];

  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'motion-demo-'));
    for (const seed of seeds) {
      const dir = path.join(root, String(seed));
      videos.push({ seed, manifest: await generateDemoDataset(dir, { seed }) });
    }
  });
  afterAll(async () => {
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('the static object is not moving and every other one is', () => {
    let checked = 0;
    for (const { seed, manifest } of videos) {
      const fromDisk = JSON.parse(readFileSync(path.join(root, String(seed), 'demo.json'), 'utf8')) as DemoManifest;
      expect(fromDisk).toEqual(manifest);
      for (const v of manifest.videos) {
        const seq = readSequence(path.join(root, String(seed), 'Annotations', v.name));
        const ids = v.objects.map((o) => o.id);
        // Objects that are never drawn get no track; pad to the manifest's frame count.
        const tracks = ids.map((id) => seq.tracks.get(id) ?? new Array<null>(v.frames).fill(null));
        const summary = videoMotionSummary(tracks);
        v.objects.forEach((o, k) => {
          const m = summary.objects[k];
          const label = `seed ${seed} ${v.name}#${o.id} (${o.motion})`;
          expect(m.frameCount, label).toBe(v.frames);
          expect(m.moving, label).toBe(o.motion !== 'static');
          if (o.motion === 'static') expect(m.reach, label).toBe(0);
          if (o.motion === 'exit') expect(m.leavesFrame, label).toBe(true);
          if (o.motion === 'bounce') expect(m.displacement, label).toBeLessThan(m.reach);
          checked++;
        });
        expect(summary.movingObjects).toBe(v.objects.length - 1);
        const [a, b] = v.objects.filter((o) => o.motion === 'pair').map((o) => summary.objects[ids.indexOf(o.id)]);
        expect(a.reach).toBeCloseTo(b.reach, 9);
      }
    }
    expect(checked).toBeGreaterThan(30);
  });
});
