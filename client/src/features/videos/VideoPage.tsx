import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { useTRPC } from '../../trpc.ts';
import { VideoPlayer } from '../../canvas/VideoPlayer.tsx';

export function VideoPage({ videoId }: { videoId: number }) {
  const trpc = useTRPC();
  const valid = Number.isInteger(videoId) && videoId > 0;
  const video = useQuery({ ...trpc.videos.get.queryOptions({ videoId }), enabled: valid });
  // Masks never change for a video (re-imports with other content are refused): cache them.
  const masks = useQuery({ ...trpc.videos.masks.queryOptions({ videoId }), enabled: valid, staleTime: Infinity });
  // ?show=2,3: objects to outline (the validators' picks an annotator is shown after a decision).
  const show = (new URLSearchParams(location.search).get('show') ?? '')
    .split(',')
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0);
  if (!valid) return <p className="error">Not a video id.</p>;
  if (video.isError) return <p className="error">{video.error.message}</p>;
  if (masks.isError) return <p className="error">{masks.error.message}</p>;
  if (!video.data || !masks.data) return <p className="muted">Loading video…</p>;
  const v = video.data;
  return (
    <div className="video-page">
      <p>
        <Link href="/">← Home</Link>
      </p>
      <h2>
        {v.name}{' '}
        <span className="muted small">
          {v.width}×{v.height}, {v.frames.length} frames at {v.fps} fps, {v.objects.length} objects, {v.status}
        </span>
      </h2>
      {show.length > 0 && <p className="muted small">Outlined: {show.map((id) => `#${id}`).join(' ')}</p>}
      <VideoPlayer video={v} masks={masks.data} selected={show} />
    </div>
  );
}
