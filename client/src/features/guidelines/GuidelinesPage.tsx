import { useEffect } from 'react';
import { ANNOTATION_RULES, VALIDATION_RULES, type GuidelineRule } from '#shared/guidelines/rules.ts';
import { DEFAULT_LIMITS } from '#shared/guidelines/limits.ts';

/** A1–A5 and V1–V2 with good and bad examples; findings and reject reasons link here by rule id. */
export function GuidelinesPage() {
  // Arriving from a finding's link (/guidelines#A1): show that rule, even after the lazy load.
  useEffect(() => {
    const id = decodeURIComponent(location.hash.slice(1));
    if (id) document.getElementById(id)?.scrollIntoView();
  }, []);
  return (
    <div className="guidelines" data-testid="guidelines">
      <h2>Writing expressions (annotators)</h2>
      <p className="muted">
        A sentence about <em>motion</em> picks out zero, one or several objects of a video. The checks on the annotate page apply these rules as you type; a finding links
        to its rule here.
      </p>
      {ANNOTATION_RULES.map((r) => (
        <Rule key={r.id} rule={r} />
      ))}
      <section id="length" className="rule">
        <h3>Length</h3>
        <p>
          {DEFAULT_LIMITS.minWords} to {DEFAULT_LIMITS.maxWords} words: “the bird flying” is about the shortest sentence that names an object and a motion; a paragraph
          cannot be read aloud naturally in one go.
        </p>
      </section>
      <section id="duplicates" className="rule">
        <h3>Duplicates</h3>
        <p>The same sentence, or one that differs only in grammar (“the bird that is flying away” and “bird flying away”), is said once per video.</p>
      </section>
      <h2>Validating (validators)</h2>
      <p className="muted">
        You see the video and the sentence, never the annotator’s choice. Pick every object the sentence means, “no target” if it means none, or reject it — with one of
        these reasons when it applies.
      </p>
      {VALIDATION_RULES.map((r) => (
        <Rule key={r.id} rule={r} />
      ))}
    </div>
  );
}

function Rule({ rule }: { rule: GuidelineRule }) {
  return (
    <section id={rule.id} className="rule" data-testid={`rule-${rule.id}`}>
      <h3>
        {rule.id}. {rule.title}
      </h3>
      <p>{rule.text}</p>
      <div className="examples">
        <div>
          <strong className="good">Good</strong>
          <ul>
            {rule.good.map((g) => (
              <li key={g}>“{g}”</li>
            ))}
          </ul>
        </div>
        <div>
          <strong className="bad">Not like this</strong>
          <ul>
            {rule.bad.map((b) => (
              <li key={b.text}>
                “{b.text}” — <span className="muted">{b.why}</span>
              </li>
            ))}
          </ul>
        </div>
      </div>
    </section>
  );
}
