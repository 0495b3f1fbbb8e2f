/**
 * A binary mask as the evaluator sees it: row-major, one byte per pixel, any non-zero byte is
 * foreground (predictions arrive as 0/255 PNGs, ground truth as 0/1 RLE decodes, palette PNGs as
 * object ids; the official evaluator treats all three alike after `astype(bool)`).
 */
export interface BinaryMask {
  data: Uint8Array;
  width: number;
  height: number;
}

export function assertSameSize(a: BinaryMask, b: BinaryMask): void {
  if (a.width !== b.width || a.height !== b.height) {
    throw new Error(`mask sizes differ: ${a.width}x${a.height} vs ${b.width}x${b.height}`);
  }
  if (a.data.length !== a.width * a.height || b.data.length !== b.width * b.height) {
    throw new Error('mask data length does not match width × height');
  }
}

/** True when no pixel is foreground. */
export function isEmptyMask(m: BinaryMask): boolean {
  const d = m.data;
  for (let i = 0; i < d.length; i++) if (d[i] !== 0) return false;
  return true;
}
