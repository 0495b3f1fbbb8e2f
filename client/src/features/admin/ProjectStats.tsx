import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../../trpc.ts';
import { Stat } from '../../ui/Stat.tsx';

/** The project's counts in tiles: on the admin's home and on the cockpit's overview. */
export function ProjectStats() {
  const trpc = useTRPC();
  const overview = useQuery(trpc.admin.overview.queryOptions());
  const o = overview.data;
  if (overview.isError) return <p className="error">{overview.error.message}</p>;
  if (!o) return <p className="muted">Loading the counts…</p>;
  return (
    <div className="stats">
      <Stat label="videos accepted" value={o.videos.accepted} testId="stat-videos-accepted" />
      <Stat label="candidates" value={o.videos.candidate} />
      <Stat label="excluded" value={o.videos.excluded} />
      <Stat label="objects" value={o.objects} />
      <Stat label="masks" value={o.masks} testId="stat-masks" />
      <Stat label="expressions pending" value={o.expressions.pending + o.expressions.second_round} />
      <Stat label="expressions accepted" value={o.expressions.accepted} />
      <Stat label="active users" value={o.users} />
    </div>
  );
}
