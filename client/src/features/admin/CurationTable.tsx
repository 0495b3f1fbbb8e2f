import { useEffect, useMemo, useState } from 'react';
import { Link } from 'wouter';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import type { VideoStatus } from '#shared/domain.ts';
import type { CurationRow } from '#shared/schemas/curation.ts';
import { CURATION_SORTS } from '#shared/schemas/curation.ts';
import { useTRPC } from '../../trpc.ts';
import { MaskPreview } from '../../canvas/MaskPreview.tsx';

type Sort = (typeof CURATION_SORTS)[number];
const PAGE = 25;
const COLUMNS: { sort: Sort; label: string }[] = [
  { sort: 'name', label: 'video' },
  { sort: 'objects', label: 'objects' },
  { sort: 'moving', label: 'moving' },
  { sort: 'lookalikes', label: 'look-alike pairs' },
  { sort: 'duration', label: 'duration' },
  { sort: 'frames', label: 'frames' },
  { sort: 'expressions', label: 'accepted expr.' },
];

/** Frames sampled evenly over the video, for the thumbnail strip. */
const stripFrames = (n: number, k = 5) => [...new Set(Array.from({ length: Math.min(k, n) }, (_, i) => Math.round((i * (n - 1)) / Math.max(1, k - 1))))];

/**
 * Curation (paper §3.1 R1/R2): every video with its computed scores and the rules' suggestion;
 * accept or exclude singly or in bulk. Keys: j/k or ↓/↑ move, x toggles selection, a accepts,
 * e excludes (the selection if any, else the current row).
 */
