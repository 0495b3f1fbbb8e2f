/**
 * Tracking ground truth (RMOT-style) in the MOTChallenge text form, one file per expression:
 * `frame,id,x,y,w,h,1,-1,-1,-1` with 1-based frames, `id` the object's obj_id and the box in pixels
 * (x, y = top-left). Rows sorted by frame, then id. A no-target expression has an empty file.
 */
export interface TrackBox {
  frameIdx: number;
  objId: number;
  x: number;
  y: number;
  w: number;
  h: number;
}

export function motLines(boxes: readonly TrackBox[]): string {
  const sorted = [...boxes].sort((a, b) => a.frameIdx - b.frameIdx || a.objId - b.objId);
  return sorted.map((b) => `${b.frameIdx + 1},${b.objId},${b.x},${b.y},${b.w},${b.h},1,-1,-1,-1\n`).join('');
}

export function parseMotLines(text: string): TrackBox[] {
  return text
    .split('\n')
    .filter((l) => l.trim())
    .map((l, i) => {
      const f = l.split(',').map(Number);
      if (f.length !== 10 || f.some((v) => !Number.isFinite(v))) throw new Error(`line ${i + 1}: not a MOT row: ${l}`);
      return { frameIdx: f[0]! - 1, objId: f[1]!, x: f[2]!, y: f[3]!, w: f[4]!, h: f[5]! };
    });
}
