import { z } from 'zod';
import {
  AdminChallengeView, ChallengeDetail, ChallengeIdInput, ChallengeView, CreateChallengeInput, CreateTeamInput, JoinTeamInput, LeaderboardInput, LeaderboardView,
  RegisterInput, SubmissionDetail, SubmissionIdInput, SubmissionSummary, TeamView, UpdateChallengeInput,
} from '#shared/schemas/challenge.ts';
import { SessionUser } from '#shared/schemas/users.ts';
import { SESSION_COOKIE } from '../auth/sessions.ts';
import { challengeFor, challengeView, createChallenge, listChallenges, listChallengesForAdmin, updateChallenge } from '../services/challenge/challenges.ts';
import { leaderboard } from '../services/challenge/leaderboard.ts';
import { registerParticipant } from '../services/challenge/register.ts';
import { allSubmissions, submissionDetail, teamSubmissions, usageOf } from '../services/challenge/submissions.ts';
import { createTeam, joinTeam, teamOf } from '../services/challenge/teams.ts';
import { phaseAt, submitProblem } from '#shared/challenge/rules.ts';
import { publicProcedure, roleProcedure, router } from '../trpc/init.ts';

/**
 * The challenge server (issue 16). Thin: inputs checked by the schemas in shared/src/schemas/challenge.ts,
 * outputs by strict schemas (a participant's answers carry nothing of the ground truth nor of other
 * teams), the work in services/challenge/. Uploads and downloads are plain HTTP routes
 * (http/challenge-routes.ts): a zip is streamed to disk, never carried through tRPC.
 */
const admin = roleProcedure('admin');
const participant = roleProcedure('participant');
const either = roleProcedure('admin', 'participant');

export const challengeRouter = router({
  list: either.output(z.array(ChallengeView)).query(({ ctx }) => listChallenges(ctx.app.db, ctx.user)),

  /** The challenge, the caller's team and what the team may still submit. */
  get: either
    .input(ChallengeIdInput)
    .output(ChallengeDetail)
    .query(async ({ ctx, input }) => {
      const c = await challengeFor(ctx.app.db, ctx.user, input.challengeId);
      const team = await teamOf(ctx.app.db, input.challengeId, ctx.user.id);
      const phase = phaseAt(c.phases, Date.now());
      const usage = team ? await usageOf(ctx.app.db, input.challengeId, team.id, phase?.phase ?? null) : null;
      const blocked = !phase ? 'no phase is open now' : !team ? 'create or join a team first' : (submitProblem(c.row, usage!)?.message ?? null);
      return { challenge: challengeView(c), participant: ctx.user.roles.includes('participant'), team, usage, blocked };
    }),

  createTeam: participant
    .input(CreateTeamInput)
    .output(TeamView)
    .mutation(async ({ ctx, input }) => {
      await challengeFor(ctx.app.db, ctx.user, input.challengeId);
      return createTeam(ctx.app.db, input.challengeId, ctx.user.id, input.name);
    }),

  joinTeam: participant
    .input(JoinTeamInput)
    .output(TeamView)
    .mutation(async ({ ctx, input }) => {
      await challengeFor(ctx.app.db, ctx.user, input.challengeId);
      return joinTeam(ctx.app.db, input.challengeId, ctx.user.id, input.joinCode);
    }),

  /** The caller's team's history in this challenge. */
  submissions: participant
    .input(ChallengeIdInput)
    .output(z.array(SubmissionSummary))
    .query(({ ctx, input }) => teamSubmissions(ctx.app.db, ctx.user, input.challengeId)),

  /** One submission: status, check report, breakdowns — the submitting team's members and admins only. */
  submission: either
    .input(SubmissionIdInput)
    .output(SubmissionDetail)
    .query(({ ctx, input }) => submissionDetail(ctx.app.db, ctx.user, input.submissionId, (id) => ctx.app.challenges.progress(id))),

  /** Public leaderboards answer anyone, logged in or not (the results page is citable); others only admins. */
  leaderboard: publicProcedure
    .input(LeaderboardInput)
    .output(LeaderboardView)
    .query(({ ctx, input }) => leaderboard(ctx.app.db, ctx.user, input.challengeId, input.phase)),

  /** Self-registration with a challenge's invite code: a participant account, logged in. */
  register: publicProcedure
    .input(RegisterInput)
    .output(z.object({ user: SessionUser, challengeId: z.number().int() }))
    .mutation(async ({ ctx, input }) => {
      const r = await registerParticipant(ctx.app, input, ctx.ip);
      ctx.cookies.set(SESSION_COOKIE, r.token, { maxAgeMs: r.expiresAt - Date.now() });
      return { user: r.user, challengeId: r.challengeId };
    }),

  admin: router({
    list: admin.output(z.array(AdminChallengeView)).query(({ ctx }) => listChallengesForAdmin(ctx.app.db)),
    create: admin
      .input(CreateChallengeInput)
      .output(ChallengeView)
      .mutation(({ ctx, input }) => createChallenge(ctx.app.db, ctx.app.exports, input, ctx.user.id)),
    update: admin
      .input(UpdateChallengeInput)
      .output(ChallengeView)
      .mutation(({ ctx, input }) => updateChallenge(ctx.app.db, input, ctx.user.id)),
    submissions: admin
      .input(ChallengeIdInput)
      .output(z.array(SubmissionSummary))
      .query(async ({ ctx, input }) => {
        await challengeFor(ctx.app.db, ctx.user, input.challengeId);
        return allSubmissions(ctx.app.db, input.challengeId);
      }),
  }),
});
