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
      <VideoPlayer video={v} masks={masks.data} />
    </div>
  );
}
