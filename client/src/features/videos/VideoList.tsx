import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { useTRPC } from '../../trpc.ts';

/**
 * Videos the caller may watch: all for admins, curated ones for annotators (server decides).
 * `annotate`: each row also opens the video for annotation (annotators choose, besides the lottery).
 */
export function VideoList({ annotate = false }: { annotate?: boolean }) {
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
          {annotate && (
            <th>
              <span className="sr-only">Annotate</span>
            </th>
          )}
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
            {annotate && (
              <td>
                <Link href={`/annotate/${v.id}`} data-testid={`annotate-video-${v.id}`}>
                  Annotate this video
                </Link>
              </td>
            )}
          </tr>
        ))}
      </tbody>
      {list.data.total > list.data.videos.length && (
        <tfoot>
          <tr>
            <td colSpan={annotate ? 7 : 6} className="muted">
              showing {list.data.videos.length} of {list.data.total}
            </td>
          </tr>
        </tfoot>
      )}
    </table>
  );
}
