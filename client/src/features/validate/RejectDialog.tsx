import { useState } from 'react';
import { REJECT_REASONS, type RejectReason } from '#shared/domain.ts';
import { useShortcuts } from '../../ui/use-shortcuts.ts';

export const REJECT_LABELS: Record<RejectReason, string> = {
  single_frame: 'V1 — the target can be found from a single frame (not about motion)',
  no_target_unrelated: 'V2 — a no-target expression unrelated to the video, or not about motion',
  ambiguous: 'ambiguous — it could mean different objects',
  inappropriate: 'inappropriate or offensive',
  broken: 'broken (explain)',
};

export function RejectDialog({ onReject, onClose }: { onReject(reason: RejectReason, note?: string): void; onClose(): void }) {
  const [reason, setReason] = useState<RejectReason | null>(null);
  const [note, setNote] = useState('');
  const needsNote = reason === 'broken';
  const ready = reason !== null && !(needsNote && !note.trim());
  const confirm = () => ready && onReject(reason, note.trim() || undefined);
  // R, then a reason's number, then Enter: a reject without the mouse. Digits typed into the note
  // stay text (shortcuts skip text fields); Enter there confirms, as in the page's answer box.
  useShortcuts([
    ...REJECT_REASONS.map((r, i) => ({ keys: [String(i + 1)], run: () => setReason(r) })),
    { keys: ['Enter'], run: confirm, inFields: true },
    { keys: ['Escape'], run: onClose, inFields: true },
  ]);
  return (
    <div className="modal-backdrop" role="dialog" aria-modal="true" aria-labelledby="reject-title">
      <div className="modal">
        <h2 id="reject-title">Reject this expression</h2>
        <p className="small">
          <a href="/guidelines#V1" target="_blank" rel="noopener">
            What V1 and V2 mean, with examples
          </a>
        </p>
        <div className="reasons">
          {REJECT_REASONS.map((r, i) => (
            <label key={r} className="inline">
              <input type="radio" name="reason" value={r} checked={reason === r} onChange={() => setReason(r)} /> <kbd>{i + 1}</kbd> {REJECT_LABELS[r]}
            </label>
          ))}
        </div>
        <label className="expression-field">
          Note {needsNote ? '(required)' : '(optional)'}
          <textarea rows={2} maxLength={500} value={note} onChange={(e) => setNote(e.target.value)} />
        </label>
        <div className="row">
          <button className="primary" disabled={!ready} onClick={confirm}>
            Reject <kbd>Enter</kbd>
          </button>
          <button onClick={onClose}>
            Cancel <kbd>Esc</kbd>
          </button>
        </div>
      </div>
    </div>
  );
}
