import { useEffect, useMemo, useSyncExternalStore } from 'react';
import type { VideoDetail, VideoMasks } from '#shared/schemas/videos.ts';
import { FrameLoader } from './frame-loader.ts';
import { MaskOverlays } from './mask-overlays.ts';
import { cssColor, objectColor } from './palette.ts';
import { startPlayback } from './playback.ts';
import { usePlayerStore } from './player-store.ts';
import { PlayerControls } from './PlayerControls.tsx';
import { VideoStage } from './VideoStage.tsx';
import { ProgressBar } from '../ui/ProgressBar.tsx';

export const frameUrl = (videoId: number, index: number) => `/media/frames/${videoId}/${index}`;

/** A video with every object's mask over it: the view every role builds on. */
export function VideoPlayer({ video, masks }: { video: VideoDetail; masks: VideoMasks }) {
  const frames = useMemo(() => new FrameLoader((i) => frameUrl(video.id, i), video.frames.length).start(), [video.id, video.frames.length]);
  const overlays = useMemo(() => new MaskOverlays(masks), [masks]);
  useEffect(() => () => frames.dispose(), [frames]);
  useEffect(() => usePlayerStore.getState().reset(video.frames.length), [video.id, video.frames.length]);
  useEffect(() => startPlayback(video.fps, (i) => frames.get(i) !== undefined), [frames, video.fps]);

  // Re-render on load progress only; frames themselves are drawn by the stage, outside React.
  useSyncExternalStore(
    (fn) => frames.subscribe(fn),
    () => frames.version,
  );
  const { loaded, failed, total } = frames.progress();

  return (
    <div className="player" data-testid="player">
      <VideoStage width={video.width} height={video.height} frames={frames} overlays={overlays} objectIds={video.objects.map((o) => o.localId)} />
      {loaded < total && <ProgressBar value={loaded} max={total} label={`frames ${loaded}/${total}`} />}
      {failed > 0 && <p className="error">{failed} frame(s) could not be loaded.</p>}
      <PlayerControls names={video.frames} />
      <ul className="legend" data-testid="legend">
        {video.objects.map((o, i) => (
          <li key={o.localId}>
            <span className="swatch" style={{ background: cssColor(objectColor(i)) }} />#{o.localId}
            {o.category ? ` ${o.category}` : ''}
          </li>
        ))}
      </ul>
    </div>
  );
}
