import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { create } from 'zustand';
import type { ExpressionStatus } from '#shared/domain.ts';
import type { RaterRole } from '#shared/schemas/rater-exclusion.ts';
import { useTRPC } from '../../../trpc.ts';
import { useShortcuts } from '../../../ui/use-shortcuts.ts';

const STATE: Record<ExpressionStatus, string> = {
  pending: 'waiting for round 1',
  second_round: 'waiting for round 2',
  accepted: 'accepted',
  rejected: 'rejected',
  discarded: 'discarded',
};

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

interface Person {
  userId: number;
  username: string;
  role: RaterRole;
}

/**
 * The person whose dialog is open. Kept outside the people table: the exclusion takes the person's
 * row out of the refreshed report, and the dialog (with its outcome) must outlive that row.
 */
const useExcludeTarget = create<{ person: Person | null; open(p: Person): void; close(): void }>((set) => ({
  person: null,
  open: (person) => set({ person }),
  close: () => set({ person: null }),
}));

/** "Take out" on a row of the people table: opens the confirm dialog with what it would do. */
export function ExcludeButton({ person }: { person: Person }) {
  const open = useExcludeTarget((s) => s.open);
  const { userId, username, role } = person;
  return (
    <button className="small" onClick={() => open({ userId, username, role })} data-testid="exclude-open" aria-label={`take ${username}'s ${role} work out of the next round`}>
      Take out…
    </button>
  );
}

/** Where the dialog lives on the quality page (once, outside the report's tables). */
export function ExcludeDialogHost() {
  const { person, close } = useExcludeTarget();
  // Leaving the page closes it.
  useEffect(() => close, [close]);
  return person ? <ExcludeDialog key={`${person.role}:${person.userId}`} person={person} onClose={close} /> : null;
}

/**
 * The confirm dialog: the server's preview (answers voided, samples sent back by their current
 * and new state, leases ended), a note, the option to take the role away; then the action.
 */
function ExcludeDialog({ person, onClose }: { person: Person; onClose(): void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const target = { userId: person.userId, role: person.role };
  // Always fresh: the numbers are what the click will do.
  const preview = useQuery({ ...trpc.admin.quality.exclusionPreview.queryOptions(target), staleTime: 0, gcTime: 0 });
  const [note, setNote] = useState('');
  const [removeRole, setRemoveRole] = useState(false);
  const exclude = useMutation(
    trpc.admin.quality.exclude.mutationOptions({
      onSuccess: () => {
        void queryClient.invalidateQueries({ queryKey: trpc.admin.quality.pathKey() });
      },
    }),
  );
  useShortcuts([{ keys: ['Escape'], run: onClose, inFields: true }]);
  const p = preview.data;
  const done = exclude.data;
  const nothing = p !== undefined && p.answers === 0;
  return (
    <div className="modal-backdrop" role="dialog" aria-modal="true" aria-labelledby="exclude-title" data-testid="exclude-dialog">
      <div className="modal exclude-modal">
        <h2 id="exclude-title">
          Take {person.username}&rsquo;s {person.role === 'validator' ? 'answers' : 'samples'} out of the next round
        </h2>
        {preview.isError && (
          <p className="error" role="alert">
            {preview.error.message}
          </p>
        )}
        {preview.isPending && <p className="muted">Looking at what this would change…</p>}
        {p && !done && (
          <div data-testid="exclude-preview">
            {person.role === 'validator' ? (
              <p>
                {plural(p.answers, 'answer')} of {p.username}&rsquo;s will stop counting
                {p.goldAnswers > 0 && ` (${p.goldAnswers} on gold samples, which decide nothing)`}. The samples they helped decide are decided again from the
                answers left, by the same protocol:
              </p>
            ) : (
              <p>
                {p.username}&rsquo;s samples that no release holds yet and that were accepted or waiting for round 2 go back to round 1;
                {` ${plural(p.answers, 'answer')}`} given on them will stop counting. Rejected and discarded ones stay as they are.
              </p>
            )}
            {p.samples.length === 0 ? (
              <p className="muted">No sample changes state.</p>
            ) : (
              <ul data-testid="exclude-samples">
                {p.samples.map((g) => (
                  <li key={`${g.from}>${g.to}`} data-from={g.from} data-to={g.to}>
                    {plural(g.n, 'sample')}: {STATE[g.from]} → {STATE[g.to]}
                  </li>
                ))}
              </ul>
            )}
            {p.inRelease > 0 && (
              <p className="small">{plural(p.inRelease, 'of these samples is', 'of these samples are')} in a release already: that release keeps them as they were; the next one will not, unless they are accepted again.</p>
            )}
            {p.releasedLeftAlone > 0 && <p className="small">{plural(p.releasedLeftAlone, 'expression')} of theirs already released stay as they are (a release never changes).</p>}
            {p.leases > 0 && <p className="small">{plural(p.leases, 'validator')} holding one of these samples right now will be asked to take the next one.</p>}
            {nothing && <p className="muted">Nothing of theirs counts any more: there is nothing left to take out.</p>}
            <label className="expression-field">
              Note (why; kept with the record)
              <textarea rows={2} maxLength={500} value={note} onChange={(e) => setNote(e.target.value)} data-testid="exclude-note" />
            </label>
            <label className="inline">
              <input type="checkbox" checked={removeRole} disabled={!p.canRemoveRole} onChange={(e) => setRemoveRole(e.target.checked)} data-testid="exclude-remove-role" /> also take the{' '}
              {person.role} role away (no new work of this kind)
              {p.hasRole && !p.canRemoveRole && <span className="muted small"> — it is their only role: disable the account on the Users page instead</span>}
              {!p.hasRole && <span className="muted small"> — they no longer have it</span>}
            </label>
          </div>
        )}
        {exclude.isError && (
          <p className="error" role="alert">
            {exclude.error.message}
          </p>
        )}
        {done && (
          <p role="status" data-testid="exclude-done">
            Done: {plural(done.voidedAnswers, 'answer')} voided, {plural(done.reopenedSamples, 'sample')} back in validation
            {done.leasesReleased > 0 && `, ${plural(done.leasesReleased, 'lease')} ended`}
            {done.roleRemoved && `; the ${person.role} role is taken away`}.
          </p>
        )}
        <div className="row">
          {!done && (
            <button
              className="primary danger"
              disabled={!p || exclude.isPending || (nothing && !removeRole)}
              onClick={() => exclude.mutate({ ...target, note: note.trim(), removeRole })}
              data-testid="exclude-confirm"
            >
              {exclude.isPending ? 'Taking out…' : 'Take out'}
            </button>
          )}
          <button onClick={onClose}>{done ? 'Close' : 'Cancel'}</button>
        </div>
      </div>
    </div>
  );
}
