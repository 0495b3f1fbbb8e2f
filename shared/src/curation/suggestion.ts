export interface CurationCounts {
  objectCount: number;
  movingCount: number;
  lookalikePairs: number;
  /**
   * Objects masked on key frames only (sparse.ts). MeViS needs every object's mask on every frame
   * it is visible on, so such a video is never suggested until its masks are completed.
   */
  sparseObjects: number;
}

export interface CurationRules {
  curationMinObjects: number;
  curationMinMoving: number;
  /**
   * Whether R1 look-alikes are required for a suggestion. Off by default: look-alikes are the
   * paper's spirit (§3.1: expressions must tell similar objects apart by motion), but many good
   * DAVIS / YouTube-VOS clips have several moving objects of different kinds and no look-alike pair,
   * and the colour histogram misses look-alikes that differ in colour (two people in different
   * clothes). So the missing pair is shown as a reason for the curator to weigh, not a veto.
   */
  requireLookalike?: boolean;
}

export interface CurationSuggestion {
  suggested: boolean;
  /** Every unmet rule in words, including a missing look-alike pair even when it does not block. */
  reasons: string[];
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * Suggests keeping a video (paper §3.1) when it has enough objects and enough clearly moving ones,
 * and every object has a full track.
 */
export function suggestion(c: CurationCounts, rules: CurationRules): CurationSuggestion {
  const reasons: string[] = [];
  let suggested = true;
  if (c.objectCount < rules.curationMinObjects) {
    suggested = false;
    reasons.push(`${plural(c.objectCount, 'object', 'objects')}, fewer than ${rules.curationMinObjects}`);
  }
  if (c.movingCount < rules.curationMinMoving) {
    suggested = false;
    reasons.push(`${plural(c.movingCount, 'moving object', 'moving objects')}, fewer than ${rules.curationMinMoving}`);
  }
  if (c.sparseObjects > 0) {
    suggested = false;
    reasons.push(`${c.sparseObjects} of ${plural(c.objectCount, 'object', 'objects')} masked on only part of ${c.sparseObjects === 1 ? 'its' : 'their'} track (key frames)`);
  }
  if (c.lookalikePairs === 0) {
    if (rules.requireLookalike) suggested = false;
    reasons.push('no look-alike pair');
  }
  return { suggested, reasons };
}
