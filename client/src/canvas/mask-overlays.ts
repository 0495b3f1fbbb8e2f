import { paintRle, rleBbox } from '#shared/rle/index.ts';
import type { VideoMasks } from '#shared/schemas/videos.ts';
import { objectColor, packRgba } from './palette.ts';

export interface ObjectLabel {
  localId: number;
  colorIndex: number;
  /** Top-left of the object's box on this frame, in video pixels. */
  x: number;
  y: number;
}

export interface FrameOverlay {
  /** All masks of the frame composited in their colours (opaque; the layer sets the opacity). */
  canvas: HTMLCanvasElement;
  labels: ObjectLabel[];
}

/**
 * Per-frame composited mask overlays. Each frame's RLEs are decoded once into one canvas and
 * kept in a small LRU, so playback draws one image per frame instead of decoding every tick, and
 * no pixel array ever lives in React state. Memory is bounded by `maxPixels`.
 */
export class MaskOverlays {
  private readonly cache = new Map<number, FrameOverlay>();
  private readonly width: number;
  private readonly height: number;
  private readonly maxFrames: number;

  constructor(
    private readonly masks: VideoMasks,
    maxPixels = 64 * 1024 * 1024,
  ) {
    [this.height, this.width] = masks.size;
    this.maxFrames = Math.max(4, Math.floor(maxPixels / (this.width * this.height)));
  }

  get frameCount(): number {
    return this.masks.tracks[0]?.counts.length ?? 0;
  }

  overlay(frame: number): FrameOverlay {
    const hit = this.cache.get(frame);
    if (hit) {
      // Re-insert to mark as most recently used.
      this.cache.delete(frame);
      this.cache.set(frame, hit);
      return hit;
    }
    const built = this.build(frame);
    this.cache.set(frame, built);
    while (this.cache.size > this.maxFrames) this.cache.delete(this.cache.keys().next().value!);
    return built;
  }

  private build(frame: number): FrameOverlay {
    const { width, height } = this;
    const image = new ImageData(width, height);
    const pixels = new Uint32Array(image.data.buffer);
    const labels: ObjectLabel[] = [];
    this.masks.tracks.forEach((track, colorIndex) => {
      const counts = track.counts[frame];
      if (!counts) return;
      const rle = { size: this.masks.size, counts };
      paintRle(rle, pixels, packRgba(objectColor(colorIndex)));
      const [x, y] = rleBbox(rle);
      labels.push({ localId: track.localId, colorIndex, x, y });
    });
    const canvas = document.createElement('canvas');
    canvas.width = width;
    canvas.height = height;
    canvas.getContext('2d')!.putImageData(image, 0, 0);
    return { canvas, labels };
  }
}
