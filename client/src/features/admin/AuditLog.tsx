import { useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../../trpc.ts';
import { useAuditFilter } from './audit-filter-store.ts';

/** Every state change, newest first, filterable by action prefix, entity and user. */
export function AuditLog() {
  const trpc = useTRPC();
  const [action, setAction] = useState('');
  const [entity, setEntity] = useState('');
  const actor = useAuditFilter((st) => st.actor);
  const setActor = useAuditFilter((st) => st.setActor);
  // A new user filter (typed, or picked from the dashboard) starts from the newest entries again:
  // the pages belong to the filter they were turned under.
  const [paging, setPaging] = useState<{ actor: string; pages: (number | undefined)[] }>({ actor, pages: [undefined] });
  const pages = paging.actor === actor ? paging.pages : [undefined];
  const setPages = (next: (number | undefined)[]) => setPaging({ actor, pages: next });
  const before = pages.at(-1);
  const log = useQuery(trpc.admin.audit.list.queryOptions({ action: action || undefined, entity: entity || undefined, actor: actor || undefined, before, limit: 30 }));
  const reset = () => setPages([undefined]);
  return (
    <div data-testid="audit-log">
      <div className="row">
        <input placeholder="action, e.g. video. or user.disable" value={action} onChange={(e) => (setAction(e.target.value), reset())} aria-label="action filter" />
        <input placeholder="entity (video, user, expression…)" value={entity} onChange={(e) => (setEntity(e.target.value), reset())} aria-label="entity filter" />
        <input placeholder="user" value={actor} onChange={(e) => (setActor(e.target.value), reset())} aria-label="user filter" />
      </div>
      <table className="table">
        <thead>
          <tr>
            <th>when</th>
            <th>who</th>
            <th>action</th>
            <th>entity</th>
            <th>details</th>
          </tr>
        </thead>
        <tbody>
          {log.data?.entries.map((e) => (
            <tr key={e.id} data-action={e.action}>
              <td>{new Date(e.at).toLocaleString()}</td>
              <td>{e.actor ?? 'system'}</td>
              <td>{e.action}</td>
              <td>
                {e.entity} {e.entityId}
              </td>
              <td className="small muted">{e.data}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="row">
        <button disabled={pages.length === 1} onClick={() => setPages(pages.slice(0, -1))}>
          ← newer
        </button>
        <button disabled={!log.data?.nextBefore} onClick={() => setPages([...pages, log.data!.nextBefore!])}>
          older →
        </button>
      </div>
    </div>
  );
}
