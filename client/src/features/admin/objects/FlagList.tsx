import { useState } from 'react';
import { useMutation } from '@tanstack/react-query';
import { Link } from 'wouter';
import type { MaskFlagRow } from '#shared/schemas/objects.ts';
import { useTRPC } from '../../../trpc.ts';
import { useRefreshAfterDecision } from './use-object-decisions.ts';

interface MergeTarget {
  id: number;
  localId: number;
  category: string | null;
  excluded: unknown;
}

interface Props {
  flags: readonly MaskFlagRow[];
  /** The objects of a flag's video, to merge the flagged one into; none: no merge offered on that row. */
  objectsOf?: (flag: MaskFlagRow) => readonly MergeTarget[] | undefined;
  empty: string;
  /** The flag shown on the player, and how to choose one (the queue page). */
  chosen?: number | null;
  onChoose?: (flag: MaskFlagRow) => void;
}

const when = (ms: number) => new Date(ms).toLocaleString();

/** "Bad mask" flags with the admin's three answers: dismiss, exclude the object, or merge it into another. */
export function FlagList({ flags, objectsOf, empty, chosen, onChoose }: Props) {
  if (!flags.length) return empty ? <p className="muted" data-testid="no-flags">{empty}</p> : null;
  return (
    <table className="table" data-testid="flag-list">
      <thead>
        <tr>
          <th>Object</th>
          <th>Note</th>
          <th>Flagged by</th>
          <th>State</th>
          <th>
            <span className="sr-only">Decide</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {flags.map((f) => (
          <tr key={f.id} data-flag={f.id} className={f.id === chosen ? 'cursor' : undefined}>
            <td>
              {onChoose ? (
                <button className="link" onClick={() => onChoose(f)} aria-pressed={f.id === chosen} data-testid="flag-show">
                  #{f.localId}
                  {f.category ? ` ${f.category}` : ''} in {f.videoName}
                </button>
              ) : (
                <>
                  #{f.localId}
                  {f.category ? ` ${f.category}` : ''}
                </>
              )}{' '}
              <Link href={`/admin/videos/${f.videoId}`} className="small">
                video
              </Link>
            </td>
            <td data-testid="flag-note">{f.note}</td>
            <td>
              {f.reporter}
              <span className="muted small">
                {' '}
                {f.expressionId === null ? 'annotating' : (
                  <>
                    validating <Link href={`/admin/expressions/${f.expressionId}`}>#{f.expressionId}</Link>
                  </>
                )}
                , {when(f.createdAt)}
              </span>
            </td>
            <td data-testid="flag-state">
              {f.resolution ? `${f.resolution} by ${f.resolvedBy ?? '?'}` : f.objectExcluded ? 'open (object excluded since)' : 'open'}
            </td>
            <td>{f.resolvedAt === null && <Decide flag={f} objects={objectsOf?.(f)} />}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Decide({ flag, objects }: { flag: MaskFlagRow; objects: readonly MergeTarget[] | undefined }) {
  const trpc = useTRPC();
  const refresh = useRefreshAfterDecision();
  const resolve = useMutation(trpc.admin.flags.resolve.mutationOptions({ onSuccess: () => refresh() }));
  const [into, setInto] = useState<number | ''>('');
  const targets = (objects ?? []).filter((o) => o.id !== flag.objectId && !o.excluded);
  return (
    <div className="row">
      <button onClick={() => resolve.mutate({ flagId: flag.id, resolution: 'dismissed' })} disabled={resolve.isPending} data-testid="flag-dismiss">
        Dismiss
      </button>
      {!flag.objectExcluded && (
        <button onClick={() => resolve.mutate({ flagId: flag.id, resolution: 'excluded', note: `bad mask: ${flag.note}`.slice(0, 500) })} disabled={resolve.isPending} data-testid="flag-exclude">
          Exclude #{flag.localId}
        </button>
      )}
      {!flag.objectExcluded && targets.length > 0 && (
        <>
          <select value={into} onChange={(e) => setInto(e.target.value === '' ? '' : Number(e.target.value))} aria-label={`merge #${flag.localId} into`} data-testid="flag-merge-into">
            <option value="">merge into…</option>
            {targets.map((o) => (
              <option key={o.id} value={o.id}>
                #{o.localId}
                {o.category ? ` ${o.category}` : ''}
              </option>
            ))}
          </select>
          <button onClick={() => into !== '' && resolve.mutate({ flagId: flag.id, resolution: 'merged', intoObjectId: into })} disabled={into === '' || resolve.isPending} data-testid="flag-merge">
            Merge
          </button>
        </>
      )}
      {resolve.isError && (
        <span className="error small" role="alert">
          {resolve.error.message}
        </span>
      )}
    </div>
  );
}
