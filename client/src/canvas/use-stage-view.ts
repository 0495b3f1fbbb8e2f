import { useEffect, useLayoutEffect, useMemo, useRef, useState, type RefObject } from 'react';
import type Konva from 'konva';
import { usePlayerStore } from './player-store.ts';

const DRAG_THRESHOLD_PX = 4;

export interface StageProps {
  stageWidth: number;
  stageHeight: number;
  scale: number;
  x: number;
  y: number;
}

/** Stable across renders: reads the current view when called. */
export interface StageView {
  /** Stage pixels per video pixel, now. */
  scale(): number;
  zoomed(): boolean;
  isPanning(): boolean;
  /** The last press moved far enough to be a pan, so its click must not pick. */
  wasDrag(): boolean;
}

function clampPan(pan: { x: number; y: number }, stageW: number, stageH: number, contentW: number, contentH: number) {
  return { x: Math.min(0, Math.max(stageW - contentW, pan.x)), y: Math.min(0, Math.max(stageH - contentH, pan.y)) };
}

/**
 * Fit-to-width plus zoom (wheel, around the pointer) and pan (drag while zoomed; double-click
 * resets). The view lives in the player store; this hook turns it into Stage props.
 */
export function useStageView(
  box: RefObject<HTMLDivElement | null>,
  stageRef: RefObject<Konva.Stage | null>,
  videoWidth: number,
  videoHeight: number,
): { view: StageView; props: StageProps } {
  const [fit, setFit] = useState(1);
  const zoom = usePlayerStore((s) => s.zoom);
  const pan = usePlayerStore((s) => s.pan);
  const state = useRef({ fit: 1, panning: false, moved: false, start: { x: 0, y: 0 }, startPan: { x: 0, y: 0 } });

  // Never upscale the fitted video past 2×: beyond that, zoom is the user's choice. A page may cap
  // the stage's height (CSS max-height on .stage-box, in viewport units) so that its controls stay
  // on screen with the video: the video then scales down to that height too.
  useEffect(() => {
    const el = box.current!;
    const measure = () => {
      const maxHeight = parseFloat(getComputedStyle(el).maxHeight); // NaN for 'none'
      setFit(Math.min(2, el.clientWidth / videoWidth, Number.isFinite(maxHeight) ? maxHeight / videoHeight : Infinity));
    };
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    // The cap follows the window's height, which does not resize the box itself.
    window.addEventListener('resize', measure);
    return () => {
      ro.disconnect();
      window.removeEventListener('resize', measure);
    };
  }, [box, videoWidth, videoHeight]);
  // For the event handlers and `view`; set at commit, before the effects that draw with it.
  useLayoutEffect(() => {
    state.current.fit = fit;
  }, [fit]);

  useEffect(() => {
    const el = box.current!;
    const size = () => {
      const stage = stageRef.current!;
      return { w: stage.width(), h: stage.height() };
    };
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const { zoom: z0, pan: p0, setView } = usePlayerStore.getState();
      const z1 = Math.max(1, Math.min(8, z0 * (e.deltaY < 0 ? 1.2 : 1 / 1.2)));
      const rect = el.getBoundingClientRect();
      const px = e.clientX - rect.left;
      const py = e.clientY - rect.top;
      const f = state.current.fit;
      // Keep the video point under the pointer where it is.
      const vx = (px - p0.x) / (f * z0);
      const vy = (py - p0.y) / (f * z0);
      const { w, h } = size();
      setView(z1, clampPan({ x: px - vx * f * z1, y: py - vy * f * z1 }, w, h, videoWidth * f * z1, videoHeight * f * z1));
    };
    const onDown = (e: PointerEvent) => {
      state.current.moved = false;
      if (e.button !== 0 || usePlayerStore.getState().zoom <= 1) return;
      state.current.panning = true;
      state.current.start = { x: e.clientX, y: e.clientY };
      state.current.startPan = usePlayerStore.getState().pan;
      el.setPointerCapture(e.pointerId);
    };
    const onMove = (e: PointerEvent) => {
      const s = state.current;
      if (!s.panning) return;
      const dx = e.clientX - s.start.x;
      const dy = e.clientY - s.start.y;
      if (Math.hypot(dx, dy) > DRAG_THRESHOLD_PX) s.moved = true;
      const { zoom: z, setView } = usePlayerStore.getState();
      const { w, h } = size();
      setView(z, clampPan({ x: s.startPan.x + dx, y: s.startPan.y + dy }, w, h, videoWidth * s.fit * z, videoHeight * s.fit * z));
    };
    const onUp = () => {
      state.current.panning = false;
    };
    const onDouble = () => usePlayerStore.getState().setView(1, { x: 0, y: 0 });
    el.addEventListener('wheel', onWheel, { passive: false });
    el.addEventListener('pointerdown', onDown);
    el.addEventListener('pointermove', onMove);
    el.addEventListener('pointerup', onUp);
    el.addEventListener('pointercancel', onUp);
    el.addEventListener('dblclick', onDouble);
    return () => {
      el.removeEventListener('wheel', onWheel);
      el.removeEventListener('pointerdown', onDown);
      el.removeEventListener('pointermove', onMove);
      el.removeEventListener('pointerup', onUp);
      el.removeEventListener('pointercancel', onUp);
      el.removeEventListener('dblclick', onDouble);
    };
  }, [box, stageRef, videoWidth, videoHeight]);

  const view = useMemo<StageView>(
    () => ({
      scale: () => state.current.fit * usePlayerStore.getState().zoom,
      zoomed: () => usePlayerStore.getState().zoom > 1,
      isPanning: () => state.current.panning && state.current.moved,
      wasDrag: () => state.current.moved,
    }),
    [],
  );
  return {
    view,
    props: { stageWidth: Math.round(videoWidth * fit), stageHeight: Math.round(videoHeight * fit), scale: fit * zoom, x: pan.x, y: pan.y },
  };
}
