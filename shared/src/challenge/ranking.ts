// Leaderboard ranking (issue 16): which submission stands for each team, and their order. Pure.
import { METRIC_LABELS, METRICS, type Metric, type Pick } from './rules.ts';

export interface ScoredSubmission {
  submissionId: number;
  teamId: number;
  teamName: string;
  createdAt: number;
  scores: Record<Metric, number | null>;
}

export interface LeaderboardRow extends ScoredSubmission {
  /** 1-based; teams with equal ranking scores share a rank. */
  rank: number;
  /** Scored submissions the team made in this phase. */
  submissions: number;
}

const value = (s: ScoredSubmission, m: Metric) => s.scores[m] ?? -1;

/**
 * Per team its best submission by `rankBy` (ties: the earlier one, which reached that score
 * first) or its latest; teams ordered by `rankBy` descending, ties by the earlier submission.
 */
export function rankTeams(rows: readonly ScoredSubmission[], rankBy: Metric, pick: Pick): LeaderboardRow[] {
  const byTeam = new Map<number, { chosen: ScoredSubmission; count: number }>();
  for (const r of rows) {
    const cur = byTeam.get(r.teamId);
    if (!cur) {
      byTeam.set(r.teamId, { chosen: r, count: 1 });
      continue;
    }
    cur.count++;
    const better =
      pick === 'latest'
        ? r.createdAt > cur.chosen.createdAt || (r.createdAt === cur.chosen.createdAt && r.submissionId > cur.chosen.submissionId)
        : value(r, rankBy) > value(cur.chosen, rankBy) || (value(r, rankBy) === value(cur.chosen, rankBy) && r.createdAt < cur.chosen.createdAt);
    if (better) cur.chosen = r;
  }
  const sorted = [...byTeam.values()].sort((a, b) => value(b.chosen, rankBy) - value(a.chosen, rankBy) || a.chosen.createdAt - b.chosen.createdAt || a.chosen.submissionId - b.chosen.submissionId);
  const out: LeaderboardRow[] = [];
  sorted.forEach(({ chosen, count }, i) => {
    const prev = out[i - 1];
    const rank = prev && value(prev, rankBy) === value(chosen, rankBy) ? prev.rank : i + 1;
    out.push({ ...chosen, rank, submissions: count });
  });
  return out;
}

const csvCell = (s: string) => (/[",\n\r]/.test(s) || /^[=+\-@]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** The leaderboard as CSV: scores ×100 with 2 decimals, as the papers print them; dates in ISO UTC. */
export function leaderboardCsv(rows: readonly Omit<LeaderboardRow, 'teamId'>[]): string {
  const head = ['rank', 'team', 'submission', 'submitted_utc', ...METRICS.map((m) => METRIC_LABELS[m]), 'scored_submissions'];
  const lines = [head.join(',')];
  for (const r of rows) {
    lines.push(
      [String(r.rank), csvCell(r.teamName), String(r.submissionId), new Date(r.createdAt).toISOString(), ...METRICS.map((m) => (r.scores[m] === null ? '' : (100 * r.scores[m]!).toFixed(2))), String(r.submissions)].join(','),
    );
  }
  return lines.join('\n') + '\n';
}
