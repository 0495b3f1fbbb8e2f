import { verbLemma } from '../../guidelines/lexicon-motion.ts';
import { findMotion } from '../../guidelines/motion-words.ts';
import { tokenize, type Token } from '../../guidelines/tokenize.ts';

/**
 * What the release's figures show (figures/*.svg), counted while the release is written
 * (services/export/write.ts feeds it; nothing is read twice). Plain counts keyed by number or word,
 * handed out sorted: the figures never depend on the order rows came in.
 */
export interface FigureData {
  /** Expressions by length in words (the guideline checks' tokenizer). */
  words: [number, number][];
  /** Expressions naming each motion verb lemma (the guideline checks' motion lexicon), most frequent first. */
  verbs: [string, number][];
  /** Expressions by number of targets (0: no-target). */
  targets: [number, number][];
  objectsPerVideo: [number, number][];
  expressionsPerVideo: [number, number][];
  /** Clips by duration, 1-second bins keyed by their lower bound. */
  durationSeconds: [number, number][];
  /** Clips by speaking rate, 20-wpm bins keyed by their lower bound (clips without a rate left out). */
  wpm: [number, number][];
}

export const DURATION_BIN_SECONDS = 1;
export const WPM_BIN = 20;

const bump = <K>(m: Map<K, number>, k: K) => m.set(k, (m.get(k) ?? 0) + 1);
const byNumber = (m: Map<number, number>): [number, number][] => [...m.entries()].sort((a, b) => a[0] - b[0]);

/**
 * The motion verbs of an expression as lemmas, each once: single verbs ("flying" → fly), the head
 * of a verb phrase ("turns around" → turn) and the verb inside a compound ("fast-moving" → move).
 */
export function motionVerbLemmas(tokens: readonly Token[]): string[] {
  const out = new Set<string>();
  for (const m of findMotion(tokens)) {
    if (m.kind === 'cue') continue;
    const t = tokens[m.first]!;
    const candidates = m.kind === 'verb' && t.parts.length > 1 ? t.parts : [t.key];
    for (const c of candidates) {
      const lemma = verbLemma(c);
      if (lemma) {
        out.add(lemma);
        break;
      }
    }
  }
  return [...out];
}

export class FigureAccumulator {
  private readonly words = new Map<number, number>();
  private readonly verbs = new Map<string, number>();
  private readonly targets = new Map<number, number>();
  private readonly objects = new Map<number, number>();
  private readonly expressions = new Map<number, number>();
  private readonly durations = new Map<number, number>();
  private readonly rates = new Map<number, number>();

  video(v: { objects: number; expressions: number }): void {
    bump(this.objects, v.objects);
    bump(this.expressions, v.expressions);
  }

  expression(e: { text: string; targets: number }): void {
    const tokens = tokenize(e.text);
    bump(this.words, tokens.length);
    for (const lemma of motionVerbLemmas(tokens)) bump(this.verbs, lemma);
    bump(this.targets, e.targets);
  }

  clip(c: { durationMs: number; wpm: number | null }): void {
    bump(this.durations, Math.floor(c.durationMs / 1000 / DURATION_BIN_SECONDS) * DURATION_BIN_SECONDS);
    if (c.wpm !== null && Number.isFinite(c.wpm)) bump(this.rates, Math.floor(c.wpm / WPM_BIN) * WPM_BIN);
  }

  result(): FigureData {
    return {
      words: byNumber(this.words),
      // Ties by lemma: the order never depends on which expression came first.
      verbs: [...this.verbs.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)),
      targets: byNumber(this.targets),
      objectsPerVideo: byNumber(this.objects),
      expressionsPerVideo: byNumber(this.expressions),
      durationSeconds: byNumber(this.durations),
      wpm: byNumber(this.rates),
    };
  }
}
