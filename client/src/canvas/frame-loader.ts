/**
 * Loads a video's frames over HTTP (the browser caches them: the server marks them immutable)
 * and decodes them off the main thread with createImageBitmap. Frame 0 goes first so something
 * is visible at once; then frames load in order with a few requests in flight, so playback can
 * start before the whole video has arrived.
 */
export class FrameLoader {
  private readonly bitmaps: (ImageBitmap | undefined)[];
  private loaded = 0;
  private failed = 0;
  private cancelled = false;
  private listeners = new Set<() => void>();
  /** Bumped on every change; a cheap snapshot for useSyncExternalStore. */
  version = 0;

  constructor(
    private readonly urlOf: (index: number) => string,
    readonly count: number,
    private readonly concurrency = 6,
  ) {
    this.bitmaps = new Array(count);
  }

  start(): this {
    let next = 0;
    const load = async (i: number) => {
      try {
        const res = await fetch(this.urlOf(i), { credentials: 'same-origin' });
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        const bitmap = await createImageBitmap(await res.blob());
        if (this.cancelled) {
          bitmap.close();
          return;
        }
        this.bitmaps[i] = bitmap;
        this.loaded++;
      } catch {
        this.failed++;
      }
      this.emit();
    };
    const worker = async () => {
      while (!this.cancelled && next < this.count) await load(next++);
    };
    // Frame 0 alone first: the page shows something as soon as it can, instead of sharing the
    // connection with the next frames (bench:client: 364 kB of frames were on the wire before the
    // first one showed). Then workers take the rest in order.
    if (this.count === 0) return this;
    next = 1;
    void load(0).then(() => {
      for (let k = 0; k < this.concurrency; k++) void worker();
    });
    return this;
  }

  get(index: number): ImageBitmap | undefined {
    return this.bitmaps[index];
  }

  progress(): { loaded: number; failed: number; total: number } {
    return { loaded: this.loaded, failed: this.failed, total: this.count };
  }

  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  dispose(): void {
    this.cancelled = true;
    for (const b of this.bitmaps) b?.close();
    this.bitmaps.fill(undefined);
    this.listeners.clear();
  }

  private emit(): void {
    this.version++;
    for (const fn of this.listeners) fn();
  }
}
