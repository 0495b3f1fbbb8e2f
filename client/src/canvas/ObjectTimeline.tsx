import { useEffect, useMemo, useRef, useState } from 'react';
import type { VideoMasks } from '#shared/schemas/videos.ts';
import { MOVING, objectTimeline, STILL } from '#shared/motion/index.ts';
import { cssColor, objectColor } from './palette.ts';
import { usePlayerStore } from './player-store.ts';

const LANE_PX = 12;
const OPEN_KEY = 'studio.timelineOpen';

interface Props {
  masks: VideoMasks;
  objects: { localId: number; category: string | null }[];
  selected: readonly number[];
  onPick(localId: number): void;
  /** The moment of the motion the sentence describes (frames, inclusive), and how to set it. */
  motion?: { start: number; end: number };
  onMotion?(motion: { start: number; end: number } | undefined): void;
}

/**
 * One lane per object under the player (as in SAM 2's demo): where the object is visible (pale)
 * and where it moves (solid), with the playhead. Click a lane to pick the object; hovering a lane
 * outlines the object in the video; click the ruler to go to a frame. The moment of the motion is
 * marked from the playhead ("starts here" / "ends here") and shown on the ruler.
 */
export function ObjectTimeline({ masks, objects, selected, onPick, motion, onMotion }: Props) {
  const lanes = useMemo(() => masks.tracks.map((t) => ({ localId: t.localId, states: objectTimeline(t.counts, masks.size) })), [masks]);
  const frame = usePlayerStore((s) => s.frame);
  const frameCount = usePlayerStore((s) => s.frameCount);
  const [open, setOpen] = useState(() => localStorage.getItem(OPEN_KEY) ?? (window.innerHeight >= 960 ? '1' : '0'));
  const colorOf = new Map(objects.map((o, i) => [o.localId, i]));
  const n = Math.max(1, frameCount);
  const pct = (f: number) => `${(100 * f) / n}%`;
  const seekFrom = (e: React.MouseEvent<HTMLElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    usePlayerStore.getState().setFrame(Math.min(n - 1, Math.floor(((e.clientX - r.left) / r.width) * n)));
  };
  return (
    <details
      className="timeline"
      open={open === '1'}
      onToggle={(e) => {
        const v = (e.target as HTMLDetailsElement).open ? '1' : '0';
        localStorage.setItem(OPEN_KEY, v);
        setOpen(v);
      }}
      data-testid="timeline"
    >
      <summary>Object timeline</summary>
      <div className="timeline-grid">
        <span className="muted small">frame {frame + 1}</span>
        <div className="timeline-ruler" onClick={seekFrom} title="go to this frame" data-testid="timeline-ruler">
          {motion && <div className="timeline-motion" style={{ left: pct(motion.start), width: pct(motion.end - motion.start + 1) }} data-testid="timeline-motion" />}
          <div className="timeline-playhead" style={{ left: pct(frame) }} />
        </div>
        {lanes.map((lane) => (
          <Lane
            key={lane.localId}
            localId={lane.localId}
            label={`#${lane.localId}${objects.find((o) => o.localId === lane.localId)?.category ? ` ${objects.find((o) => o.localId === lane.localId)!.category}` : ''}`}
            states={lane.states}
            color={cssColor(objectColor(colorOf.get(lane.localId) ?? 0))}
            picked={selected.includes(lane.localId)}
            onPick={() => onPick(lane.localId)}
            playhead={pct(frame)}
          />
        ))}
      </div>
      {onMotion && (
        <div className="row small" data-testid="timeline-mark">
          <span className="muted">The motion the sentence describes:</span>
          <button onClick={() => onMotion({ start: frame, end: Math.max(frame, motion?.end ?? frame) })} data-testid="motion-start">
            starts at this frame
          </button>
          <button onClick={() => onMotion({ start: Math.min(frame, motion?.start ?? frame), end: frame })} data-testid="motion-end">
            ends at this frame
          </button>
          {motion && (
            <>
              <span data-testid="motion-range">
                frames {motion.start + 1}–{motion.end + 1}
              </span>
              <button onClick={() => onMotion(undefined)}>clear</button>
            </>
          )}
        </div>
      )}
    </details>
  );
}

function Lane({ localId, label, states, color, picked, onPick, playhead }: { localId: number; label: string; states: Uint8Array; color: string; picked: boolean; onPick(): void; playhead: string }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  // One canvas per lane (a div per frame would be tens of thousands of nodes on long videos).
  useEffect(() => {
    const c = canvas.current!;
    c.width = states.length;
    c.height = 1;
    const ctx = c.getContext('2d')!;
    ctx.clearRect(0, 0, c.width, 1);
    for (let f = 0; f < states.length; f++) {
      if (states[f] === STILL) {
        ctx.globalAlpha = 0.35;
      } else if (states[f] === MOVING) {
        ctx.globalAlpha = 1;
      } else continue;
      ctx.fillStyle = color;
      ctx.fillRect(f, 0, 1, 1);
    }
  }, [states, color]);
  const setHover = usePlayerStore((s) => s.setHover);
  return (
    <>
      <button className={`timeline-label${picked ? ' active' : ''}`} aria-pressed={picked} onClick={onPick} onMouseEnter={() => setHover(localId)} onMouseLeave={() => setHover(null)} data-testid={`lane-label-${localId}`}>
        {label}
      </button>
      <div className="timeline-lane" onClick={onPick} onMouseEnter={() => setHover(localId)} onMouseLeave={() => setHover(null)} title={`pick ${label}`} data-testid={`lane-${localId}`}>
        <canvas ref={canvas} style={{ height: LANE_PX }} />
        <div className="timeline-playhead" style={{ left: playhead }} />
      </div>
    </>
  );
}
