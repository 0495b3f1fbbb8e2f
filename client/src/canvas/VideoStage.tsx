import { useEffect, useRef, useState } from 'react';
import Konva from 'konva';
import { Image as KImage, Layer, Stage, Text as KText } from 'react-konva';
import type { FrameLoader } from './frame-loader.ts';
import type { MaskOverlays } from './mask-overlays.ts';
import { cssColor, objectColor } from './palette.ts';
import { usePlayerStore } from './player-store.ts';

declare global {
  interface Window {
    /** Test handle for e2e: where the player is, without reaching into React internals. */
    __studioPlayer?: { frame: number; scale: number; width: number; height: number; frameReady: boolean };
  }
}

interface Props {
  width: number;
  height: number;
  frames: FrameLoader;
  overlays: MaskOverlays;
  objectIds: number[];
}

/**
 * Frame, masks and labels on three Konva layers. The layers are updated imperatively from the
 * player store (no React render per frame); the mask and label layers never listen for events.
 */
export function VideoStage({ width, height, frames, overlays, objectIds }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const [scale, setScale] = useState(1);
  const frameNode = useRef<Konva.Image>(null);
  const maskNode = useRef<Konva.Image>(null);
  const maskLayer = useRef<Konva.Layer>(null);
  const labelLayer = useRef<Konva.Layer>(null);
  const labelNodes = useRef(new Map<number, Konva.Text>());

  // Fit the video to the available width, never upscaling past 2×.
  useEffect(() => {
    const el = box.current!;
    const fit = () => setScale(Math.min(2, el.clientWidth / width));
    fit();
    const ro = new ResizeObserver(fit);
    ro.observe(el);
    return () => ro.disconnect();
  }, [width]);

  useEffect(() => {
    const draw = () => {
      const s = usePlayerStore.getState();
      const bitmap = frames.get(s.frame);
      if (bitmap) frameNode.current?.image(bitmap);
      const mask = maskNode.current!;
      mask.visible(s.showMasks);
      mask.opacity(s.maskOpacity);
      const labels = labelLayer.current!;
      labels.visible(s.showMasks);
      if (s.showMasks) {
        const o = overlays.overlay(s.frame);
        mask.image(o.canvas);
        const present = new Set(o.labels.map((l) => l.localId));
        for (const l of o.labels) labelNodes.current.get(l.localId)?.position({ x: l.x, y: Math.max(0, l.y - 16) }).visible(true);
        for (const [id, node] of labelNodes.current) if (!present.has(id)) node.visible(false);
      }
      frameNode.current?.getLayer()?.batchDraw();
      maskLayer.current?.batchDraw();
      labels.batchDraw();
      window.__studioPlayer = { frame: s.frame, scale, width, height, frameReady: Boolean(bitmap) };
    };
    draw();
    const unsubStore = usePlayerStore.subscribe(draw);
    const unsubFrames = frames.subscribe(() => {
      if (!frameNode.current?.image() || frames.get(usePlayerStore.getState().frame)) draw();
    });
    return () => {
      unsubStore();
      unsubFrames();
    };
  }, [frames, overlays, scale, width, height]);

  return (
    <div ref={box} className="stage-box">
      <Stage width={Math.round(width * scale)} height={Math.round(height * scale)} scaleX={scale} scaleY={scale}>
        <Layer listening={false}>
          <KImage ref={frameNode} image={undefined} width={width} height={height} />
        </Layer>
        <Layer ref={maskLayer} listening={false}>
          <KImage ref={maskNode} image={undefined} width={width} height={height} />
        </Layer>
        <Layer ref={labelLayer} listening={false}>
          {objectIds.map((id, i) => (
            <KText
              key={id}
              ref={(node) => {
                if (node) labelNodes.current.set(id, node);
                else labelNodes.current.delete(id);
              }}
              text={`#${id}`}
              fontSize={14 / Math.max(scale, 0.5)}
              fontStyle="bold"
              padding={2}
              fill="#fff"
              stroke={cssColor(objectColor(i))}
              strokeWidth={0.5}
              shadowColor="#000"
              shadowBlur={2}
              visible={false}
            />
          ))}
        </Layer>
      </Stage>
    </div>
  );
}
