import type { FrameLoader } from './frame-loader.ts';
import type { MaskRasters } from './mask-rasters.ts';
import { cssColor, objectColor } from './palette.ts';

export interface CompositeStyle {
  opacity: number;
  /** "Highlight one object": every mask dimmed; the focus layer re-draws the highlighted one. */
  dimmed: boolean;
}

const DIMMED = 0.2;

/**
 * Frame + all masks + id labels, composited once per frame into one canvas and kept in an LRU.
 * Playback then draws a single image per tick, exactly like a frame without masks: measured in
 * `npm run bench:canvas`, separate Konva layers for masks and labels cost 3–5× the frame alone in
 * Chromium's software rasteriser, a pre-composited frame costs the same as the bare frame.
 */
type Composite = HTMLCanvasElement | ImageBitmap;

export class FrameComposites {
  private readonly cache = new Map<string, Composite>();
  private readonly spare: HTMLCanvasElement[] = [];
  private readonly scratch: HTMLCanvasElement;
  private readonly maxEntries: number;
  private readonly fontPx: number;

  constructor(
    private readonly rasters: MaskRasters,
    private readonly frames: FrameLoader,
    maxPixels = 32 * 1024 * 1024,
  ) {
    this.maxEntries = Math.max(4, Math.floor(maxPixels / (rasters.width * rasters.height)));
    this.scratch = document.createElement('canvas');
    this.scratch.width = rasters.width;
    this.scratch.height = rasters.height;
    this.fontPx = labelFontPx(rasters.height);
  }

  has(frame: number, style: CompositeStyle): boolean {
    return this.cache.has(key(frame, style));
  }

  /** The composited frame, or null while its JPEG has not arrived. */
  get(frame: number, style: CompositeStyle): Composite | null {
    const k = key(frame, style);
    const hit = this.cache.get(k);
    if (hit) {
      this.cache.delete(k);
      this.cache.set(k, hit);
      return hit;
    }
    const bitmap = this.frames.get(frame);
    if (!bitmap) return null;
    const canvas = this.spare.pop() ?? document.createElement('canvas');
    canvas.width = this.rasters.width;
    canvas.height = this.rasters.height;
    this.paint(canvas, bitmap, frame, style);
    this.cache.set(k, canvas);
    // Drawing a canvas into the stage makes Chromium snapshot it each time; a bitmap is drawn
    // like the frames themselves (bench:canvas: about 1 ms per draw at 1280×720).
    void createImageBitmap(canvas).then((bmp) => {
      if (this.cache.get(k) !== canvas) return bmp.close();
      this.cache.set(k, bmp);
      this.spare.push(canvas);
    });
    while (this.cache.size > this.maxEntries) {
      const oldest = this.cache.keys().next().value!;
      const entry = this.cache.get(oldest)!;
      if (entry instanceof ImageBitmap) entry.close();
      else this.spare.push(entry);
      this.cache.delete(oldest);
    }
    return canvas;
  }

  /**
   * Composites upcoming frames while the browser is idle, so playback finds them ready; stops at
   * the cache's capacity so it never evicts what it just built. Returns a cancel function.
   */
  prefetch(from: number, style: CompositeStyle): () => void {
    const total = this.rasters.frameCount;
    const budget = Math.min(total, this.maxEntries);
    let next = 0;
    let handle = 0;
    const work = (deadline: IdleDeadline) => {
      while (next < budget && deadline.timeRemaining() > 4) {
        const f = (from + next) % total;
        if (!this.frames.get(f)) break;
        this.get(f, style);
        next++;
      }
      if (next < budget) handle = requestIdleCallback(work, { timeout: 500 });
    };
    handle = requestIdleCallback(work, { timeout: 500 });
    return () => cancelIdleCallback(handle);
  }

  private paint(canvas: HTMLCanvasElement, bitmap: ImageBitmap, frame: number, style: CompositeStyle) {
    paintComposite(canvas, this.scratch, bitmap, this.rasters, frame, style, this.fontPx);
  }
}

/**
 * Draws a frame with every mask of the raster in its colour and each object's `#id` label into
 * `canvas` (video size); `scratch` is a video-size canvas for the colour layer. The player's
 * composites and the still previews (MaskPreview.tsx) draw with this one function.
 */
export function paintComposite(canvas: HTMLCanvasElement, scratch: HTMLCanvasElement, image: CanvasImageSource, rasters: MaskRasters, frame: number, style: CompositeStyle, fontPx: number): void {
  const ctx = canvas.getContext('2d')!;
  ctx.globalAlpha = 1;
  ctx.drawImage(image, 0, 0, canvas.width, canvas.height);
  scratch.getContext('2d')!.putImageData(rasters.colorImage(frame), 0, 0);
  ctx.globalAlpha = style.dimmed ? style.opacity * DIMMED : style.opacity;
  ctx.drawImage(scratch, 0, 0);
  ctx.globalAlpha = 1;
  ctx.font = `bold ${fontPx}px system-ui, sans-serif`;
  ctx.textBaseline = 'bottom';
  ctx.lineJoin = 'round';
  ctx.lineWidth = Math.max(2, fontPx / 5);
  for (const o of rasters.raster(frame).objects) {
    const label = `#${o.localId}`;
    // Inside the canvas whatever the box: a label cut at the edge names no object.
    const x = Math.max(1, Math.min(o.box[0], canvas.width - ctx.measureText(label).width - 2));
    const y = Math.max(fontPx + 1, o.box[1] - 2);
    ctx.strokeStyle = 'rgba(0, 0, 0, 0.8)';
    ctx.strokeText(label, x, y);
    ctx.fillStyle = cssColor(objectColor(o.colorIndex));
    ctx.fillText(label, x, y);
  }
}

/** Labels are drawn at video resolution; scaled with the frame they stay readable. */
export const labelFontPx = (videoHeight: number) => Math.max(12, Math.round(videoHeight / 32));

const key = (frame: number, s: CompositeStyle) => `${frame}|${s.opacity}|${s.dimmed ? 1 : 0}`;
