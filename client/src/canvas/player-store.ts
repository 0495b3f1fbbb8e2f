import { create } from 'zustand';

export const MIN_ZOOM = 1;
export const MAX_ZOOM = 8;

/** UI state of the one video player on a page. Pixels never live here: only indices and flags. */
export interface PlayerState {
  frame: number;
  frameCount: number;
  playing: boolean;
  speed: number;
  loop: boolean;
  showMasks: boolean;
  maskOpacity: number;
  /** Object under the pointer (local id), for the outline and the tooltip. */
  hoverId: number | null;
  /** "Highlight one object": it keeps full colour, the others are dimmed. */
  highlightId: number | null;
  /** Zoom relative to fit-to-width, and the pan offset in stage pixels. */
  zoom: number;
  pan: { x: number; y: number };
  reset(frameCount: number): void;
  setFrame(frame: number): void;
  step(delta: number): void;
  setPlaying(playing: boolean): void;
  togglePlaying(): void;
  setHover(id: number | null): void;
  toggleHighlight(id: number): void;
  setView(zoom: number, pan: { x: number; y: number }): void;
  /** Zooms by a factor about the view's top-left (buttons and keys; the wheel zooms about the pointer). */
  zoomBy(factor: number): void;
  set(patch: Partial<Pick<PlayerState, 'speed' | 'loop' | 'showMasks' | 'maskOpacity' | 'highlightId'>>): void;
}

const clampFrame = (f: number, n: number) => Math.max(0, Math.min(n - 1, f));

export const usePlayerStore = create<PlayerState>()((set) => ({
  frame: 0,
  frameCount: 0,
  playing: false,
  speed: 1,
  loop: true,
  showMasks: true,
  maskOpacity: 0.55,
  hoverId: null,
  highlightId: null,
  zoom: 1,
  pan: { x: 0, y: 0 },
  reset: (frameCount) => set({ frame: 0, frameCount, playing: false, hoverId: null, highlightId: null, zoom: 1, pan: { x: 0, y: 0 } }),
  setFrame: (frame) => set((s) => ({ frame: clampFrame(frame, s.frameCount) })),
  step: (delta) => set((s) => ({ playing: false, frame: clampFrame(s.frame + delta, s.frameCount) })),
  setPlaying: (playing) => set({ playing }),
  togglePlaying: () => set((s) => ({ playing: !s.playing })),
  setHover: (hoverId) => set((s) => (s.hoverId === hoverId ? s : { hoverId })),
  toggleHighlight: (id) => set((s) => ({ highlightId: s.highlightId === id ? null : id })),
  setView: (zoom, pan) => set({ zoom: Math.max(MIN_ZOOM, Math.min(MAX_ZOOM, zoom)), pan }),
  zoomBy: (factor) =>
    set((s) => {
      const zoom = Math.max(MIN_ZOOM, Math.min(MAX_ZOOM, s.zoom * factor));
      return { zoom, pan: zoom === 1 ? { x: 0, y: 0 } : { x: (s.pan.x * zoom) / s.zoom, y: (s.pan.y * zoom) / s.zoom } };
    }),
  set: (patch) => set(patch),
}));
