/** Best (shortest) of `rounds` timed runs after one untimed warm-up run, in seconds. */
export function bestOf(run: () => void, rounds: number): number {
  run();
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    run();
    best = Math.min(best, performance.now() - t0);
  }
  return best / 1000;
}

/** Integer with thousands separators, for rates. */
export const fmtInt = (v: number): string => Math.round(v).toLocaleString('en-US');
