import { usePlayerStore } from './player-store.ts';

/**
 * Advances the player's frame on requestAnimationFrame at the video's frame rate times the speed.
 * Elapsed time, not ticks, decides the frame, so playback keeps its pace at any display refresh
 * rate; when the next frame is not loaded yet it stays on the current one (buffering).
 */
export function startPlayback(fps: number, isLoaded: (frame: number) => boolean): () => void {
  let raf = 0;
  let last = performance.now();
  let carry = 0;
  const tick = (now: number) => {
    const s = usePlayerStore.getState();
    if (s.playing && s.frameCount > 1) {
      carry += ((now - last) / 1000) * fps * s.speed;
      let frame = s.frame;
      while (carry >= 1) {
        carry -= 1;
        let next = frame + 1;
        if (next >= s.frameCount) {
          if (!s.loop) {
            s.setPlaying(false);
            carry = 0;
            break;
          }
          next = 0;
        }
        if (!isLoaded(next)) {
          carry = 0;
          break;
        }
        frame = next;
      }
      if (frame !== s.frame) s.setFrame(frame);
    } else {
      carry = 0;
    }
    last = now;
    raf = requestAnimationFrame(tick);
  };
  raf = requestAnimationFrame(tick);
  return () => cancelAnimationFrame(raf);
}
