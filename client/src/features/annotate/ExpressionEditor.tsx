import type { Finding } from '#shared/guidelines/index.ts';
import { kindForTargetCount } from '#shared/domain.ts';
import { cssColor, objectColor } from '../../canvas/palette.ts';
import type { Draft } from './draft-store.ts';
import { GuidelineHints } from './GuidelineHints.tsx';

const KIND_LABEL = { single: 'single target', multi: 'multiple targets (a group singled out by motion)', none: 'no target' } as const;

interface Props {
  objects: { localId: number; category: string | null }[];
  draft: Draft;
  findings: Finding[];
  onChange(patch: Partial<Draft>): void;
  onToggleNoTarget(): void;
  onSubmit(): void;
  canSubmit: boolean;
  submitting: boolean;
  error: string | null;
  notice: string | null;
}

export function ExpressionEditor({ objects, draft, findings, onChange, onToggleNoTarget, onSubmit, canSubmit, submitting, error, notice }: Props) {
  const chosen = draft.targets.length > 0 || draft.noTarget;
  const colorIndex = new Map(objects.map((o, i) => [o.localId, i]));
  return (
    <section className="editor" data-testid="editor">
      <div className="targets" data-testid="targets">
        <strong>Targets:</strong>
        {draft.noTarget && <span className="chip no-target">no target</span>}
        {draft.targets.map((id) => (
          <span className="chip" key={id} data-testid={`target-${id}`}>
            <span className="swatch" style={{ background: cssColor(objectColor(colorIndex.get(id) ?? 0)) }} />#{id}
            {objects.find((o) => o.localId === id)?.category ? ` ${objects.find((o) => o.localId === id)!.category}` : ''}
            <button className="chip-x" aria-label={`remove #${id}`} onClick={() => onChange({ targets: draft.targets.filter((t) => t !== id) })}>
              ×
            </button>
          </span>
        ))}
        {!chosen && <span className="muted">click objects in the video (or press their number), or choose “no target”</span>}
        <button className={draft.noTarget ? 'active' : ''} onClick={onToggleNoTarget} title="no target (N)">
          No target
        </button>
        {chosen && <span className="muted small" data-testid="kind">{KIND_LABEL[kindForTargetCount(draft.targets.length)]}</span>}
      </div>
      {draft.revisionOf !== undefined && (
        <p className="muted small" data-testid="revision-note">
          Rewriting an earlier expression: it is sent as a new one, validated again, and linked to the old.
        </p>
      )}
      <label className="expression-field">
        Motion expression
        <textarea
          name="expression"
          rows={2}
          maxLength={1000}
          value={draft.text}
          placeholder={draft.noTarget ? 'a deceptive expression about motion that matches no object, e.g. “the sheep jumping over the fence”' : 'how the target moves, e.g. “the sheep walking to the right, then stopping”'}
          onChange={(e) => onChange({ text: e.target.value.replace(/\n/g, ' ') })}
        />
      </label>
      <label className="inline">
        <input type="checkbox" checked={draft.motionReasoning} onChange={(e) => onChange({ motionReasoning: e.target.checked })} /> needs reasoning about motion
        (implicit: the target is found only by thinking about how things move)
      </label>
      {/* Nothing typed yet (a fresh field, or just after a submit): "too short" would only scold. */}
      <GuidelineHints
        findings={draft.text.trim() ? findings : findings.filter((f) => f.code !== 'too_short')}
        acknowledged={draft.acknowledged}
        onAcknowledge={(acknowledged) => onChange({ acknowledged })}
      />
      {error && (
        <p className="error" role="alert" data-testid="submit-error">
          {error}
        </p>
      )}
      {notice && (
        <p className="ok" role="status" data-testid="submit-notice">
          {notice}
        </p>
      )}
      <button className="primary" onClick={onSubmit} disabled={!canSubmit || submitting} data-testid="submit">
        {submitting ? 'Submitting…' : 'Submit (Enter)'}
      </button>
    </section>
  );
}
