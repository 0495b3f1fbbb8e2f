/**
 * Failed-login limiter: a sliding window per key (username and client address are both keys, so
 * neither guessing one account from many addresses nor many accounts from one address works).
 * In memory on purpose: a restart resets it, which is acceptable for a single-process server.
 */
export class LoginLimiter {
  private failures = new Map<string, number[]>();

  constructor(
    private readonly maxFailures = 10,
    private readonly windowMs = 15 * 60_000,
  ) {}

  /** Milliseconds until the key may try again, or 0. */
  retryAfter(keys: string[], now = Date.now()): number {
    let wait = 0;
    for (const key of keys) {
      const times = this.recent(key, now);
      if (times.length >= this.maxFailures) wait = Math.max(wait, times[0]! + this.windowMs - now);
    }
    return wait;
  }

  fail(keys: string[], now = Date.now()): void {
    for (const key of keys) this.failures.set(key, [...this.recent(key, now), now]);
    if (this.failures.size > 100_000) this.prune(now);
  }

  succeed(keys: string[]): void {
    for (const key of keys) this.failures.delete(key);
  }

  private recent(key: string, now: number): number[] {
    return (this.failures.get(key) ?? []).filter((t) => now - t < this.windowMs);
  }

  private prune(now: number): void {
    for (const [key, times] of this.failures) if (!times.some((t) => now - t < this.windowMs)) this.failures.delete(key);
  }
}
