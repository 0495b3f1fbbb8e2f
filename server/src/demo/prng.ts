/**
 * Seeded randomness for the demo generator. Math.random is never used: the same seed must give
 * byte-identical files, and different seeds different videos.
 */

import { mulberry32 } from '#shared/prng.ts';

export { mulberry32 };

/** Mixes integers into a well-spread 32-bit value (for per-video seeds and noise lattices). */
export function hash32(...values: number[]): number {
  let h = 0x9e3779b9;
  for (const v of values) {
    h = Math.imul(h ^ (v >>> 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

export class Rng {
  private readonly next: () => number;
  constructor(seed: number) {
    this.next = mulberry32(seed);
  }
  /** Uniform in [0, 1). */
  float(): number {
    return this.next();
  }
  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }
  /** Integer in [lo, hi], both ends included. */
  int(lo: number, hi: number): number {
    return lo + Math.floor((hi - lo + 1) * this.next());
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(items.length * this.next())]!;
  }
  sign(): 1 | -1 {
    return this.next() < 0.5 ? -1 : 1;
  }
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor((i + 1) * this.next());
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  }
  /** A fresh 32-bit seed for a sub-generator, so adding draws in one part does not shift another. */
  seed(): number {
    return Math.floor(this.next() * 4294967296) >>> 0;
  }
}
