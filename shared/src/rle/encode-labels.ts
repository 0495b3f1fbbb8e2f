import { encodeRunsUnchecked, runBuffer } from './counts-string.ts';
import { findValueChanges } from './label-changes.ts';
import { checkedRasterSize, RleError } from './rle-validation.ts';
import type { Rle } from './rle-type.ts';

// Change log of one frame: where (column-major position) the effective label changes, and to
// what. Reused across calls; grown on demand.
let logPos = new Uint32Array(4096);
let logLabel = new Uint32Array(4096);
// Per-label scratch for the counting sort of log entries; zeroed again after every call.
const slotCount = new Uint32Array(65536);

function growLog(capacity: number): void {
  const size = Math.max(capacity, logPos.length * 2);
  logPos = new Uint32Array(size);
  logLabel = new Uint32Array(size);
}

/**
 * Encodes every nonzero id of a row-major label image in ONE pass over the frame (pycocotools-identical
 * counts per id); scanning the frame once per id was ~10× slower. Ids in `ignore` (e.g. 255 = void)
 * count as background. Ids absent from the image are absent from the map, which is in ascending id order.
 */
export function encodeLabels(
  labels: Uint8Array | Uint16Array,
  h: number,
  w: number,
  opts?: { ignore?: readonly number[] },
): Map<number, Rle> {
  if (!(labels instanceof Uint8Array || labels instanceof Uint16Array)) {
    throw new RleError('label image must be a Uint8Array or Uint16Array');
  }
  const n = checkedRasterSize(labels.length, h, w, 'label image');
  const ignore = opts?.ignore ?? [];

  // Log each change of effective label; an ignored id and background are the same label here.
  const changes = findValueChanges(labels, h, w);
  if (logPos.length < changes.length) growLog(changes.length);
  let t = 0;
  let prevEff = 0;
  for (let c = 0; c < changes.length; c++) {
    const p = changes[c];
    const x = (p / h) | 0;
    const v = labels[(p - x * h) * w + x];
    const eff = ignore.length !== 0 && ignore.includes(v) ? 0 : v;
    if (eff !== prevEff) {
      prevEff = eff;
      logPos[t] = p;
      logLabel[t] = eff;
      t++;
    }
  }

  // Log entry k is a segment [logPos[k], logPos[k+1] or n) of label logLabel[k]. Group the
  // foreground segments by label (counting sort) so each id's runs come out in order.
  const ids: number[] = [];
  for (let k = 0; k < t; k++) {
    const id = logLabel[k];
    if (id !== 0 && slotCount[id]++ === 0) ids.push(id);
  }
  ids.sort((a, b) => a - b);

  const result = new Map<number, Rle>();
  if (ids.length === 0) return result;

  // Segment k of each id, laid out id by id; slotCount becomes each id's write cursor.
  const order = new Uint32Array(t);
  let offset = 0;
  for (const id of ids) {
    const c = slotCount[id];
    slotCount[id] = offset;
    offset += c;
  }
  for (let k = 0; k < t; k++) {
    const id = logLabel[k];
    if (id !== 0) order[slotCount[id]++] = k;
  }

  let start = 0;
  for (const id of ids) {
    const end = slotCount[id];
    slotCount[id] = 0;
    // Each segment adds a background and a foreground run, plus the closing background run.
    const runs = runBuffer(2 * (end - start) + 1);
    let m = 0;
    let last = 0;
    for (let s = start; s < end; s++) {
      const k = order[s];
      const from = logPos[k];
      const to = k + 1 < t ? logPos[k + 1] : n;
      runs[m++] = from - last;
      runs[m++] = to - from;
      last = to;
    }
    if (last !== n) runs[m++] = n - last;
    result.set(id, { size: [h, w], counts: encodeRunsUnchecked(runs, m) });
    start = end;
  }
  return result;
}
