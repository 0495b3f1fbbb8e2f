import { useEffect, useMemo, useRef, useState } from 'react';
import type Konva from 'konva';
import { Image as KImage, Layer, Stage } from 'react-konva';
import type { FrameLoader } from './frame-loader.ts';
import type { FrameComposites } from './frame-composites.ts';
import { FocusOverlay } from './focus-overlay.ts';
import type { MaskRasters } from './mask-rasters.ts';
import { usePlayerStore } from './player-store.ts';
import { useStageView } from './use-stage-view.ts';

interface Props {
  width: number;
  height: number;
  frames: FrameLoader;
  rasters: MaskRasters;
  composites: FrameComposites;
  categories?: ReadonlyMap<number, string | null>;
  /** Objects chosen as targets: outlined and filled. */
  selected?: readonly number[];
  /** Click/tap on an object (local id); absent = the stage does not pick. */
  onPick?: (localId: number) => void;
}

/**
 * Two Konva layers: the scene (the frame, or the frame pre-composited with its masks and labels)
 * and the focus (outlines and emphasis of hovered, selected or highlighted objects). Both are
 * updated imperatively from the player store, never by a React render per frame, and neither
 * listens for Konva events: pointer picking reads the frame's hit raster (one array lookup).
 */
export function VideoStage({ width, height, frames, rasters, composites, categories, selected = [], onPick }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const stageRef = useRef<Konva.Stage>(null);
  const sceneNode = useRef<Konva.Image>(null);
  const focusNode = useRef<Konva.Image>(null);
  const focus = useMemo(() => new FocusOverlay(rasters), [rasters]);
  const [tooltip, setTooltip] = useState<{ x: number; y: number; id: number } | null>(null);
  const { view, props: stageProps } = useStageView(box, stageRef, width, height);
  // `selected` is a new array on every render; its ids, not its identity, decide when to redraw.
  const selectedKey = selected.join(',');
  const selectedIds = useMemo(() => (selectedKey === '' ? [] : selectedKey.split(',').map(Number)), [selectedKey]);

  useEffect(() => {
    const draw = (sync = false) => {
      const s = usePlayerStore.getState();
      const bitmap = frames.get(s.frame);
      const style = { opacity: s.maskOpacity, dimmed: s.highlightId !== null };
      const scene = s.showMasks ? (composites.get(s.frame, style) ?? bitmap) : bitmap;
      if (scene) sceneNode.current?.image(scene);
      const fill = s.showMasks ? [...(s.highlightId !== null ? [s.highlightId] : []), ...selectedIds] : [];
      const focused = focus.render(s.frame, { selected: selectedIds, hover: s.hoverId, fill, fillAlpha: s.maskOpacity });
      const focusImage = focusNode.current!;
      focusImage.image(focused ?? undefined);
      focusImage.getLayer()!.visible(focused !== null);
      const stage = stageRef.current;
      if (sync) stage?.draw();
      else stage?.batchDraw();
      window.__studioPlayer = {
        frame: s.frame,
        scale: view.scale(),
        width,
        height,
        frameReady: Boolean(bitmap),
        selected: selectedIds,
        hoverId: s.hoverId,
        toStage: (x, y) => stage!.getAbsoluteTransform().point({ x, y }),
        renderNow: () => {
          const t0 = performance.now();
          draw(true);
          // Canvas 2D work is deferred until something needs the pixels: read one pixel of each
          // visible layer so the measurement includes the real rasterisation.
          for (const layer of stage!.getLayers()) if (layer.visible()) layer.getContext().getImageData(0, 0, 1, 1);
          return performance.now() - t0;
        },
        seek: (frame) => usePlayerStore.getState().setFrame(frame),
        setMasks: (on) => usePlayerStore.getState().set({ showMasks: on }),
        setOpacity: (opacity) => usePlayerStore.getState().set({ maskOpacity: opacity }),
      };
    };
    draw();
    const unsubStore = usePlayerStore.subscribe(() => draw());
    const unsubFrames = frames.subscribe(() => {
      if (frames.get(usePlayerStore.getState().frame)) draw();
    });
    return () => {
      unsubStore();
      unsubFrames();
    };
  }, [frames, composites, focus, width, height, selectedIds, view]);

  // Picking and hovering read the hit raster under the pointer.
  useEffect(() => {
    const el = box.current!;
    const videoPoint = (e: PointerEvent | MouseEvent) => {
      const rect = el.getBoundingClientRect();
      return stageRef.current!.getAbsoluteTransform().copy().invert().point({ x: e.clientX - rect.left, y: e.clientY - rect.top });
    };
    const onMove = (e: PointerEvent) => {
      if (view.isPanning()) return;
      const v = videoPoint(e);
      const id = rasters.objectAt(usePlayerStore.getState().frame, v.x, v.y);
      usePlayerStore.getState().setHover(id);
      const rect = el.getBoundingClientRect();
      setTooltip(id === null ? null : { x: e.clientX - rect.left, y: e.clientY - rect.top, id });
      el.style.cursor = id !== null && onPick ? 'pointer' : view.zoomed() ? 'grab' : 'default';
    };
    const onLeave = () => {
      usePlayerStore.getState().setHover(null);
      setTooltip(null);
    };
    const onClick = (e: MouseEvent) => {
      if (!onPick || view.wasDrag()) return;
      const v = videoPoint(e);
      const id = rasters.objectAt(usePlayerStore.getState().frame, v.x, v.y);
      if (id !== null) onPick(id);
    };
    el.addEventListener('pointermove', onMove);
    el.addEventListener('pointerleave', onLeave);
    el.addEventListener('click', onClick);
    return () => {
      el.removeEventListener('pointermove', onMove);
      el.removeEventListener('pointerleave', onLeave);
      el.removeEventListener('click', onClick);
    };
  }, [rasters, onPick, view]);

  const { stageWidth, stageHeight, scale, x, y } = stageProps;
  return (
    <div ref={box} className="stage-box" data-testid="stage">
      <Stage ref={stageRef} width={stageWidth} height={stageHeight} scaleX={scale} scaleY={scale} x={x} y={y} listening={false}>
        <Layer listening={false}>
          <KImage ref={sceneNode} image={undefined} width={width} height={height} />
        </Layer>
        <Layer listening={false} visible={false}>
          <KImage ref={focusNode} image={undefined} width={width} height={height} />
        </Layer>
      </Stage>
      {tooltip && (
        <div className="stage-tooltip" style={{ left: tooltip.x + 12, top: tooltip.y + 12 }} data-testid="stage-tooltip">
          #{tooltip.id}
          {categories?.get(tooltip.id) ? ` ${categories.get(tooltip.id)}` : ''}
        </div>
      )}
    </div>
  );
}
