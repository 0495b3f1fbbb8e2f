/**
 * The guideline checks of one expression draft (MeViS §3.1, A1–A5, plus length and duplicates).
 * Pure and deterministic: the annotation page runs it on every keystroke and the server runs it
 * again on submit, and both must reach the same findings — so everything is computed from the
 * cleaned text (tokenize.ts `cleanText`), which is what the server stores.
 */
import { SEVERITY, sortFindings, type Finding, type FindingCode } from './findings.ts';
import { resolveLimits, type GuidelineLimits } from './limits.ts';
import { messages } from './messages.ts';
import { findMotion } from './motion-words.ts';
import { normalizeExpression } from './normalize.ts';
import { prepareExpression, preparedSimilarity, similarityUpperBound, type PreparedExpression } from './similarity.ts';
import { staticWordsOf } from './static-attributes.ts';
import { cleanText, tokenizeClean, type Token } from './tokenize.ts';

export interface ExpressionDraft {
  text: string;
  /** Local object ids; [] = a no-target expression. */
  targets: readonly number[];
}

export interface CheckContext {
  /** Per local object id: whether the object clearly moves (from its masks). Missing id = unknown → no static_target warning. */
  motion: ReadonlyMap<number, { moving: boolean }>;
  /** Texts of the other expressions already written for this video. */
  existingTexts: readonly string[];
  limits?: Partial<GuidelineLimits>;
}

interface PreparedExisting {
  text: string;
  normalized: string;
  prepared: PreparedExpression;
}

/** The page re-checks on every keystroke against the same list; prepare it once per list. */
const preparedCache = new WeakMap<readonly string[], { source: readonly unknown[]; prepared: PreparedExisting[] }>();

function prepareExisting(texts: readonly string[]): PreparedExisting[] {
  const cached = preparedCache.get(texts);
  if (cached && cached.source.length === texts.length && cached.source.every((t, i) => t === texts[i])) return cached.prepared;
  const prepared = texts
    .filter((t): t is string => typeof t === 'string')
    .map((text) => ({ text, normalized: normalizeExpression(text), prepared: prepareExpression(text) }))
    .filter((p) => p.normalized !== '');
  preparedCache.set(texts, { source: [...texts], prepared });
  return prepared;
}

function finding(code: FindingCode, message: string, extra: Partial<Finding> = {}): Finding {
  return { code, severity: SEVERITY[code], message, ...extra };
}

function lengthFindings(tokens: readonly Token[], clean: string, limits: GuidelineLimits): Finding[] {
  const count = tokens.length;
  if (count < limits.minWords) return [finding('too_short', messages.tooShort(count, limits.minWords))];
  if (count > limits.maxWords) return [finding('too_long', messages.tooLong(count, limits.maxWords, 'words'))];
  const chars = [...clean].length;
  if (chars > limits.maxChars) return [finding('too_long', messages.tooLong(chars, limits.maxChars, 'characters'))];
  return [];
}

function duplicateFindings(clean: string, existingTexts: readonly string[], threshold: number): Finding[] {
  const normalized = normalizeExpression(clean);
  if (normalized === '') return [];
  const existing = prepareExisting(existingTexts);
  const exact = existing.find((e) => e.normalized === normalized);
  if (exact) return [finding('duplicate', messages.duplicate(exact.text), { duplicateOf: exact.text })];

  const draft = prepareExpression(clean);
  let best: { text: string; similarity: number } | undefined;
  for (const e of existing) {
    if (similarityUpperBound(draft, e.prepared) < threshold) continue;
    const similarity = preparedSimilarity(draft, e.prepared);
    if (similarity >= threshold && similarity > (best?.similarity ?? -1)) best = { text: e.text, similarity };
  }
  return best ? [finding('near_duplicate', messages.nearDuplicate(best.text), { duplicateOf: best.text })] : [];
}

function staticTargetFindings(targets: readonly number[], motion: CheckContext['motion']): Finding[] {
  const still = [...new Set(targets)].filter((id) => motion.get(id)?.moving === false).sort((a, b) => a - b);
  return still.length ? [finding('static_target', messages.staticTarget(still), { objects: still })] : [];
}

function staticAttributeFindings(tokens: readonly Token[]): Finding[] {
  const words = staticWordsOf(tokens);
  return words.length ? [finding('static_attributes', messages.staticAttributes(words), { words })] : [];
}

/** The "has motion" decision behind A1/A5 (measured on fixtures/a1-labelled.json, see a1-labelled.test.ts). */
export function describesMotion(tokens: readonly Token[]): boolean {
  return findMotion(tokens).length > 0;
}

/** The same decision on raw text (cleaned as the server stores it). */
export function hasMotion(text: string): boolean {
  return describesMotion(tokenizeClean(cleanText(text)));
}

/** Findings in a fixed order: errors first, then warnings; each code at most once. */
export function checkExpression(draft: ExpressionDraft, ctx: CheckContext): Finding[] {
  const limits = resolveLimits(ctx.limits);
  const clean = cleanText(typeof draft.text === 'string' ? draft.text : '');
  const tokens = tokenizeClean(clean);
  const targets = Array.isArray(draft.targets) ? draft.targets : [];

  const findings = [
    ...lengthFindings(tokens, clean, limits),
    ...duplicateFindings(clean, Array.isArray(ctx.existingTexts) ? ctx.existingTexts : [], limits.nearDuplicate),
  ];
  // A1 for target expressions, A5 for no-target ones: every expression must describe motion, or a
  // target that merely sits somewhere ("the horse near the fence") enters the dataset as a static
  // referring expression. An empty draft already has "too short" and nothing to judge.
  if (tokens.length > 0 && !describesMotion(tokens)) {
    findings.push(
      targets.length === 0
        ? finding('no_target_without_motion', messages.noTargetWithoutMotion())
        : finding('target_without_motion', messages.targetWithoutMotion()),
    );
  }
  if (targets.length > 0 && typeof ctx.motion?.get === 'function') findings.push(...staticTargetFindings(targets, ctx.motion));
  findings.push(...staticAttributeFindings(tokens));
  return sortFindings(findings);
}
