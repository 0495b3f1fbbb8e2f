/**
 * objectMotion throughput on real DAVIS object tracks (tsx bench/motion.ts). PNG decoding and RLE
 * encoding happen once up front and are not timed. The last line is machine-readable.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { decode as decodePng } from 'fast-png';
import { objectMotion } from '#shared/motion/index.ts';
import { jitteringDisc, discTrack } from '#shared/motion/synthetic-tracks.ts';
import { decodeRle, encodeLabels, type Rle } from '#shared/rle/index.ts';
import { fixture } from '../server/src/testing/fixtures.ts';
import { bestOf, fmtInt as fmt } from './lib/timing.ts';

type Track = (Rle | null)[];

// Other work shares the machine; the best of many short rounds is the most repeatable figure.
const ROUNDS = 15;
const timed = (run: () => void) => bestOf(run, ROUNDS);

function loadDavisTracks(root: string): Track[] {
  const annotations = path.join(root, 'Annotations');
  const tracks: Track[] = [];
  for (const seq of readdirSync(annotations).sort()) {
    const dir = path.join(annotations, seq);
    const perFrame = readdirSync(dir)
      .filter((f) => f.endsWith('.png'))
      .sort()
      .map((f) => {
        const png = decodePng(readFileSync(path.join(dir, f)));
        if (png.channels !== 1 || !(png.data instanceof Uint8Array)) throw new Error(`${seq}/${f}: not an 8-bit label PNG`);
        return encodeLabels(png.data, png.height, png.width);
      });
    const ids = [...new Set(perFrame.flatMap((m) => [...m.keys()]))].sort((a, b) => a - b);
    for (const id of ids) tracks.push(perFrame.map((m) => m.get(id) ?? null));
  }
  return tracks;
}

/** 854×480 tracks of 80 frames: discs of several sizes walking across, and still ones with jitter. */
function generateTracks(): Track[] {
  const tracks: Track[] = [];
  for (let k = 0; k < 12; k++) {
    const r = 10 + 12 * k;
    if (k % 2 === 0) {
      tracks.push(discTrack(480, 854, Array.from({ length: 80 }, (_, f) => ({ cx: 150 + 6 * f, cy: 240, r: Math.min(r, 200) }))));
    } else {
      tracks.push(jitteringDisc(480, 854, { cx: 427, cy: 240, r: Math.min(r, 200) }, 80, 1, k));
    }
  }
  return tracks;
}


const davis = fixture('davis2017-val-osvos');
let tracks: Track[];
if (davis.available) {
  tracks = loadDavisTracks(davis.path);
  console.log(`data: ${tracks.length} object tracks from the DAVIS label PNGs in ${davis.path}/Annotations (decoded up front, not timed)`);
} else {
  tracks = generateTracks();
  console.log(
    `data: ${tracks.length} GENERATED 854x480 disc tracks, NOT the real masks: fixture ${davis.path} not found ` +
      '(set STUDIO_FIXTURES to the fixtures folder)',
  );
}
const masks = tracks.reduce((n, t) => n + t.filter((r) => r !== null).length, 0);
const runs = tracks.reduce((n, t) => n + t.reduce((s, r) => s + (r ? r.counts.length : 0), 0), 0);
console.log(`masks: ${masks} (${(masks / tracks.length).toFixed(1)} per object), ${fmt(runs / masks)} counts chars per mask`);
console.log(`node ${process.version}, best of ${ROUNDS} rounds after a warm-up\n`);

// Results feed a checksum so the work cannot be optimised away.
let sink = 0;

const motionS = timed(() => {
  for (const t of tracks) sink += objectMotion(t).travel;
});
const objectsPerS = tracks.length / motionS;
const masksPerS = masks / motionS;
console.log(`objectMotion   ${fmt(objectsPerS).padStart(8)} objects/s ${fmt(masksPerS).padStart(9)} masks/s  (${(motionS * 1000).toFixed(2)} ms for all)`);

// For scale: merely decoding every mask to pixels, which objectMotion never does.
const decodeS = timed(() => {
  for (const t of tracks) for (const r of t) if (r) sink += decodeRle(r)[0];
});
console.log(`decodeRle only ${''.padStart(18)} ${fmt(masks / decodeS).padStart(9)} masks/s  (decoding alone, before any geometry)`);

if (sink === -1) console.log('unreachable');
console.log(`bench:motion objects_per_s=${Math.round(objectsPerS)} masks_per_s=${Math.round(masksPerS)}`);
