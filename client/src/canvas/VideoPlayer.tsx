import { useEffect, useMemo, useSyncExternalStore } from 'react';
import type { VideoDetail, VideoMasks } from '#shared/schemas/videos.ts';
import { FrameLoader } from './frame-loader.ts';
import { FrameComposites } from './frame-composites.ts';
import { MaskRasters } from './mask-rasters.ts';
import { cssColor, objectColor } from './palette.ts';
import { startPlayback } from './playback.ts';
import { usePlayerStore } from './player-store.ts';
import { PLAYER_SHORTCUTS } from './player-shortcuts.ts';
import { PlayerControls } from './PlayerControls.tsx';
import { VideoStage } from './VideoStage.tsx';
import { ProgressBar } from '../ui/ProgressBar.tsx';
import { useShortcuts } from '../ui/use-shortcuts.ts';

export const frameUrl = (videoId: number, index: number) => `/media/frames/${videoId}/${index}`;

interface Props {
  video: VideoDetail;
  masks: VideoMasks;
  selected?: readonly number[];
  onPick?: (localId: number) => void;
  /** Extra text per object in the legend (e.g. "barely moves"). */
  legendNote?: (localId: number) => string | null;
}

/** A video with every object's mask over it: the view every role builds on. */
export function VideoPlayer({ video, masks, selected, onPick, legendNote }: Props) {
  const frames = useMemo(() => new FrameLoader((i) => frameUrl(video.id, i), video.frames.length).start(), [video.id, video.frames.length]);
  const rasters = useMemo(() => new MaskRasters(masks), [masks]);
  const composites = useMemo(() => new FrameComposites(rasters, frames), [rasters, frames]);
  const categories = useMemo(() => new Map(video.objects.map((o) => [o.localId, o.category])), [video.objects]);
  useEffect(() => () => frames.dispose(), [frames]);
  useEffect(() => usePlayerStore.getState().reset(video.frames.length), [video.id, video.frames.length]);
  useEffect(() => startPlayback(video.fps, (i) => frames.get(i) !== undefined), [frames, video.fps]);
  // Re-render on load progress only; the frames themselves are drawn by the stage, outside React.
  useSyncExternalStore(
    (fn) => frames.subscribe(fn),
    () => frames.version,
  );
  const { loaded, failed, total } = frames.progress();
  const allLoaded = loaded + failed === total;
  // Composite ahead of playback in idle time; again when all frames are in or the style changes.
  const maskOpacity = usePlayerStore((s) => s.maskOpacity);
  const dimmed = usePlayerStore((s) => s.highlightId !== null);
  useEffect(
    () => composites.prefetch(usePlayerStore.getState().frame, { opacity: maskOpacity, dimmed }),
    [composites, maskOpacity, dimmed, allLoaded],
  );
  useShortcuts(PLAYER_SHORTCUTS);

  const highlightId = usePlayerStore((s) => s.highlightId);
  const toggleHighlight = usePlayerStore((s) => s.toggleHighlight);

  return (
    <div className="player" data-testid="player">
      <VideoStage
        width={video.width}
        height={video.height}
        frames={frames}
        rasters={rasters}
        composites={composites}
        categories={categories}
        selected={selected}
        onPick={onPick}
      />
      {loaded < total && <ProgressBar value={loaded} max={total} label={`frames ${loaded}/${total}`} />}
      {failed > 0 && <p className="error">{failed} frame(s) could not be loaded.</p>}
      <PlayerControls names={video.frames} />
      <ul className="legend" data-testid="legend">
        {video.objects.map((o, i) => {
          const note = legendNote?.(o.localId);
          return (
            <li key={o.localId}>
              <button
                className={`legend-item${highlightId === o.localId ? ' active' : ''}${selected?.includes(o.localId) ? ' selected' : ''}`}
                onClick={() => toggleHighlight(o.localId)}
                title="highlight this object (dim the others)"
              >
                <span className="swatch" style={{ background: cssColor(objectColor(i)) }} />#{o.localId}
                {o.category ? ` ${o.category}` : ''}
                {note && <span className="muted small"> · {note}</span>}
              </button>
            </li>
          );
        })}
      </ul>
    </div>
  );
}
