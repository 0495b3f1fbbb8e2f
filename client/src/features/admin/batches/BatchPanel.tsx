import { useState } from 'react';
import { Link } from 'wouter';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../../../trpc.ts';
import { emptyPick, pickOf, VideoPick, type PickState } from './VideoPick.tsx';

/** The batch pages poll: an admin watching a batch sees it move while its annotator works. */
export const BATCH_POLL_MS = 5_000;

/** One batch: its videos with the annotator's work on each; add or take out videos, close it. */
export function BatchPanel({ batchId, onClose }: { batchId: number; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const batch = useQuery({ ...trpc.admin.batches.get.queryOptions({ batchId }), refetchInterval: BATCH_POLL_MS });
  const [chosen, setChosen] = useState<ReadonlySet<number>>(new Set());
  const [pick, setPick] = useState<PickState>(emptyPick);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.admin.batches.pathKey() });
  const remove = useMutation(trpc.admin.batches.removeVideos.mutationOptions({ onSuccess: () => (setChosen(new Set()), void refresh()) }));
  const add = useMutation(trpc.admin.batches.addVideos.mutationOptions({ onSuccess: () => (setPick(emptyPick), void refresh()) }));
  const close = useMutation(trpc.admin.batches.close.mutationOptions({ onSuccess: () => void refresh() }));
  if (batch.isPending) return <p className="muted">Loading the batch…</p>;
  if (batch.isError) return <p className="error">{batch.error.message}</p>;
  const b = batch.data;
  const isOpen = b.closedAt === null;
  const toAdd = pickOf(pick);
  const error = remove.error ?? add.error ?? close.error;
  const toggle = (id: number) => {
    const next = new Set(chosen);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setChosen(next);
  };
  return (
    <section className="batch-panel" data-testid="batch-panel" aria-label={`batch ${b.name}`}>
      <div className="row">
        <h4>
          {b.name} · {b.annotator}
        </h4>
        <span className="spacer" />
        <button onClick={onClose}>Hide</button>
      </div>
      <p className="muted small">
        {isOpen ? 'Open' : `Closed ${new Date(b.closedAt!).toLocaleString()} (its videos went back to the lottery)`} · made {new Date(b.createdAt).toLocaleString()}
        {b.createdBy ? ` by ${b.createdBy}` : ''}. Counts are {b.annotator}'s expressions on these videos since the batch was made
        {isOpen ? '' : ', until it closed'}.
      </p>
      {error && (
        <p className="error" role="alert" data-testid="batch-error">
          {error.message}
        </p>
      )}
      <table className="table compact" data-testid="batch-videos">
        <thead>
          <tr>
            {isOpen && (
              <th>
                <span className="sr-only">Select</span>
              </th>
            )}
            <th>video</th>
            <th>state</th>
            <th>expressions written</th>
            <th>accepted</th>
          </tr>
        </thead>
        <tbody>
          {b.videoList.map((v) => (
            <tr key={v.id} data-video={v.name}>
              {isOpen && (
                <td>
                  <input type="checkbox" checked={chosen.has(v.id)} onChange={() => toggle(v.id)} aria-label={`select ${v.name}`} />
                </td>
              )}
              <td>
                <Link href={`/videos/${v.id}`}>{v.name}</Link>
              </td>
              <td>{v.status === 'accepted' ? '' : v.status}</td>
              <td>{v.expressionsWritten}</td>
              <td>{v.expressionsAccepted}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {isOpen && (
        <>
          <div className="row">
            <button disabled={!chosen.size || remove.isPending} onClick={() => remove.mutate({ batchId, videoIds: [...chosen] })} data-testid="batch-remove">
              Take {chosen.size || ''} out of the batch
            </button>
            <span className="spacer" />
            <button
              className="primary danger"
              disabled={close.isPending}
              onClick={() => window.confirm(`Close batch "${b.name}"? Its ${b.videos} videos go back to the lottery; the batch stays in this list.`) && close.mutate({ batchId })}
              data-testid="batch-close"
            >
              Close batch
            </button>
          </div>
          <details data-testid="batch-add">
            <summary>Add videos</summary>
            <VideoPick value={pick} onChange={setPick} idPrefix="add-videos" />
            <button className="primary" disabled={!toAdd || add.isPending} onClick={() => toAdd && add.mutate({ batchId, videos: toAdd })} data-testid="batch-add-videos">
              Add to the batch
            </button>
          </details>
        </>
      )}
    </section>
  );
}
