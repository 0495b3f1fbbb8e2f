import { useState } from 'react';
import { REJECT_REASONS, type RejectReason } from '#shared/domain.ts';

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
  return (
    <div className="modal-backdrop" role="dialog" aria-modal="true" aria-labelledby="reject-title">
      <div className="modal">
        <h2 id="reject-title">Reject this expression</h2>
        <div className="reasons">
          {REJECT_REASONS.map((r) => (
            <label key={r} className="inline">
              <input type="radio" name="reason" value={r} checked={reason === r} onChange={() => setReason(r)} /> {REJECT_LABELS[r]}
            </label>
          ))}
        </div>
        <label className="expression-field">
          Note {needsNote ? '(required)' : '(optional)'}
          <textarea rows={2} maxLength={500} value={note} onChange={(e) => setNote(e.target.value)} />
        </label>
        <div className="row">
          <button className="primary" disabled={!reason || (needsNote && !note.trim())} onClick={() => reason && onReject(reason, note.trim() || undefined)}>
            Reject
          </button>
          <button onClick={onClose}>Cancel</button>
        </div>
      </div>
    </div>
  );
}
