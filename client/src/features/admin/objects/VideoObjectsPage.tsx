import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import type { AdminObjectRow, AdminVideoObjects } from '#shared/schemas/objects.ts';
import { useTRPC } from '../../../trpc.ts';
import { VideoPlayer } from '../../../canvas/VideoPlayer.tsx';
import { ObjectActions, objectState } from './ObjectActions.tsx';
import { FlagList } from './FlagList.tsx';
import { VideoSplitControl } from './VideoSplitControl.tsx';

const num = (v: number | null, digits = 2) => (v === null ? '—' : v.toFixed(digits));

/** "37/87 · 0–86", with the sparse mark when the track has holes. */
function Coverage({ c }: { c: AdminObjectRow['coverage'] }) {
  return (
    <span data-testid="coverage" data-sparse={c.sparse}>
      {c.masked}/{c.frames}
      {c.first !== null && (
        <span className="muted small">
          {' '}
          · frames {c.first}–{c.last}
        </span>
      )}
      {c.sparse && (
        <strong className="error small" title="masked on fewer frames than its track spans (or on one frame only): MeViS needs a mask on every frame">
          {' '}
          sparse
        </strong>
      )}
    </span>
  );
}

function StateCell({ o }: { o: AdminObjectRow }) {
  if (o.mergedInto) return <span>merged into #{o.mergedInto.localId}</span>;
  if (o.excluded) {
    return (
      <span>
        excluded{o.excluded.by ? ` by ${o.excluded.by}` : ''}
        {o.excluded.note && <span className="muted small">: {o.excluded.note}</span>}
      </span>
    );
  }
  return <span className="muted">annotated</span>;
}

/**
 * One video for the admin (`/admin/videos/<id>`): the player with every object's mask, excluded
 * ones included and marked; each object's coverage, motion and state, with exclude / restore /
 * merge; the expressions that name an excluded object, for a decision; and the open "bad mask"
 * flags. Selecting a row outlines the object and opens its panel.
 */
export function VideoObjectsPage({ videoId }: { videoId: number }) {
  const trpc = useTRPC();
  const valid = Number.isInteger(videoId) && videoId > 0;
  const page = useQuery({ ...trpc.admin.objects.video.queryOptions({ videoId }), enabled: valid });
  const video = useQuery({ ...trpc.videos.get.queryOptions({ videoId, withExcluded: true }), enabled: valid });
  const masks = useQuery({ ...trpc.videos.masks.queryOptions({ videoId, withExcluded: true }), enabled: valid });
  const [selected, setSelected] = useState<number | null>(null);

  const back = (
    <p>
      <Link href="/admin/curation">← Curation</Link>
    </p>
  );
  if (!valid) return <>{back}<p className="error">Not a video id.</p></>;
  if (page.isError) return <>{back}<p className="error">{page.error.message}</p></>;
  if (!page.data) return <p className="muted">Loading the video…</p>;
  const { video: v, objects } = page.data;
  const byLocal = new Map(objects.map((o) => [o.localId, o]));
  const current = objects.find((o) => o.localId === selected) ?? null;
  const note = (localId: number) => {
    const o = byLocal.get(localId);
    if (!o) return null;
    if (o.mergedInto) return `merged into #${o.mergedInto.localId}`;
    return o.excluded ? 'excluded' : o.coverage.sparse ? 'sparse' : null;
  };

  return (
    <div data-testid="video-objects" data-video-id={v.id}>
      {back}
      <h3 id="cockpit-page-title">{v.name}</h3>
      <p className="muted small">
        {v.status} · {v.source} · {v.width}×{v.height} · {v.frameCount} frames at {v.fps} fps ·{' '}
        {objects.filter((o) => !o.excluded).length} of {objects.length} objects annotated · <Link href={`/videos/${v.id}`}>as annotators see it</Link>
      </p>
      <VideoSplitControl videoId={v.id} />
      {video.isError && <p className="error">{video.error.message}</p>}
      {video.data && masks.data ? (
        <VideoPlayer video={video.data} masks={masks.data} selected={selected === null ? [] : [selected]} onPick={(id) => setSelected(id === selected ? null : id)} legendNote={note} />
      ) : (
        <p className="muted">Loading frames and masks…</p>
      )}

      <h4>Objects</h4>
      <table className="table" data-testid="object-table">
        <thead>
          <tr>
            <th>Object</th>
            <th>Masked frames</th>
            <th>Moving</th>
            <th title="centroid travel over the track, in object sizes">Travel</th>
            <th title="mean IoU of consecutive masks">Mean IoU</th>
            <th>State</th>
            <th>Open flags</th>
          </tr>
        </thead>
        <tbody>
          {objects.map((o) => (
            <tr key={o.id} data-object={o.localId} data-state={objectState(o)} className={o.localId === selected ? 'cursor' : undefined}>
              <td>
                <button className="link" onClick={() => setSelected(o.localId === selected ? null : o.localId)} aria-pressed={o.localId === selected} data-testid="object-select">
                  #{o.localId}
                  {o.category ? ` ${o.category}` : ''}
                </button>
              </td>
              <td>
                <Coverage c={o.coverage} />
              </td>
              <td>{o.motion.moving === null ? '—' : o.motion.moving ? 'yes' : 'barely'}</td>
              <td>{num(o.motion.travel)}</td>
              <td>{num(o.motion.meanIou)}</td>
              <td data-testid="object-state">
                <StateCell o={o} />
              </td>
              <td>{o.openFlags || ''}</td>
            </tr>
          ))}
        </tbody>
      </table>

      {current && <ObjectPanel key={current.id} o={current} data={page.data} />}
      <Affected data={page.data} />
      <h4>Open flags</h4>
      <FlagList flags={page.data.flags} objectsOf={() => objects} empty="No open flags on this video." />
    </div>
  );
}

