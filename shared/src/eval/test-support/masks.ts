import type { BinaryMask } from '../mask.ts';

/** A mask from rows of '0'/'1' characters, e.g. mask('0110', '0110'). */
export function mask(...rows: string[]): BinaryMask {
  const height = rows.length;
  const width = rows[0].length;
  const data = new Uint8Array(width * height);
  rows.forEach((r, y) => {
    for (let x = 0; x < width; x++) data[y * width + x] = r[x] === '1' ? 1 : 0;
  });
  return { data, width, height };
}

export function toRows(data: Uint8Array, width: number, height: number): string[] {
  const rows: string[] = [];
  for (let y = 0; y < height; y++) rows.push(Array.from(data.subarray(y * width, (y + 1) * width), (v) => (v ? '1' : '0')).join(''));
  return rows;
}

/** A width×height mask with foreground where fg(x, y) holds. */
export function maskWhere(width: number, height: number, fg: (x: number, y: number) => boolean, value = 1): BinaryMask {
  const data = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) if (fg(x, y)) data[y * width + x] = value;
  return { data, width, height };
}