export function CurationTable() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<VideoStatus | ''>('');
  const [suggested, setSuggested] = useState<'' | 'yes' | 'no'>('');
  const [search, setSearch] = useState('');
  const [sort, setSort] = useState<Sort>('name');
  const [dir, setDir] = useState<'asc' | 'desc'>('asc');
  const [page, setPage] = useState(0);
  const [cursor, setCursor] = useState(0);
  const [selected, setSelected] = useState<Set<number>>(new Set());
  const [preview, setPreview] = useState<CurationRow | null>(null);
  const input = { status: status || undefined, suggested: suggested === '' ? undefined : suggested === 'yes', search: search || undefined, sort, dir, limit: PAGE, offset: page * PAGE };
  const list = useQuery({ ...trpc.admin.curation.list.queryOptions(input), placeholderData: keepPreviousData });
  const rows = useMemo(() => list.data?.rows ?? [], [list.data]);
  const set = useMutation(
    trpc.admin.curation.setStatus.mutationOptions({
      onSuccess: () => {
        setSelected(new Set());
        void queryClient.invalidateQueries({ queryKey: trpc.admin.curation.list.queryKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.admin.overview.queryKey() });
      },
    }),
  );
  const apply = (to: VideoStatus) => {
    const ids = selected.size ? [...selected] : rows[cursor] ? [rows[cursor].id] : [];
    if (ids.length) set.mutate({ videoIds: ids, status: to });
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const t = e.target as HTMLElement;
      if (t.tagName === 'INPUT' || t.tagName === 'SELECT' || t.tagName === 'TEXTAREA' || e.ctrlKey || e.metaKey || e.altKey) return;
      // Only while the table has the focus (a click in it gives it), so other sections keep their keys.
      if (!document.activeElement?.closest('[data-testid="curation"]')) return;
      const key = e.key;
      if (key === 'j' || key === 'ArrowDown') setCursor((c) => Math.min(rows.length - 1, c + 1));
      else if (key === 'k' || key === 'ArrowUp') setCursor((c) => Math.max(0, c - 1));
      else if (key === 'x' && rows[cursor]) setSelected((s) => toggle(s, rows[cursor]!.id));
      else if (key === 'a') apply('accepted');
      else if (key === 'e') apply('excluded');
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const header = (c: (typeof COLUMNS)[number]) => (
    <th key={c.sort}>
      <button
        className="link"
        onClick={() => {
          if (sort === c.sort) setDir(dir === 'asc' ? 'desc' : 'asc');
          else {
            setSort(c.sort);
            setDir(c.sort === 'name' ? 'asc' : 'desc');
          }
          setPage(0);
        }}
      >
        {c.label}
        {sort === c.sort ? (dir === 'asc' ? ' ▲' : ' ▼') : ''}
      </button>
    </th>
  );
  const total = list.data?.total ?? 0;
  return (
    <div data-testid="curation" tabIndex={0} className="curation">
      <div className="row">
        <input placeholder="search name" value={search} onChange={(e) => (setSearch(e.target.value), setPage(0))} aria-label="search videos" />
        <select value={status} onChange={(e) => (setStatus(e.target.value as VideoStatus | ''), setPage(0))} aria-label="status filter">
          <option value="">any state</option>
          <option value="candidate">candidate</option>
          <option value="accepted">accepted</option>
          <option value="excluded">excluded</option>
        </select>
        <select value={suggested} onChange={(e) => (setSuggested(e.target.value as '' | 'yes' | 'no'), setPage(0))} aria-label="suggestion filter">
          <option value="">suggested or not</option>
          <option value="yes">suggested</option>
          <option value="no">not suggested</option>
        </select>
        <span className="spacer" />
        <span className="muted small">{selected.size ? `${selected.size} selected` : 'keys: j/k move · x select · a accept · e exclude'}</span>
        <button onClick={() => apply('accepted')} disabled={set.isPending} data-testid="curation-accept">
          Accept
        </button>
        <button onClick={() => apply('excluded')} disabled={set.isPending} data-testid="curation-exclude">
          Exclude
        </button>
      </div>
      {list.data && (
        <p className="muted small">
          Rules: suggested when ≥ {list.data.rules.minObjects} objects and ≥ {list.data.rules.minMoving} clearly moving (Settings), every object masked on its whole track (no key-frame-only masks). {total} videos.
        </p>
      )}
      {set.isError && <p className="error">{set.error.message}</p>}
      <table className="table" data-testid="curation-table">
        <thead>
          <tr>
            <th>
              <span className="sr-only">Select</span>
            </th>
            {COLUMNS.map(header)}
            <th>suggestion</th>
            <th>state</th>
            <th>frames</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={r.id} data-video={r.name} data-status={r.status} className={i === cursor ? 'cursor' : undefined} onClick={() => setCursor(i)}>
              <td>
                <input type="checkbox" checked={selected.has(r.id)} onChange={() => setSelected((s) => toggle(s, r.id))} aria-label={`select ${r.name}`} />
              </td>
              <td>
                <Link href={`/admin/videos/${r.id}`} title="its objects and masks">
                  {r.name}
                </Link>
                {r.source === 'demo' && (
                  <span className="muted small" data-testid="demo-video" title="synthetic demo video: left out of releases unless included">
                    {' '}
                    demo
                  </span>
                )}
              </td>
              <td>{r.objectCount ?? '…'}</td>
              <td>{r.movingCount ?? '…'}</td>
              <td title={r.lookalikes.map((p) => `objects ${p.a} & ${p.b}: distance ${p.distance.toFixed(2)}`).join('\n')}>{r.lookalikePairs ?? '…'}</td>
              <td>{r.durationSec.toFixed(1)} s</td>
              <td>
                {r.frameCount} · {r.width}×{r.height}
              </td>
              <td>{r.expressionCount}</td>
              <td data-testid="suggestion">{r.suggested === null ? 'scoring…' : (
                  <>
                    {r.suggested ? '✓ suggested' : 'not suggested'}
                    {r.reasons.length > 0 && <span className="muted small">: {r.reasons.join('; ')}</span>}
                  </>
                )}</td>
              <td data-testid="video-status">{r.status}</td>
              <td className="thumbs" onMouseEnter={() => setPreview(r)} onMouseLeave={() => setPreview(null)}>
                {stripFrames(r.frameCount).map((f) => (
                  <img key={f} src={`/media/frames/${r.id}/${f}`} alt="" loading="lazy" height={36} />
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="row">
        <button disabled={page === 0} onClick={() => setPage(page - 1)}>
          ← previous
        </button>
        <span className="muted small">
          page {page + 1} of {Math.max(1, Math.ceil(total / PAGE))}
        </span>
        <button disabled={(page + 1) * PAGE >= total} onClick={() => setPage(page + 1)}>
          next →
        </button>
      </div>
      {preview && <HoverPreview row={preview} />}
    </div>
  );
}

function toggle(s: Set<number>, id: number): Set<number> {
  const n = new Set(s);
  if (n.has(id)) n.delete(id);
  else n.add(id);
  return n;
}

/**
 * A larger, moving preview while the pointer is on a thumbnail strip: frames cycle at ~6 fps, with
 * the masks over them (the objects annotators will see) once they have arrived.
 */
function HoverPreview({ row }: { row: CurationRow }) {
  const trpc = useTRPC();
  const [frame, setFrame] = useState(0);
  // Masks never change for a video: fetched once per video, kept while the page lives.
  const masks = useQuery({ ...trpc.videos.masks.queryOptions({ videoId: row.id }), staleTime: Infinity });
  useEffect(() => {
    const step = Math.max(1, Math.floor(row.frameCount / 24));
    const t = setInterval(() => setFrame((f) => (f + step) % row.frameCount), 160);
    return () => clearInterval(t);
  }, [row]);
  const src = `/media/frames/${row.id}/${frame}`;
  return (
    <div className="hover-preview" data-testid="hover-preview">
      {masks.data ? <MaskPreview src={src} masks={masks.data} frame={frame} width={320} label={`${row.name} frame ${frame} with its masks`} /> : <img src={src} alt={`${row.name} frame ${frame}`} width={320} />}
      <div className="small">
        {row.name} · frame {frame}
      </div>
    </div>
  );
}
