import { useState } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import type { BatchVideoPick } from '#shared/schemas/batches.ts';
import { MAX_BATCH_REQUEST_VIDEOS } from '#shared/schemas/batches.ts';
import { useTRPC } from '../../../trpc.ts';

const PAGE = 20;

export interface PickState {
  mode: 'next' | 'choose';
  next: number;
  chosen: ReadonlySet<number>;
}

export const emptyPick: PickState = { mode: 'next', next: 10, chosen: new Set() };

/** What the server is asked for; null while the choice is empty. */
export function pickOf(s: PickState): BatchVideoPick | null {
  if (s.mode === 'next') return s.next >= 1 ? { next: s.next } : null;
  return s.chosen.size ? { videoIds: [...s.chosen] } : null;
}

/**
 * Which curated videos go into a batch: "the next N unassigned" (those that need expressions most,
 * as listed below), or chosen one by one from the curated videos no open batch holds.
 */
export function VideoPick({ value, onChange, idPrefix }: { value: PickState; onChange: (s: PickState) => void; idPrefix: string }) {
  const trpc = useTRPC();
  const [search, setSearch] = useState('');
  const [page, setPage] = useState(0);
  const list = useQuery({ ...trpc.admin.batches.unassigned.queryOptions({ search: search || undefined, limit: PAGE, offset: page * PAGE }), placeholderData: keepPreviousData });
  const total = list.data?.total ?? 0;
  const toggle = (id: number) => {
    const chosen = new Set(value.chosen);
    if (chosen.has(id)) chosen.delete(id);
    else chosen.add(id);
    onChange({ ...value, chosen });
  };
  return (
    <fieldset className="batch-pick" data-testid={`${idPrefix}-pick`}>
      <legend>Videos</legend>
      <label className="inline">
        <input type="radio" name={`${idPrefix}-mode`} checked={value.mode === 'next'} onChange={() => onChange({ ...value, mode: 'next' })} /> the next{' '}
        <input
          type="number"
          min={1}
          max={MAX_BATCH_REQUEST_VIDEOS}
          value={value.next}
          onChange={(e) => onChange({ ...value, mode: 'next', next: Math.max(0, Math.min(MAX_BATCH_REQUEST_VIDEOS, Math.floor(Number(e.target.value) || 0))) })}
          aria-label="how many of the next unassigned videos"
          className="narrow"
        />{' '}
        unassigned videos
      </label>
      <label className="inline">
        <input type="radio" name={`${idPrefix}-mode`} checked={value.mode === 'choose'} onChange={() => onChange({ ...value, mode: 'choose' })} /> choose from the list
        {value.chosen.size > 0 && <span className="muted small"> ({value.chosen.size} chosen)</span>}
      </label>
      <p className="muted small">
        {total} curated video{total === 1 ? '' : 's'} in no open batch{search ? ' match' : ''}, those that need expressions most first.
      </p>
      {value.mode === 'choose' && (
        <div className="row">
          <input placeholder="search name" value={search} onChange={(e) => (setSearch(e.target.value), setPage(0))} aria-label="search unassigned videos" />
        </div>
      )}
      <table className="table compact" data-testid={`${idPrefix}-unassigned`}>
        <thead>
          <tr>
            {value.mode === 'choose' && (
              <th>
                <span className="sr-only">Choose</span>
              </th>
            )}
            <th>video</th>
            <th>frames</th>
            <th>accepted expr.</th>
          </tr>
        </thead>
        <tbody>
          {list.data?.videos.map((v, i) => (
            <tr key={v.id} data-video={v.name} className={value.mode === 'next' && page * PAGE + i < value.next && !search ? 'picked' : undefined}>
              {value.mode === 'choose' && (
                <td>
                  <input type="checkbox" checked={value.chosen.has(v.id)} onChange={() => toggle(v.id)} aria-label={`choose ${v.name}`} />
                </td>
              )}
              <td>{v.name}</td>
              <td>{v.frameCount}</td>
              <td>{v.acceptedExpressions}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {total > PAGE && (
        <div className="row">
          <button type="button" disabled={page === 0} onClick={() => setPage(page - 1)}>
            ← previous
          </button>
          <span className="muted small">
            page {page + 1} of {Math.ceil(total / PAGE)}
          </span>
          <button type="button" disabled={(page + 1) * PAGE >= total} onClick={() => setPage(page + 1)}>
            next →
          </button>
        </div>
      )}
    </fieldset>
  );
}
