import { create } from 'zustand';

/** UI state of the one video player on a page. Pixels never live here: only indices and flags. */
export interface PlayerState {
  frame: number;
  frameCount: number;
  playing: boolean;
  speed: number;
  loop: boolean;
  showMasks: boolean;
  maskOpacity: number;
  reset(frameCount: number): void;
  setFrame(frame: number): void;
  step(delta: number): void;
  setPlaying(playing: boolean): void;
  set(patch: Partial<Pick<PlayerState, 'speed' | 'loop' | 'showMasks' | 'maskOpacity'>>): void;
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
  reset: (frameCount) => set({ frame: 0, frameCount, playing: false }),
  setFrame: (frame) => set((s) => ({ frame: clampFrame(frame, s.frameCount) })),
  step: (delta) => set((s) => ({ playing: false, frame: clampFrame(s.frame + delta, s.frameCount) })),
  setPlaying: (playing) => set({ playing }),
  set: (patch) => set(patch),
}));
