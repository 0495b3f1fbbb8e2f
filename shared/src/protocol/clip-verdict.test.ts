import { describe, expect, it } from 'vitest';
import { ASR_STATUSES, CLIP_VOTES, type ClipVote } from '../domain.ts';
import { clipVerdict, humanVerdict } from './clip-verdict.ts';

describe('clip verdict: verified only when the listeners and the recognizer both pass', () => {
  it('with one listener needed, covers every combination', () => {
    const table: Record<string, string> = {};
    for (const asr of ASR_STATUSES) for (const vote of [...CLIP_VOTES, null]) {
      const v = clipVerdict(asr, vote ? [vote] : [], 1);
      table[`${asr}/${vote}`] = v.cause ? `${v.status}:${v.cause}` : v.status;
    }
    expect(table).toEqual({
      'pending/match': 'submitted',
      'pending/mismatch': 'failed:human_mismatch',
      'pending/unclear': 'failed:human_unclear',
      'pending/null': 'submitted',
      'passed/match': 'verified',
      'passed/mismatch': 'failed:human_mismatch',
      'passed/unclear': 'failed:human_unclear',
      'passed/null': 'submitted',
      'failed/match': 'failed:asr',
      'failed/mismatch': 'failed:human_mismatch',
      'failed/unclear': 'failed:human_unclear',
      'failed/null': 'failed:asr',
      'unavailable/match': 'submitted',
      'unavailable/mismatch': 'failed:human_mismatch',
      'unavailable/unclear': 'failed:human_unclear',
      'unavailable/null': 'submitted',
    });
  });

  it('two agreeing listeners decide (the default); a split vote waits for a third, who decides it', () => {
    const h = (...votes: ClipVote[]) => humanVerdict(votes, 2);
    expect(h('match')).toEqual({ outcome: 'open', cause: null });
    expect(h('match', 'match')).toEqual({ outcome: 'pass', cause: null });
    expect(h('match', 'mismatch')).toEqual({ outcome: 'open', cause: null });
    expect(h('match', 'mismatch', 'match')).toEqual({ outcome: 'pass', cause: null });
    expect(h('match', 'mismatch', 'unclear')).toEqual({ outcome: 'fail', cause: 'human_mismatch' });
    expect(h('unclear', 'unclear')).toEqual({ outcome: 'fail', cause: 'human_unclear' });
    expect(h('unclear', 'match', 'unclear')).toEqual({ outcome: 'fail', cause: 'human_unclear' });
    // One vote is not enough, whatever the recognizer says; two are, with it.
    expect(clipVerdict('passed', ['match'])).toEqual({ status: 'submitted', cause: null });
    expect(clipVerdict('passed', ['match', 'match'])).toEqual({ status: 'verified', cause: null });
    expect(clipVerdict('pending', ['match', 'match'])).toEqual({ status: 'submitted', cause: null });
  });

  it('votes taken while the check is open decide it by the third at the latest, in any order', () => {
    // Every sequence the server can store: it takes a vote only while the human check is open.
    const sequences: ClipVote[][] = [];
    const grow = (votes: ClipVote[]) => {
      if (votes.length && humanVerdict(votes, 2).outcome !== 'open') return void sequences.push(votes);
      expect(votes.length, votes.join(',')).toBeLessThan(3);
      for (const v of CLIP_VOTES) grow([...votes, v]);
    };
    grow([]);
    expect(sequences.length).toBeGreaterThan(10);
    for (const votes of sequences) expect(humanVerdict([...votes].reverse(), 2), votes.join(',')).toEqual(humanVerdict(votes, 2));
  });
});
