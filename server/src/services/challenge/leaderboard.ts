import { and, eq } from 'drizzle-orm';
import { rankTeams, type ScoredSubmission } from '#shared/challenge/ranking.ts';
import type { Phase } from '#shared/challenge/rules.ts';
import type { Role } from '#shared/roles.ts';
import type { Db } from '../../db/client.ts';
import { challengeSubmissions, challengeTeams } from '../../db/schema/index.ts';
import { notFound } from '../errors.ts';
import { challengeView, isAdmin, loadChallenge } from './challenges.ts';

/** What each score means, on the results page an author cites (README, Benchmark). */
export const METRIC_DEFINITIONS = [
  { metric: 'J', definition: 'region similarity: per-frame IoU of the prediction and the union of the expression\'s target masks (both empty: 1), averaged over frames, then over expressions' },
  { metric: 'F', definition: 'contour accuracy: the DAVIS boundary F-measure of the official MeViS tools/metrics.py, boundaries matched within ceil(0.008 × image diagonal) px (both empty: 1; empty prediction of a target: 0)' },
  { metric: 'J&F', definition: '(J + F) / 2 of the means over expressions' },
  { metric: 'N-acc', definition: 'share of no-target expressions whose prediction is empty in every frame' },
  { metric: 'T-acc', definition: 'share of expressions with targets whose prediction is not empty in every frame' },
];

/**
 * The leaderboard of one phase: public leaderboards to anyone (logged in or not), the others to
 * admins only; a hidden one answers like an unknown id. Per team its best or latest scored
 * submission (the challenge says which), ranked by the challenge's ranking score.
 */
export async function leaderboard(db: Db, user: { id: number; roles: readonly Role[] } | null, challengeId: number, phase: Phase) {
  const c = await loadChallenge(db, challengeId);
  if (!c || (!c.row.leaderboardPublic && !isAdmin(user))) throw notFound(`challenge ${challengeId}`);
  const s = challengeSubmissions;
  const rows = await db
    .select({ submissionId: s.id, teamId: s.teamId, teamName: challengeTeams.name, createdAt: s.createdAt, j: s.j, f: s.f, jf: s.jf, nAcc: s.nAcc, tAcc: s.tAcc, combined: s.combined })
    .from(s)
    .innerJoin(challengeTeams, eq(challengeTeams.id, s.teamId))
    .where(and(eq(s.challengeId, challengeId), eq(s.phase, phase), eq(s.state, 'scored')));
  const scored: ScoredSubmission[] = rows.map((r) => ({
    submissionId: r.submissionId,
    teamId: r.teamId,
    teamName: r.teamName,
    createdAt: r.createdAt,
    scores: { combined: r.combined, jf: r.jf, j: r.j, f: r.f, nAcc: r.nAcc, tAcc: r.tAcc },
  }));
  const ranked = rankTeams(scored, c.row.rankBy, c.row.pick);
  const view = challengeView(c);
  return {
    challenge: view,
    phase,
    rows: ranked.map((r) => ({ rank: r.rank, teamName: r.teamName, submissionId: r.submissionId, createdAt: r.createdAt, submissions: r.submissions, scores: r.scores })),
    definitions: [...METRIC_DEFINITIONS, { metric: 'Combined', definition: view.combinedDefinition }],
  };
}
