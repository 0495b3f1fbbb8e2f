import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { SPLITS, type Split } from '#shared/export/splits.ts';
import { useTRPC } from '../../../trpc.ts';

const NONE = '';

/**
 * The video's split on its admin page: before its first release an admin may choose it (or leave
 * it to the release's proportions); once released it is pinned and shown read-only.
 */
export function VideoSplitControl({ videoId }: { videoId: number }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const state = useQuery(trpc.admin.splits.get.queryOptions({ videoId }));
  const set = useMutation(trpc.admin.splits.set.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.admin.splits.get.queryKey({ videoId }) }) }));
  if (state.isError) return <p className="error small">{state.error.message}</p>;
  if (!state.data) return null;
  const s = state.data;
  if (s.pinned) {
    return (
      <p className="small" data-testid="video-split" data-split={s.pinned.split}>
        Split: <strong>{s.pinned.split}</strong> <span className="muted">(since release {s.pinned.version}; a released video keeps its split)</span>
      </p>
    );
  }
  return (
    <p className="small row" data-testid="video-split" data-split={s.sourceSplit ?? NONE}>
      <label>
        Split in the next release{' '}
        <select
          value={s.sourceSplit ?? NONE}
          disabled={set.isPending}
          onChange={(e) => set.mutate({ videoIds: [videoId], split: e.target.value === NONE ? null : (e.target.value as Split) })}
          data-testid="video-split-select"
        >
          <option value={NONE}>by the release&rsquo;s proportions</option>
          {SPLITS.map((x) => (
            <option key={x} value={x}>
              {x}
            </option>
          ))}
        </select>
      </label>{' '}
      <span className="muted">
        {s.origin === 'source' ? '(as its source had it)' : s.origin === 'explicit' ? '(chosen by an admin)' : '(none chosen yet)'}
      </span>
      {set.isError && <span className="error"> {set.error.message}</span>}
    </p>
  );
}
