import { useState } from 'react';
import { OBJECT_NOTE_MAX } from '#shared/schemas/objects.ts';

interface Props {
  objects: readonly { localId: number; category: string | null }[];
  onFlag: (localId: number, note: string) => void;
  pending: boolean;
  /** The server's refusal, if the last flag was refused. */
  error: string | null;
  /** The last flag reached the admin (or had already). */
  sent: boolean;
}

/**
 * "Flag a bad mask": the annotate and validate pages' way to tell the admin that an object's mask
 * is wrong (leaks, holes, the wrong thing), with a short note. It changes nothing in the work at
 * hand: the admin decides (services/mask-flags.ts).
 */
export function FlagMaskForm({ objects, onFlag, pending, error, sent }: Props) {
  const [open, setOpen] = useState(false);
  const [localId, setLocalId] = useState<number | null>(null);
  const [note, setNote] = useState('');
  const chosen = localId ?? objects[0]?.localId ?? null;
  if (!open) {
    return (
      <div className="flag-mask">
        <button className="link" onClick={() => setOpen(true)} data-testid="flag-mask-open" disabled={objects.length === 0}>
          Flag a bad mask…
        </button>
        {pending && <span className="muted small"> Sending…</span>}
        {sent && !pending && (
          <span className="muted small" role="status" data-testid="flag-mask-sent">
            {' '}
            Thank you: the admin will look at it.
          </span>
        )}
        {error && !pending && (
          <span className="error small" role="alert">
            {' '}
            {error}
          </span>
        )}
      </div>
    );
  }
  const submit = (e: React.FormEvent) => {
    e.preventDefault();
    if (chosen === null || !note.trim() || pending) return;
    onFlag(chosen, note.trim());
    setOpen(false);
    setNote('');
  };
  return (
    // Keys typed here are the form's: the page's shortcuts (Enter submits the answer) stay out.
    <form className="flag-mask open" onSubmit={submit} onKeyDown={(e) => e.stopPropagation()} data-testid="flag-mask-form" aria-label="Flag a bad mask">
      <label>
        Object{' '}
        <select value={chosen ?? ''} onChange={(e) => setLocalId(Number(e.target.value))} data-testid="flag-mask-object">
          {objects.map((o) => (
            <option key={o.localId} value={o.localId}>
              #{o.localId}
              {o.category ? ` ${o.category}` : ''}
            </option>
          ))}
        </select>
      </label>{' '}
      <label>
        What is wrong{' '}
        <input
          value={note}
          onChange={(e) => setNote(e.target.value)}
          maxLength={OBJECT_NOTE_MAX}
          placeholder="e.g. the mask leaks into the wall from frame 30"
          size={40}
          data-testid="flag-mask-note"
        />
      </label>{' '}
      <button type="submit" disabled={!note.trim() || pending} data-testid="flag-mask-send">
        Send to the admin
      </button>{' '}
      <button type="button" onClick={() => setOpen(false)}>
        Cancel
      </button>
    </form>
  );
}
