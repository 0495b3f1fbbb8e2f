import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { EXPRESSION_STATUSES, type ExpressionStatus } from '#shared/domain.ts';
import { Link } from 'wouter';
import { useTRPC } from '../../trpc.ts';

const PAGE = 25;

/**
 * Expressions by state; accepted ones can be made gold samples (known answers that check validators).
 * Each opens its own page with the targets on the video and every answer.
 */
export function ExpressionTable() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [status, setStatus] = useState<ExpressionStatus | ''>('accepted');
  const [page, setPage] = useState(0);
  const input = { status: status || undefined, limit: PAGE, offset: page * PAGE };
  const list = useQuery(trpc.admin.expressions.list.queryOptions(input));
  const setGold = useMutation(trpc.admin.expressions.setGold.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.admin.expressions.list.queryKey() }) }));
  return (
    <div data-testid="expression-table">
      <div className="row">
        <label>
          State{' '}
          <select
            value={status}
            onChange={(e) => {
              setStatus(e.target.value as ExpressionStatus | '');
              setPage(0);
            }}
          >
            <option value="">all</option>
            {EXPRESSION_STATUSES.map((s) => (
              <option key={s} value={s}>
                {s.replace('_', ' ')}
              </option>
            ))}
          </select>
        </label>
        {list.data && (
          <span className="muted small">
            {list.data.total} expressions · page {page + 1} of {Math.max(1, Math.ceil(list.data.total / PAGE))}
          </span>
        )}
        <button disabled={page === 0} onClick={() => setPage(page - 1)}>
          ← previous
        </button>
        <button disabled={!list.data || (page + 1) * PAGE >= list.data.total} onClick={() => setPage(page + 1)}>
          next →
        </button>
      </div>
      {list.data && (
        <table className="table">
          <thead>
            <tr>
              <th>Expression</th>
              <th>Video</th>
              <th>Targets</th>
              <th>State</th>
              <th>By</th>
              <th>Gold</th>
            </tr>
          </thead>
          <tbody>
            {list.data.expressions.map((e) => (
              <tr key={e.id} data-expression={e.id}>
                <td>
                  <Link href={`/admin/expressions/${e.id}`}>{e.text}</Link>
                </td>
                <td>{e.videoName}</td>
                <td>{e.targets === null ? <span className="muted">hidden until decided</span> : e.targets.length ? e.targets.map((t) => `#${t}`).join(' ') : 'none'}</td>
                <td>
                  {e.status.replace('_', ' ')}
                  {e.rejectReason && ` (${e.rejectReason.replace(/_/g, ' ')})`}
                </td>
                <td>{e.author ?? <span className="muted">{e.origin}</span>}</td>
                <td>
                  <input
                    type="checkbox"
                    aria-label={`gold: ${e.text}`}
                    checked={e.gold}
                    disabled={e.status !== 'accepted' || setGold.isPending}
                    onChange={(ev) => setGold.mutate({ expressionId: e.id, gold: ev.target.checked })}
                  />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
