import { paintRle, rleBbox } from '#shared/rle/index.ts';
import type { VideoMasks } from '#shared/schemas/videos.ts';
import { objectColor, packRgba } from './palette.ts';

export type Box = [number, number, number, number];

export interface ObjectOnFrame {
  localId: number;
  /** Index in the video's sorted object list: picks the colour. */
  colorIndex: number;
  /** Box in video pixels [x, y, w, h]. */
  box: Box;
}

export interface FrameRaster {
  /**
   * Object-id raster of the frame (track index + 1 per pixel, 0 = none), row-major: picking is one
   * array lookup, whatever the number of objects.
   */
  hit: Uint8Array | Uint16Array;
  objects: ObjectOnFrame[];
  /** Rows [y0, y1) that hold any object: colour passes skip the rest. */
  rows: [number, number];
}

/**
 * Per-frame object-id rasters, decoded once from the RLEs and kept in an LRU bounded by bytes.
 * Picking, outlines and the colour overlay all read them; no pixel array lives in React state.
 */
export class MaskRasters {
  private readonly cache = new Map<number, FrameRaster>();
  readonly width: number;
  readonly height: number;
  private readonly maxFrames: number;
  private readonly colors: Uint32Array;
  private scratch: ImageData | null = null;

  constructor(
    private readonly masks: VideoMasks,
    maxBytes = 96 * 1024 * 1024,
  ) {
    [this.height, this.width] = masks.size;
    const bytesPerFrame = this.width * this.height * (masks.tracks.length < 255 ? 1 : 2);
    this.maxFrames = Math.max(4, Math.floor(maxBytes / bytesPerFrame));
    // colors[label] for label = track index + 1; 0 stays transparent.
    this.colors = new Uint32Array(masks.tracks.length + 1);
    masks.tracks.forEach((_, i) => (this.colors[i + 1] = packRgba(objectColor(i))));
  }

  get frameCount(): number {
    return this.masks.tracks[0]?.counts.length ?? 0;
  }

  localIdOfLabel(label: number): number | null {
    return label > 0 ? (this.masks.tracks[label - 1]?.localId ?? null) : null;
  }

  raster(frame: number): FrameRaster {
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

  /** Local id of the object at a video pixel on a frame, or null. */
  objectAt(frame: number, x: number, y: number): number | null {
    const xi = Math.floor(x);
    const yi = Math.floor(y);
    if (xi < 0 || yi < 0 || xi >= this.width || yi >= this.height) return null;
    return this.localIdOfLabel(this.raster(frame).hit[yi * this.width + xi]!);
  }

  /** All masks of the frame in their colours (opaque) into a reused ImageData. */
  colorImage(frame: number): ImageData {
    const { hit, rows } = this.raster(frame);
    this.scratch ??= new ImageData(this.width, this.height);
    const pixels = new Uint32Array(this.scratch.data.buffer);
    pixels.fill(0);
    const colors = this.colors;
    for (let p = rows[0] * this.width, end = rows[1] * this.width; p < end; p++) {
      const l = hit[p]!;
      if (l) pixels[p] = colors[l]!;
    }
    return this.scratch;
  }

  private build(frame: number): FrameRaster {
    const n = this.width * this.height;
    const hit = this.masks.tracks.length < 255 ? new Uint8Array(n) : new Uint16Array(n);
    const objects: ObjectOnFrame[] = [];
    let y0 = this.height;
    let y1 = 0;
    this.masks.tracks.forEach((track, i) => {
      const counts = track.counts[frame];
      if (!counts) return;
      const rle = { size: this.masks.size, counts };
      paintRle(rle, hit, i + 1);
      const box = rleBbox(rle);
      y0 = Math.min(y0, box[1]);
      y1 = Math.max(y1, box[1] + box[3]);
      objects.push({ localId: track.localId, colorIndex: i, box });
    });
    return { hit, objects, rows: [Math.min(y0, y1), y1] };
  }
}
