import type { Shortcut } from '../ui/use-shortcuts.ts';
import { usePlayerStore } from './player-store.ts';

/** Playback keys shared by every page with a player; pages add their own (picking, submit). */
export const PLAYER_SHORTCUTS: Shortcut[] = [
  { keys: [' '], run: () => usePlayerStore.getState().togglePlaying() },
  { keys: ['ArrowLeft'], run: (e) => usePlayerStore.getState().step(e.shiftKey ? -10 : -1) },
  { keys: ['ArrowRight'], run: (e) => usePlayerStore.getState().step(e.shiftKey ? 10 : 1) },
  { keys: ['m'], run: () => usePlayerStore.getState().set({ showMasks: !usePlayerStore.getState().showMasks }) },
  { keys: ['+', '='], run: () => usePlayerStore.getState().zoomBy(1.5) },
  { keys: ['-'], run: () => usePlayerStore.getState().zoomBy(1 / 1.5) },
  { keys: ['f'], run: () => usePlayerStore.getState().setView(1, { x: 0, y: 0 }) },
];

export const PLAYER_SHORTCUT_HELP: [string, string][] = [
  ['Space', 'play / pause'],
  ['← / →', 'previous / next frame (Shift: 10 frames)'],
  ['M', 'show / hide masks'],
  ['+ / − / F', 'zoom in / out / fit'],
  ['wheel, drag', 'zoom around the pointer, pan when zoomed (double-click: fit)'],
  ['click legend', 'highlight one object, dim the others'],
];
