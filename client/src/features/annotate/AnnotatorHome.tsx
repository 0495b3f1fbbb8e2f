import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { useTRPC } from '../../trpc.ts';
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
