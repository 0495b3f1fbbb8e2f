import { usePlayerStore } from './player-store.ts';

const SPEEDS = [0.25, 0.5, 1, 1.5, 2];

export function PlayerControls({ names }: { names: string[] }) {
  const s = usePlayerStore();
  const last = Math.max(0, s.frameCount - 1);
  const zoomBy = s.zoomBy;
  return (
    <div className="player-controls">
      <button onClick={() => s.step(-1)} aria-label="previous frame" title="previous frame (←)">
        ◀
      </button>
      <button className="primary" onClick={() => s.togglePlaying()} data-testid="play-toggle" title="play / pause (Space)">
        {s.playing ? 'Pause' : 'Play'}
      </button>
      <button onClick={() => s.step(1)} aria-label="next frame" title="next frame (→)">
        ▶
      </button>
      <input className="scrub" type="range" min={0} max={last} value={s.frame} onChange={(e) => s.setFrame(Number(e.target.value))} aria-label="frame" />
      <span className="frame-no" data-testid="frame-no">
        {s.frame + 1}/{s.frameCount} <span className="muted">({names[s.frame]})</span>
      </span>
      <select value={s.speed} onChange={(e) => s.set({ speed: Number(e.target.value) })} aria-label="speed">
        {SPEEDS.map((v) => (
          <option key={v} value={v}>
            {v}×
          </option>
        ))}
      </select>
      <label>
        <input type="checkbox" checked={s.loop} onChange={(e) => s.set({ loop: e.target.checked })} /> loop
      </label>
      <label>
        <input type="checkbox" checked={s.showMasks} onChange={(e) => s.set({ showMasks: e.target.checked })} /> masks
      </label>
      <input
        type="range"
        min={0.1}
        max={1}
        step={0.05}
        value={s.maskOpacity}
        onChange={(e) => s.set({ maskOpacity: Number(e.target.value) })}
        aria-label="mask opacity"
        title="mask opacity"
      />
      <span className="zoom">
        <button onClick={() => zoomBy(1 / 1.5)} aria-label="zoom out" title="zoom out (−)" disabled={s.zoom <= 1}>
          −
        </button>
        <span className="muted small">{Math.round(s.zoom * 100)}%</span>
        <button onClick={() => zoomBy(1.5)} aria-label="zoom in" title="zoom in (+)" disabled={s.zoom >= 8}>
          +
        </button>
      </span>
    </div>
  );
}
