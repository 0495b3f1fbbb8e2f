import { useEffect, useMemo, useRef, useState } from 'react';
import type { VideoMasks } from '#shared/schemas/videos.ts';
import { labelFontPx, paintComposite } from './frame-composites.ts';
import { MaskRasters } from './mask-rasters.ts';

interface Props {
  /** Where the frame's JPEG is (the media route). */
  src: string;
  masks: VideoMasks;
  frame: number;
  /** Display width in CSS pixels; the canvas keeps the video's aspect. */
  width: number;
  label: string;
}

/**
 * One frame with every mask over it, as the player composites it (paintComposite), for previews
 * that are not a player (curation's hover preview). `data-masked` is how many objects are drawn
 * on the frame shown, and `data-frame` which frame: what tests read.
 */
export function MaskPreview({ src, masks, frame, width, label }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const rasters = useMemo(() => new MaskRasters(masks, 16 * 1024 * 1024), [masks]);
  const [drawn, setDrawn] = useState<{ frame: number; masked: number } | null>(null);
  useEffect(() => {
    const image = new Image();
    let live = true;
    image.onload = () => {
      const c = canvas.current;
      if (!live || !c) return;
      const scratch = document.createElement('canvas');
      scratch.width = c.width = rasters.width;
      scratch.height = c.height = rasters.height;
      paintComposite(c, scratch, image, rasters, frame, { opacity: 0.5, dimmed: false }, labelFontPx(rasters.height));
      setDrawn({ frame, masked: rasters.raster(frame).objects.length });
    };
    image.src = src;
    return () => {
      live = false;
      image.onload = null;
    };
  }, [src, rasters, frame]);
  const [h, w] = masks.size;
  return (
    <canvas
      ref={canvas}
      role="img"
      aria-label={label}
      style={{ width, height: Math.round((width * h) / Math.max(1, w)) }}
      data-testid="mask-preview"
      data-frame={drawn?.frame}
      data-masked={drawn?.masked}
    />
  );
}
