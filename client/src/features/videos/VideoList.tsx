import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { useTRPC } from '../../trpc.ts';

/** Videos the caller may watch: all for admins, curated ones for annotators (server decides). */
export function VideoList() {
  const trpc = useTRPC();
  const list = useQuery(trpc.videos.list.queryOptions({ limit: 100, offset: 0 }));
  if (list.isPending) return <p className="muted">Loading videos…</p>;
  if (list.isError) return <p className="error">{list.error.message}</p>;
  if (list.data.videos.length === 0) return <p className="muted">No videos yet.</p>;
  return (
    <table className="table" data-testid="video-list">
      <thead>
        <tr>
          <th>Video</th>
          <th>Status</th>
          <th>Size</th>
          <th>Frames</th>
          <th>Objects</th>
          <th>Expressions</th>
        </tr>
      </thead>
      <tbody>
        {list.data.videos.map((v) => (
          <tr key={v.id}>
            <td>
              <Link href={`/videos/${v.id}`}>{v.name}</Link>
            </td>
            <td>{v.status}</td>
            <td>
              {v.width}×{v.height}
            </td>
            <td>
              {v.frameCount} @ {v.fps} fps
            </td>
            <td>{v.objectCount}</td>
            <td>{v.expressionCount}</td>
          </tr>
        ))}
      </tbody>
      {list.data.total > list.data.videos.length && (
        <tfoot>
          <tr>
            <td colSpan={6} className="muted">
              showing {list.data.videos.length} of {list.data.total}
            </td>
          </tr>
        </tfoot>
      )}
    </table>
  );
}
