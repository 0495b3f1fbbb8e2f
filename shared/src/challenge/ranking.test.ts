import { describe, expect, it } from 'vitest';
import { leaderboardCsv, rankTeams, type ScoredSubmission } from './ranking.ts';
import { isPublicReleaseFile, isSplitFile, phaseAt, phasesProblem, submitProblem } from './rules.ts';

const sub = (submissionId: number, teamId: number, createdAt: number, combined: number, jf = combined): ScoredSubmission => ({
  submissionId,
  teamId,
  teamName: `team ${teamId}`,
  createdAt,
  scores: { combined, jf, j: jf, f: jf, nAcc: 1, tAcc: 1 },
});

describe('leaderboard ranking', () => {
  const rows = [sub(1, 1, 10, 0.5), sub(2, 1, 20, 0.9), sub(3, 1, 30, 0.2), sub(4, 2, 15, 0.7), sub(5, 3, 25, 0.9)];

  it('best: each team by its best submission, ties by who got there first, shared ranks', () => {
    const board = rankTeams(rows, 'combined', 'best');
    expect(board.map((r) => [r.teamId, r.submissionId, r.rank, r.submissions])).toEqual([
      [1, 2, 1, 3],
      [3, 5, 1, 1],
      [2, 4, 3, 1],
    ]);
  });

  it('latest: each team by its newest submission', () => {
    expect(rankTeams(rows, 'combined', 'latest').map((r) => [r.teamId, r.submissionId])).toEqual([
      [3, 5],
      [2, 4],
      [1, 3],
    ]);
  });

  it('ranks by the chosen metric; a missing score ranks last', () => {
    const withNull = [sub(1, 1, 1, 0.9, 0.1), { ...sub(2, 2, 2, 0.1, 0.8) }, { ...sub(3, 3, 3, 0.5), scores: { ...sub(3, 3, 3, 0.5).scores, jf: null } }];
    expect(rankTeams(withNull, 'jf', 'best').map((r) => r.teamId)).toEqual([2, 1, 3]);
  });

  it('CSV: percentages, ISO dates, team names quoted when they could be formulas', () => {
    const csv = leaderboardCsv(rankTeams([{ ...sub(1, 1, 0, 1), teamName: '=cmd, "x"' }], 'combined', 'best'));
    expect(csv.split('\n')[0]).toBe('rank,team,submission,submitted_utc,Combined,J&F,J,F,N-acc,T-acc,scored_submissions');
    expect(csv.split('\n')[1]).toBe('1,"=cmd, ""x""",1,1970-01-01T00:00:00.000Z,100.00,100.00,100.00,100.00,100.00,100.00,1');
  });
});

describe('challenge rules', () => {
  const phases = [
    { phase: 'development' as const, opensAt: 100, closesAt: 200 },
    { phase: 'final' as const, opensAt: 200, closesAt: 300 },
  ];
  it('finds the open phase; none before, after, or at a close', () => {
    expect(phaseAt(phases, 99)).toBeNull();
    expect(phaseAt(phases, 100)?.phase).toBe('development');
    expect(phaseAt(phases, 200)?.phase).toBe('final');
    expect(phaseAt(phases, 300)).toBeNull();
  });
  it('refuses overlapping, repeated or empty phases', () => {
    expect(phasesProblem(phases)).toBeNull();
    expect(phasesProblem([])).toMatch(/at least one/);
    expect(phasesProblem([phases[0]!, phases[0]!])).toMatch(/once/);
    expect(phasesProblem([phases[0]!, { ...phases[1]!, opensAt: 150 }])).toMatch(/after the development/);
    expect(phasesProblem([{ ...phases[0]!, closesAt: 100 }])).toMatch(/open before/);
  });
  it('limits: one in flight, a total of scored ones per phase, a rolling day', () => {
    const limits = { maxPerDay: 2, maxTotal: 3 };
    expect(submitProblem(limits, { lastDay: 1, scoredInPhase: 2, inFlight: false })).toBeNull();
    expect(submitProblem(limits, { lastDay: 0, scoredInPhase: 0, inFlight: true })?.code).toBe('CONFLICT');
    expect(submitProblem(limits, { lastDay: 2, scoredInPhase: 0, inFlight: false })?.message).toMatch(/last 24 hours/);
    expect(submitProblem(limits, { lastDay: 0, scoredInPhase: 3, inFlight: false })?.message).toMatch(/all 3 scored/);
  });
  it('participants never get ground truth, withheld tracking boxes or masks', () => {
    for (const f of ['ground_truth/valid/mask_dict.json', 'ground_truth/test/meta_expressions.json', 'tracking/valid/v/0.txt', 'tracking/test/v/0.txt', 'manifest.json', 'valid/mask_dict.json', '../x', 'a//b']) {
      expect(isPublicReleaseFile(f), f).toBe(false);
    }
    for (const f of ['train/mask_dict.json', 'valid_u/mask_dict.json', 'valid/meta_expressions.json', 'valid/JPEGImages/v/00000.jpg', 'tracking/train/v/0.txt', 'audio/valid/v/0.wav', 'README.md', 'stats.json']) {
      expect(isPublicReleaseFile(f), f).toBe(true);
    }
    expect(isSplitFile('valid/JPEGImages/v/00000.jpg', 'valid')).toBe(true);
    expect(isSplitFile('train/meta_expressions.json', 'valid')).toBe(false);
    // The card's figures and changelog come with it.
    expect(['figures/motion_verbs.svg', 'CHANGELOG.md'].map((f) => isSplitFile(f, 'valid'))).toEqual([true, true]);
  });
});
