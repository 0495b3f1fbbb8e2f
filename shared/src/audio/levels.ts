/** Decibels relative to full scale, with a floor so digital silence stays a finite, serialisable number. */

/** Reported for digital silence; below the noise of any real 24-bit recording (−138 dBFS is one LSB). */
export const DB_FLOOR = -120;

/** RMS in dBFS where a full-scale square wave is 0 dBFS (sox's convention; a full-scale sine is −3.01). */
export function meanSquareToDbfs(meanSquare: number): number {
  return meanSquare > 1e-12 ? Math.max(DB_FLOOR, 10 * Math.log10(meanSquare)) : DB_FLOOR;
}

export function amplitudeToDbfs(amplitude: number): number {
  return amplitude > 1e-6 ? Math.max(DB_FLOOR, 20 * Math.log10(amplitude)) : DB_FLOOR;
}
