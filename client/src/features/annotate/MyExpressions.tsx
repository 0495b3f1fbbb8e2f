import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Link, useLocation } from 'wouter';
import type { MyExpression } from '#shared/schemas/annotate.ts';
import { useTRPC } from '../../trpc.ts';
import { Stat } from '../../ui/Stat.tsx';
import { useDraftStore } from './draft-store.ts';

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
  const [, navigate] = useLocation();
  const userId = useQuery(trpc.auth.me.queryOptions()).data?.id;
  // A new expression from the old one, on its video: the text and targets to start from, and the link.
  const editAndResubmit = (e: MyExpression) => {
    if (userId === undefined) return;
    const store = useDraftStore.getState();
    store.discard(userId, e.videoId);
    store.update(userId, e.videoId, { text: e.text, targets: e.targets, noTarget: e.targets.length === 0, motionReasoning: e.motionReasoning, acknowledged: [], revisionOf: e.id });
    navigate(`/annotate/${e.videoId}`);
  };
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
                <td className={`status-${e.status}`} data-testid={`outcome-${e.id}`}>
                  {STATUS_LABEL[e.status]}
                  {e.rejectReason && `: ${REASON_LABEL[e.rejectReason]}`}
                  {e.rejectNote && <span className="muted"> — “{e.rejectNote}”</span>}
                  {e.status === 'discarded' && e.validatorPicks && (
                    <div className="small" data-testid="validator-picks">
                      Validators picked {e.validatorPicks.map((p) => targetsText(p)).join(' and ')}.{' '}
                      <Link href={`/videos/${e.videoId}?show=${[...new Set(e.validatorPicks.flat())].join(',')}`}>See them on the video</Link>
                    </div>
                  )}
                  {e.suggestedTargets && <SuggestedFix expression={e} suggested={e.suggestedTargets} />}
                  {(e.status === 'rejected' || e.status === 'discarded') && (
                    <div>
                      <button className="small" onClick={() => editAndResubmit(e)} data-testid={`edit-resubmit-${e.id}`}>
                        Edit and resubmit
                      </button>
                    </div>
                  )}
                  {e.revisionOf !== null && <div className="muted small">rewrites an earlier expression</div>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

const targetsText = (targets: readonly number[]) => (targets.length ? targets.map((t) => `#${t}`).join(' ') : 'no object');

/**
 * A discarded expression whose two validators picked the same answer: the sentence seems to say
 * that instead. Resubmitting makes a new expression with their answer, validated again like any
 * other (README, "Validating": a consensus is a suggestion, never an acceptance).
 */
function SuggestedFix({ expression, suggested }: { expression: MyExpression; suggested: number[] }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const resubmit = useMutation(
    trpc.annotate.submit.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.annotate.mine.queryKey() }),
    }),
  );
  return (
    <div className="suggested-fix" data-testid="suggested-fix">
      <span>Both validators read it as {targetsText(suggested)}.</span>{' '}
      {resubmit.isSuccess ? (
        <span className="muted">Resubmitted for validation.</span>
      ) : (
        <button
          disabled={resubmit.isPending}
          onClick={() =>
            resubmit.mutate({ uid: crypto.randomUUID(), videoId: expression.videoId, targets: suggested, text: expression.text, motionReasoning: expression.motionReasoning, acknowledged: [], revisionOf: expression.id })
          }
        >
          Resubmit with {targetsText(suggested)}
        </button>
      )}
      {resubmit.isError && (
        <p className="error" role="alert">
          {resubmit.error.message}
        </p>
      )}
    </div>
  );
}
