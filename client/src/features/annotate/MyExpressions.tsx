import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../../trpc.ts';
import { Stat } from '../../ui/Stat.tsx';

const STATUS_LABEL = {
  pending: 'waiting for validation',
  second_round: 'with a second validator',
  accepted: 'accepted',
  discarded: 'discarded (validators disagreed)',
  rejected: 'rejected',
} as const;

const REASON_LABEL = {
  single_frame: 'identifiable from a single frame',
  no_target_unrelated: 'no-target expression unrelated to the video or not about motion',
  ambiguous: 'ambiguous',
  inappropriate: 'inappropriate',
  broken: 'broken',
} as const;

/** The annotator's recent expressions with their outcome, and their score. */
export function MyExpressions() {
  const trpc = useTRPC();
  const mine = useQuery(trpc.annotate.mine.queryOptions({ limit: 20 }));
  if (!mine.data) return null;
  const { score, expressions } = mine.data;
  return (
    <section className="my-expressions" data-testid="my-expressions">
      <h3>Your expressions</h3>
      <div className="stats">
        <Stat label="submitted" value={score.submitted} testId="my-submitted" />
        <Stat label="accepted" value={score.accepted} />
        <Stat label="waiting" value={score.pending} />
        <Stat label="acceptance rate" value={score.acceptanceRate === null ? '–' : `${Math.round(score.acceptanceRate * 100)}%`} />
      </div>
      {expressions.length === 0 ? (
        <p className="muted">Nothing submitted yet.</p>
      ) : (
        <table className="table">
          <thead>
            <tr>
              <th>Expression</th>
              <th>Video</th>
              <th>Targets</th>
              <th>Outcome</th>
            </tr>
          </thead>
          <tbody>
            {expressions.map((e) => (
              <tr key={e.id} data-testid="my-expression">
                <td>
                  {e.text}
                  {e.motionReasoning && <span className="muted small"> · reasoning</span>}
                </td>
                <td>{e.videoName}</td>
                <td>{e.targets.length ? e.targets.map((t) => `#${t}`).join(' ') : 'no target'}</td>
                <td className={`status-${e.status}`}>
                  {STATUS_LABEL[e.status]}
                  {e.rejectReason && `: ${REASON_LABEL[e.rejectReason]}`}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
