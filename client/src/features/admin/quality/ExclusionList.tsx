import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../../../trpc.ts';
import { count } from './format.ts';

/** Past exclusions (newest first): whose work was taken out, by whom, why, and what it changed. */
export function ExclusionList() {
  const trpc = useTRPC();
  const list = useQuery(trpc.admin.quality.exclusions.queryOptions());
  if (list.isError)
    return (
      <p className="error" role="alert">
        {list.error.message}
      </p>
    );
  if (!list.data) return null;
  return (
    <section aria-labelledby="exclusions-title">
      <h4 id="exclusions-title">Taken out of the next round</h4>
      <p className="muted small">
        A validator&rsquo;s answers stop counting (agreement, scores, the dashboard) and the samples they decided are decided again from the answers left;
        an annotator&rsquo;s samples not yet released restart at round 1. Releases already made keep what they hold.
      </p>
      {list.data.length === 0 ? (
        <p className="muted">Nobody yet.</p>
      ) : (
        <table className="table" data-testid="quality-exclusions">
          <thead>
            <tr>
              <th scope="col">when</th>
              <th scope="col">person</th>
              <th scope="col">as</th>
              <th scope="col">answers voided</th>
              <th scope="col">samples back in validation</th>
              <th scope="col">by</th>
              <th scope="col">note</th>
            </tr>
          </thead>
          <tbody>
            {list.data.map((x) => (
              <tr key={x.id} data-user={x.username}>
                <td>{new Date(x.createdAt).toLocaleString()}</td>
                <td>{x.username}</td>
                <td>{x.role ?? '?'}</td>
                <td>{count(x.voidedAnswers)}</td>
                <td>{count(x.reopenedSamples)}</td>
                <td>{x.actor ?? '–'}</td>
                <td>{x.note}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
