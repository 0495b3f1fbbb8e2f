import type { Finding } from '#shared/guidelines/index.ts';
import { FINDING_RULE, ruleAnchor } from '#shared/guidelines/rules.ts';

/** Live guideline findings: errors block; warnings block until the annotator confirms them. */
export function GuidelineHints({ findings, acknowledged, onAcknowledge }: { findings: Finding[]; acknowledged: string[]; onAcknowledge(codes: string[]): void }) {
  if (findings.length === 0) return null;
  return (
    <ul className="findings" data-testid="findings">
      {findings.map((f) => (
        <li key={`${f.code}:${f.message}`} className={f.severity} data-code={f.code}>
          <span>{f.message}</span>{' '}
          {FINDING_RULE[f.code] && (
            <a href={ruleAnchor(FINDING_RULE[f.code]!)} target="_blank" rel="noopener" className="small" data-testid={`rule-link-${f.code}`}>
              the rule, with examples
            </a>
          )}
          {f.severity === 'warning' && (
            <label className="inline small">
              <input
                type="checkbox"
                checked={acknowledged.includes(f.code)}
                onChange={(e) => onAcknowledge(e.target.checked ? [...new Set([...acknowledged, f.code])] : acknowledged.filter((c) => c !== f.code))}
              />{' '}
              keep it anyway
            </label>
          )}
        </li>
      ))}
    </ul>
  );
}
