import type { AnswerFeedback } from '#shared/schemas/validate.ts';

/** What the validator learns after answering (and only then). */
export function Feedback({ feedback, onNext }: { feedback: AnswerFeedback; onNext(): void }) {
  const { agreed, outcome, correctTargets, points } = feedback;
  const headline =
    agreed === null
      ? 'You rejected this expression.'
      : agreed
        ? 'You agreed with the annotator.'
        : outcome === null
          ? 'You picked differently from the annotator: a second validator will decide.'
          : 'You picked differently from the annotator.';
  const outcomeText = outcome === 'accepted' ? 'The expression is accepted.' : outcome === 'discarded' ? 'The two validators disagreed with the annotator: the expression is discarded.' : outcome === 'rejected' ? 'The expression is rejected.' : null;
  return (
    <section className={`editor feedback ${agreed === false ? 'disagreed' : 'agreed'}`} data-testid="feedback">
      <strong>{headline}</strong>
      {outcomeText && <span>{outcomeText}</span>}
      {correctTargets && (
        <span data-testid="correct-targets">
          {/* Only targets are outlined: a no-target expression has nothing to point at. */}
          {correctTargets.length ? `The annotator meant: ${correctTargets.map((t) => `#${t}`).join(' ')} (outlined in the video).` : 'The annotator meant no object: a no-target expression.'}
        </span>
      )}
      <span className="muted">+{points} point{points === 1 ? '' : 's'}</span>
      <button className="primary" onClick={onNext} data-testid="next-sample">
        Next sample (Enter)
      </button>
    </section>
  );
}