/** The selected object: its actions, its flags, and the expressions that name it while it is excluded. */
function ObjectPanel({ o, data }: { o: AdminObjectRow; data: AdminVideoObjects }) {
  const naming = data.affected.filter((e) => e.excludedTargets.includes(o.localId));
  const flags = data.flags.filter((f) => f.objectId === o.id);
  return (
    <section className="object-panel" data-testid="object-panel" aria-label={`object #${o.localId}`}>
      <h4>
        Object #{o.localId}
        {o.category ? ` ${o.category}` : ''}
      </h4>
      <p className="small">
        Visible on {o.motion.visibleFrames ?? '—'} frames · reach {num(o.motion.reach)} · displacement {num(o.motion.displacement)} · shape IoU {num(o.motion.shapeIou)} · area
        change {num(o.motion.areaChange)}
      </p>
      <ObjectActions o={o} objects={data.objects} />
      {naming.length > 0 && (
        <>
          <p>Expressions that name it:</p>
          <ExpressionLinks list={naming} />
        </>
      )}
      {flags.length > 0 && <FlagList flags={flags} objectsOf={() => data.objects} empty="" />}
    </section>
  );
}

function ExpressionLinks({ list }: { list: AdminVideoObjects['affected'] }) {
  return (
    <ul data-testid="affected-expressions">
      {list.map((e) => (
        <li key={e.id}>
          <Link href={`/admin/expressions/${e.id}`}>#{e.id}</Link> “{e.text}” <span className="muted small">({e.status.replace('_', ' ')}; names excluded {e.excludedTargets.map((t) => `#${t}`).join(' ')})</span>
        </li>
      ))}
    </ul>
  );
}

function Affected({ data }: { data: AdminVideoObjects }) {
  if (!data.affected.length && !data.affectedHidden) return null;
  return (
    <>
      <h4>Expressions naming an excluded object</h4>
      <p className="muted small">
        They wait for a decision: restore the object, or settle the expression from its page. Releases leave them out meanwhile.
        {data.affectedHidden && ' Undecided ones you have not answered yourself are not listed (you also validate).'}
      </p>
      <ExpressionLinks list={data.affected} />
    </>
  );
}
