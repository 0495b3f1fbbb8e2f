import { useState } from 'react';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link } from 'wouter';
import { PROBE_LIST_STATES, type AdminProbeRow } from '#shared/schemas/probe.ts';
import { MaskPreview } from '../../canvas/MaskPreview.tsx';
import { useTRPC } from '../../trpc.ts';
import { Stat } from '../../ui/Stat.tsx';

type State = (typeof PROBE_LIST_STATES)[number];
const STATE_LABELS: Record<State, string> = {
  flagged: 'identified from one frame, to decide',
  decided: 'decided',
  answered: 'all answers',
  open: 'not answered yet',
};
const PAGE = 25;
const ids = (xs: readonly number[] | null) => (xs === null ? '–' : xs.length ? xs.map((x) => `#${x}`).join(', ') : 'no target');

/**
 * The single-frame probe (`/admin/probes`, MeViS V1): how often a validator who saw one frame of
 * an unseen video still found the annotator's objects, and each expression where they did, with
 * the frame, the sentence and both picks: keep it, or reject it as identifiable from one frame.
 */
export function AdminProbesPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [state, setState] = useState<State>('flagged');
  const [offset, setOffset] = useState(0);
  const stats = useQuery(trpc.admin.probes.stats.queryOptions());
  const list = useQuery({ ...trpc.admin.probes.list.queryOptions({ state, limit: PAGE, offset }), placeholderData: keepPreviousData });
  const decide = useMutation(
    trpc.admin.probes.decide.mutationOptions({
      onSuccess: () =>
        Promise.all([queryClient.invalidateQueries({ queryKey: trpc.admin.probes.list.queryKey() }), queryClient.invalidateQueries({ queryKey: trpc.admin.probes.stats.queryKey() })]),
    }),
  );
  const s = stats.data;
  return (
    <div data-testid="admin-probes-page">
      <p className="muted small">
        A share of the accepted expressions with targets (Settings → single-frame probe share{s ? `, now ${Math.round(s.share * 100)} %` : ''}) goes to a validator who has never seen the video:
        one frame, every mask, the sentence, no playback. When they still pick the annotator's objects the sentence may not need the motion (V1). These answers never count as
        validation answers.
      </p>
      {s && (
        <div className="stats">
          <Stat label="probes answered" value={s.answered} />
          <Stat label="identified from one frame" value={s.identifiable} />
          <Stat label="pass rate (identified / answered)" value={s.rate === null ? '–' : `${(s.rate * 100).toFixed(1)}%`} testId="probe-rate" />
          <Stat label="waiting for your decision" value={s.awaitingDecision} testId="probe-awaiting" />
          <Stat label="kept / rejected" value={`${s.kept} / ${s.rejected}`} />
          <Stat label="open (held now)" value={`${s.open} (${s.held})`} />
        </div>
      )}
      <div className="row">
        <label>
          Show{' '}
          <select
            aria-label="probe state"
            value={state}
            onChange={(e) => {
              setState(e.target.value as State);
              setOffset(0);
            }}
          >
            {PROBE_LIST_STATES.map((k) => (
              <option key={k} value={k}>
                {STATE_LABELS[k]}
              </option>
            ))}
          </select>
        </label>
        <span className="spacer" />
        {list.data && (
          <span className="muted small">
            {list.data.total === 0 ? 'none' : `${offset + 1}–${Math.min(offset + PAGE, list.data.total)} of ${list.data.total}`}
          </span>
        )}
        <button disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
          ← previous
        </button>
        <button disabled={!list.data || offset + PAGE >= list.data.total} onClick={() => setOffset(offset + PAGE)}>
          next →
        </button>
      </div>
      {list.isError && <p className="error">{list.error.message}</p>}
      {decide.isError && (
        <p className="error" role="alert">
          {decide.error.message}
        </p>
      )}
      {list.data?.probes.length === 0 && <p className="muted">{state === 'flagged' ? 'No expression waits for a decision.' : 'Nothing here yet.'}</p>}
      <ul className="probe-list" style={{ listStyle: 'none', padding: 0 }}>
        {list.data?.probes.map((p) => <ProbeItem key={p.probeId} p={p} onDecide={(decision) => decide.mutate({ probeId: p.probeId, decision })} pending={decide.isPending} />)}
      </ul>
    </div>
  );
}

function ProbeItem({ p, onDecide, pending }: { p: AdminProbeRow; onDecide: (d: 'keep' | 'reject') => void; pending: boolean }) {
  return (
    <li data-testid="probe-row" data-probe={p.probeId} data-expression={p.expressionId} style={{ display: 'flex', gap: '1rem', alignItems: 'flex-start', marginBottom: '1rem' }}>
      <MaskPreview src={`/media/frames/${p.videoId}/${p.frameIdx}`} masks={p.masks} frame={0} width={240} label={`frame ${p.frameIdx} of ${p.videoName} with its masks`} />
      <div>
        <blockquote className="sentence" style={{ fontSize: '1.1rem' }}>
          {p.text}
        </blockquote>
        <p className="small">
          <Link href={`/admin/expressions/${p.expressionId}`}>expression {p.expressionId}</Link> on {p.videoName}, frame {p.frameIdx} · status{' '}
          <strong data-testid="probe-expression-status">
            {p.expressionStatus}
            {p.rejectReason ? ` (${p.rejectReason})` : ''}
          </strong>
        </p>
        <p className="small">
          {p.answeredAt === null ? (
            <>not answered yet{p.holder ? `; held by ${p.holder}` : ''}</>
          ) : (
            <>
              {p.answeredBy} picked <strong data-testid="probe-picked">{ids(p.answerTargets)}</strong> in {p.durationMs === null ? '?' : `${Math.round(p.durationMs / 1000)} s`}; the annotator chose{' '}
              <strong>{ids(p.annotatorTargets)}</strong> — {p.matched ? 'identified from one frame' : 'not identified'}
            </>
          )}
        </p>
        {p.decision ? (
          <p className="small" data-testid="probe-decision">
            {p.decision === 'keep' ? 'Kept' : 'Rejected (V1, single frame)'} by {p.decidedBy}
          </p>
        ) : (
          p.matched && (
            <div className="row">
              <button onClick={() => onDecide('keep')} disabled={pending} data-testid="probe-keep">
                Keep it
              </button>
              <button className="danger" onClick={() => onDecide('reject')} disabled={pending || p.expressionStatus !== 'accepted'} data-testid="probe-reject">
                Reject: identifiable from one frame (V1)
              </button>
            </div>
          )
        )}
      </div>
    </li>
  );
}
