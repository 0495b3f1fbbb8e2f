/** The vocabulary of guideline findings, shared by the annotation page and the submit endpoint. */

export type FindingCode =
  | 'too_short'
  | 'too_long'
  | 'duplicate'
  | 'near_duplicate'
  | 'no_target_without_motion'
  | 'target_without_motion'
  | 'static_target'
  | 'static_attributes';

export type Severity = 'error' | 'warning';

export interface Finding {
  code: FindingCode;
  severity: Severity;
  /** One sentence for the annotator naming the words, objects or text at fault and the guideline. */
  message: string;
  /** static_attributes: the words as written. */
  words?: string[];
  /** static_target: local object ids. */
  objects?: number[];
  /** duplicate / near_duplicate: the existing text it matches. */
  duplicateOf?: string;
}

/** Report order: errors before warnings, each code at most once. */
export const FINDING_CODES: readonly FindingCode[] = [
  'too_short',
  'too_long',
  'duplicate',
  'near_duplicate',
  'no_target_without_motion',
  'target_without_motion',
  'static_target',
  'static_attributes',
];

export const SEVERITY: Readonly<Record<FindingCode, Severity>> = {
  too_short: 'error',
  too_long: 'error',
  duplicate: 'error',
  near_duplicate: 'error',
  no_target_without_motion: 'error',
  target_without_motion: 'error',
  static_target: 'warning',
  static_attributes: 'warning',
};

export function sortFindings(findings: readonly Finding[]): Finding[] {
  const rank = (f: Finding) => (f.severity === 'error' ? 0 : FINDING_CODES.length) + FINDING_CODES.indexOf(f.code);
  return findings
    .map((f, i) => ({ f, i }))
    .sort((x, y) => rank(x.f) - rank(y.f) || x.i - y.i)
    .map(({ f }) => f);
}

/** The findings that refuse a submission. */
export function blockingFindings(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => f.severity === 'error');
}

/** Warnings the annotator has not yet confirmed ("keep it anyway"); they refuse a submission too. */
export function unacknowledgedWarnings(findings: readonly Finding[], acknowledged: readonly FindingCode[]): Finding[] {
  return findings.filter((f) => f.severity === 'warning' && !acknowledged.includes(f.code));
}
