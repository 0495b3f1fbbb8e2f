/**
 * Annotation guideline checks (MeViS §3.1 A1–A5, length, duplicates). Pure: the same code runs in
 * the browser while the annotator types and on the server when the expression is submitted.
 */
export { checkExpression, hasMotion, type CheckContext, type ExpressionDraft } from './check-expression.ts';
export { blockingFindings, unacknowledgedWarnings, type Finding, type FindingCode, type Severity } from './findings.ts';
export { DEFAULT_LIMITS, type GuidelineLimits } from './limits.ts';
export { motionCueWords, motionWords } from './motion-words.ts';
export { normalizeExpression } from './normalize.ts';
export { expressionSimilarity } from './similarity.ts';
export { staticAttributeWords } from './static-attributes.ts';
export { cleanText, wordCount } from './tokenize.ts';
