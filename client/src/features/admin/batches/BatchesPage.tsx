import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { BatchView } from '#shared/schemas/batches.ts';
import { useTRPC } from '../../../trpc.ts';
import { ProgressBar } from '../../../ui/ProgressBar.tsx';
import { BATCH_POLL_MS, BatchPanel } from './BatchPanel.tsx';
import { emptyPick, pickOf, VideoPick, type PickState } from './VideoPick.tsx';
import './batches.css';

const when = (at: number | null) => (at === null ? '—' : new Date(at).toLocaleString());

/**
 * Work batches (issue 17): curated videos set aside for one annotator, who gets them first and
 * alone while the batch is open; everything else stays with the random lottery.
 */
export function BatchesPage() {
  const trpc = useTRPC();
  const batches = useQuery({ ...trpc.admin.batches.list.queryOptions(), refetchInterval: BATCH_POLL_MS });
  const [open, setOpen] = useState<number | null>(null);
  if (batches.isPending) return <p className="muted">Loading batches…</p>;
  if (batches.isError) return <p className="error">{batches.error.message}</p>;
  return (
    <div data-testid="batches">
      <p className="muted">
        A batch gives one annotator a set of curated videos: while it is open, only they get those videos, and they get them before any other. Videos in no open batch
        go to everyone by the lottery, as before.
      </p>
      <NewBatch onCreated={setOpen} />
      <h4>Batches</h4>
      {batches.data.length === 0 ? (
        <p className="muted">No batches yet.</p>
      ) : (
        <table className="table" data-testid="batch-table">
          <thead>
            <tr>
              <th>batch</th>
              <th>annotator</th>
              <th>videos started</th>
              <th>expressions written</th>
              <th>accepted</th>
              <th>last activity</th>
              <th>state</th>
              <th>
                <span className="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {batches.data.map((b) => (
              <BatchRow key={b.id} batch={b} open={open === b.id} onToggle={() => setOpen(open === b.id ? null : b.id)} />
            ))}
          </tbody>
        </table>
      )}
      {open !== null && <BatchPanel batchId={open} onClose={() => setOpen(null)} />}
    </div>
  );
}

function BatchRow({ batch: b, open, onToggle }: { batch: BatchView; open: boolean; onToggle: () => void }) {
  return (
    <tr data-batch={b.name} data-state={b.closedAt === null ? 'open' : 'closed'}>
      <td>{b.name}</td>
      <td>
        {b.annotator}
        {!b.annotatorActive && (
          <span className="error small" title="disabled, or no longer an annotator: the batch holds its videos for nobody; close it">
            {' '}
            (inactive)
          </span>
        )}
      </td>
      <td data-testid="batch-progress">
        <ProgressBar value={b.videosStarted} max={b.videos} label={`${b.videosStarted} / ${b.videos} videos`} />
      </td>
      <td data-testid="batch-written">{b.expressionsWritten}</td>
      <td data-testid="batch-accepted">{b.expressionsAccepted}</td>
      <td className="small">{when(b.lastActivityAt)}</td>
      <td className="small" data-testid="batch-state">
        {b.closedAt === null ? 'open' : `closed ${when(b.closedAt)}`}
      </td>
      <td>
        <button onClick={onToggle} aria-expanded={open} data-testid="batch-manage">
          {open ? 'Hide' : b.closedAt === null ? 'Manage' : 'Videos'}
          <span className="sr-only"> {b.name}</span>
        </button>
      </td>
    </tr>
  );
}

function NewBatch({ onCreated }: { onCreated: (id: number) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const users = useQuery(trpc.admin.users.list.queryOptions());
  const annotators = (users.data ?? []).filter((u) => u.roles.includes('annotator') && !u.disabled);
  const [name, setName] = useState('');
  const [annotatorId, setAnnotatorId] = useState<number | ''>('');
  const [pick, setPick] = useState<PickState>(emptyPick);
  const videos = pickOf(pick);
  const create = useMutation(
    trpc.admin.batches.create.mutationOptions({
      onSuccess: (b) => {
        setName('');
        setPick(emptyPick);
        onCreated(b.id);
        void queryClient.invalidateQueries({ queryKey: trpc.admin.batches.pathKey() });
      },
    }),
  );
  return (
    <details className="new-batch" data-testid="new-batch">
      <summary>New batch</summary>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (annotatorId !== '' && videos) create.mutate({ name, annotatorId, videos });
        }}
      >
        <div className="row">
          <input placeholder="batch name" value={name} onChange={(e) => setName(e.target.value)} aria-label="batch name" maxLength={100} required />
          <select value={annotatorId} onChange={(e) => setAnnotatorId(e.target.value === '' ? '' : Number(e.target.value))} aria-label="annotator" required>
            <option value="">choose an annotator…</option>
            {annotators.map((u) => (
              <option key={u.id} value={u.id}>
                {u.username}
              </option>
            ))}
          </select>
        </div>
        <VideoPick value={pick} onChange={setPick} idPrefix="new-batch" />
        <button className="primary" disabled={create.isPending || !name.trim() || annotatorId === '' || !videos} data-testid="batch-create">
          Create batch
        </button>
        {create.isError && (
          <p className="error" role="alert" data-testid="batch-create-error">
            {create.error.message}
          </p>
        )}
      </form>
    </details>
  );
}
