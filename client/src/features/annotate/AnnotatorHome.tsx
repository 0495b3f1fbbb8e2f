import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { useTRPC } from '../../trpc.ts';
import { ProgressBar } from '../../ui/ProgressBar.tsx';
import { Stat } from '../../ui/Stat.tsx';
import { VideoList } from '../videos/VideoList.tsx';

export function AnnotatorHome() {
  const trpc = useTRPC();
  const o = useQuery(trpc.annotate.overview.queryOptions()).data;
  return (
    <section className="role-home" data-testid="home-annotator">
      <h2>Annotate</h2>
      <p className="muted">Watch a video with all its object masks, pick the objects (or none), and describe how they move.</p>
      <p>
        <Link href="/annotate" className="button primary" data-testid="start-annotating">
          Start annotating
        </Link>
      </p>
      {o && o.batches.length > 0 && (
        <div className="my-batches" data-testid="my-batches">
          {o.batches.map((b) => (
            <div key={b.id} data-batch={b.name}>
              <p>
                Your batch <strong>{b.name}</strong>: you have written for {b.videosStarted} of its {b.videos} videos
                {b.videosStarted < b.videos ? '; “Start annotating” gives you its videos first.' : '.'}
              </p>
              <ProgressBar value={b.videosStarted} max={b.videos} label={`${b.videosStarted} / ${b.videos} videos`} />
            </div>
          ))}
        </div>
      )}
      {o && (
        <div className="stats">
          <Stat label="videos to annotate" value={o.acceptedVideos} testId="stat-annotate-videos" />
          <Stat label="your expressions" value={Object.values(o.myExpressions).reduce((a, b) => a + b, 0)} />
          <Stat label="accepted" value={o.myExpressions.accepted} />
          <Stat label="waiting for validation" value={o.myExpressions.pending + o.myExpressions.second_round} />
        </div>
      )}
      <h3>Videos</h3>
      <p className="muted small">“Start annotating” picks the video that needs expressions most; or choose one here.</p>
      <VideoList annotate />
    </section>
  );
}
