import { describe, expect, it } from 'vitest';
import { ASR_STATUSES, CLIP_VOTES } from '../domain.ts';
import { clipVerdict } from './clip-verdict.ts';

describe('clip verdict: verified only when the human and the recognizer both pass', () => {
  it('covers every combination', () => {
    const table: Record<string, string> = {};
    for (const asr of ASR_STATUSES) for (const vote of [...CLIP_VOTES, null]) {
      const v = clipVerdict(asr, vote);
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
});
