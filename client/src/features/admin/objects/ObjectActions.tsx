import { useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { OBJECT_NOTE_MAX, type AdminObjectRow } from '#shared/schemas/objects.ts';
import { useTRPC } from '../../../trpc.ts';
import { useRefreshAfterDecision } from './use-object-decisions.ts';

export const objectState = (o: AdminObjectRow) => (o.mergedInto ? 'merged' : o.excluded ? 'excluded' : 'active');

/**
 * Exclude (with a note), restore, or merge another object of the video into this one. A merge is
 * not undone, so it asks which object goes and says what happens.
 */
export function ObjectActions({ o, objects }: { o: AdminObjectRow; objects: readonly AdminObjectRow[] }) {
  const trpc = useTRPC();
  const refresh = useRefreshAfterDecision();
  const [note, setNote] = useState('');
  const [from, setFrom] = useState<number | ''>('');
  const options = { onSuccess: () => refresh() };
  const exclude = useMutation(trpc.admin.objects.exclude.mutationOptions(options));
  const restore = useMutation(trpc.admin.objects.restore.mutationOptions(options));
  const merge = useMutation(trpc.admin.objects.merge.mutationOptions(options));
  const error = [exclude, restore, merge].find((m) => m.isError)?.error?.message;
  const others = objects.filter((x) => x.id !== o.id && !x.mergedInto);

  if (o.mergedInto) return <p className="muted small">Its masks are part of #{o.mergedInto.localId} now; a merge is not undone.</p>;
  return (
    <div className="object-actions" data-testid="object-actions">
      {o.excluded ? (
        <div className="row">
          <button onClick={() => restore.mutate({ objectId: o.id })} disabled={restore.isPending} data-testid="object-restore">
            Restore #{o.localId} to annotation
          </button>
        </div>
      ) : (
        <>
          <form
            className="row"
            onSubmit={(e) => {
              e.preventDefault();
              if (note.trim()) exclude.mutate({ objectId: o.id, note: note.trim() });
            }}
          >
            <label>
              Why exclude it{' '}
              <input value={note} onChange={(e) => setNote(e.target.value)} maxLength={OBJECT_NOTE_MAX} size={36} placeholder="a bystander, a broken mask…" data-testid="exclude-note" />
            </label>
            <button type="submit" disabled={!note.trim() || exclude.isPending} data-testid="object-exclude">
              Exclude #{o.localId}
            </button>
          </form>
          {others.length > 0 && (
            <form
              className="row"
              onSubmit={(e) => {
                e.preventDefault();
                if (from !== '') merge.mutate({ objectId: o.id, fromObjectId: from });
              }}
            >
              <label>
                Merge into #{o.localId}:{' '}
                <select value={from} onChange={(e) => setFrom(e.target.value === '' ? '' : Number(e.target.value))} data-testid="merge-from">
                  <option value="">choose the other id…</option>
                  {others.map((x) => (
                    <option key={x.id} value={x.id}>
                      #{x.localId}
                      {x.category ? ` ${x.category}` : ''}
                      {x.excluded ? ' (excluded)' : ''}
                    </option>
                  ))}
                </select>
              </label>
              <button type="submit" disabled={from === '' || merge.isPending} data-testid="object-merge">
                Merge
              </button>
              <span className="muted small">its masks join #{o.localId} frame by frame, expressions naming it name #{o.localId}; not undone</span>
            </form>
          )}
        </>
      )}
      {merge.data && merge.data.changed && (
        <p className="small" role="status">
          Merged: {merge.data.framesUnited} frames united, {merge.data.framesAdded} added, {merge.data.targetsRewritten} targets and {merge.data.answersRewritten} answers renamed.
        </p>
      )}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
