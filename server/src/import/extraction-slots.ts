import { ImportError } from './errors.ts';

/**
 * How many imports may extract frames from video files at once (ffmpeg decoding and encoding
 * every frame is the most CPU-hungry thing the server does), in total and per user: a counting
 * semaphore with a bounded first-come-first-served queue, like the audio tools' slots
 * (audio/run-tool.ts). Beyond the per-user limit, or with the queue full, a request is refused at
 * once with a sentence saying why, instead of piling up. Per process, as the work it bounds.
 */
export class ExtractionSlots {
  private running = 0;
  private readonly byUser = new Map<string, number>();
  private readonly waiting: (() => void)[] = [];
  /** Most extractions at once so far (tests read it). */
  peak = 0;

  constructor(
    readonly total: number,
    readonly perUser: number,
    readonly maxQueue: number,
  ) {}

  /** Waits for a slot for `user` (an account id, or `cli`); call the returned function when done. */
  async acquire(user: string): Promise<() => void> {
    const mine = this.byUser.get(user) ?? 0;
    if (mine >= this.perUser) {
      throw new ImportError('', `at most ${this.perUser} frame extraction${this.perUser === 1 ? '' : 's'} per user at a time: wait for yours to finish`);
    }
    if (this.running >= this.total && this.waiting.length >= this.maxQueue) {
      throw new ImportError('', `the server is extracting frames from other videos (${this.total} at a time, ${this.waiting.length} waiting); try again in a few minutes`);
    }
    this.byUser.set(user, mine + 1);
    if (this.running >= this.total) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    this.peak = Math.max(this.peak, this.running);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const left = (this.byUser.get(user) ?? 1) - 1;
      if (left > 0) this.byUser.set(user, left);
      else this.byUser.delete(user);
      // The slot passes straight to the next waiter, so `running` never dips and rises again.
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    };
  }

  get active(): number {
    return this.running;
  }
}

/** Two at once (this machine has two cores), one per user, eight waiting. */
export const extractionSlots = new ExtractionSlots(2, 1, 8);
