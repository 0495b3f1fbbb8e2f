// The page's test and benchmark handle (set by VideoStage.tsx), in a global declaration file of its
// own so that the Playwright specs and benchmarks, checked by tsconfig.tools.json, see the same type.

interface Window {
  /** Test and benchmark handle: where the player is, without reaching into React internals. */
  __studioPlayer?: {
    frame: number;
    scale: number;
    width: number;
    height: number;
    frameReady: boolean;
    /** The object under the pointer (or the timeline lane under it), outlined; null for none. */
    hoverId: number | null;
    /** Objects drawn as selected (outlined), by id. */
    selected: readonly number[];
    /** Stage pixel of a video pixel (after fit, zoom and pan). */
    toStage(x: number, y: number): { x: number; y: number };
    /** Draws the current frame synchronously and flushes the canvases; returns milliseconds. */
    renderNow(): number;
    seek(frame: number): void;
    setMasks(on: boolean): void;
    setOpacity(opacity: number): void;
  };
}
