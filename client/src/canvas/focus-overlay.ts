import type { MaskRasters } from './mask-rasters.ts';
import { objectColor, packRgba } from './palette.ts';

export interface FocusSpec {
  /** Objects drawn with an outline: selected ones solid, the hovered one lighter. */
  selected: readonly number[];
  hover: number | null;
  /** Objects re-drawn in full colour over the (possibly dimmed) mask layer. */
  fill: readonly number[];
  fillAlpha: number;
}

const WHITE = packRgba([255, 255, 255], 255);
const HOVER = packRgba([255, 255, 255], 170);
const DARK = packRgba([0, 0, 0], 200);

/**
 * Outlines and emphasis fills for the few objects in focus, drawn from the frame's hit raster and
 * limited to each object's box, so hovering or selecting costs a small region, not a full frame.
 * One canvas, rebuilt only when the frame or the focus changes.
 */
export class FocusOverlay {
  private readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private key = '';

  constructor(private readonly rasters: MaskRasters) {
    this.canvas = document.createElement('canvas');
    this.canvas.width = rasters.width;
    this.canvas.height = rasters.height;
    // Regions are read back on every focus change; tell the browser to keep this canvas in memory.
    this.ctx = this.canvas.getContext('2d', { willReadFrequently: true })!;
  }

  render(frame: number, spec: FocusSpec): HTMLCanvasElement | null {
    if (spec.selected.length === 0 && spec.hover === null && spec.fill.length === 0) return null;
    const key = `${frame}|${spec.selected.join(',')}|${spec.hover}|${spec.fill.join(',')}|${spec.fillAlpha}`;
    if (key === this.key) return this.canvas;
    this.key = key;
    const { width, height } = this.rasters;
    this.ctx.clearRect(0, 0, width, height);
    const frameRaster = this.rasters.raster(frame);
    for (const o of frameRaster.objects) {
      const selected = spec.selected.includes(o.localId);
      const hovered = spec.hover === o.localId;
      const filled = spec.fill.includes(o.localId);
      if (!selected && !hovered && !filled) continue;
      this.paintObject(frameRaster.hit, o.colorIndex + 1, o.box, {
        fill: filled ? packRgba(objectColor(o.colorIndex), Math.round(255 * spec.fillAlpha)) : 0,
        line: selected ? WHITE : hovered ? HOVER : 0,
      });
    }
    return this.canvas;
  }

  private paintObject(hit: Uint8Array | Uint16Array, label: number, box: [number, number, number, number], paint: { fill: number; line: number }) {
    const { width, height } = this.rasters;
    // One pixel of margin: the outline straddles the mask edge (inner and outer pixel).
    const x0 = Math.max(0, box[0] - 1);
    const y0 = Math.max(0, box[1] - 1);
    const x1 = Math.min(width, box[0] + box[2] + 1);
    const y1 = Math.min(height, box[1] + box[3] + 1);
    const w = x1 - x0;
    const h = y1 - y0;
    if (w <= 0 || h <= 0) return;
    const image = this.ctx.getImageData(x0, y0, w, h);
    const out = new Uint32Array(image.data.buffer);
    const at = (x: number, y: number) => (x >= 0 && y >= 0 && x < width && y < height ? hit[y * width + x] : 0);
    for (let y = y0; y < y1; y++) {
      for (let x = x0; x < x1; x++) {
        const inside = hit[y * width + x] === label;
        const edge = inside
          ? at(x - 1, y) !== label || at(x + 1, y) !== label || at(x, y - 1) !== label || at(x, y + 1) !== label
          : at(x - 1, y) === label || at(x + 1, y) === label || at(x, y - 1) === label || at(x, y + 1) === label;
        const o = (y - y0) * w + (x - x0);
        if (edge && paint.line) out[o] = inside ? paint.line : DARK;
        else if (inside && paint.fill) out[o] = paint.fill;
      }
    }
    this.ctx.putImageData(image, x0, y0);
  }
}
