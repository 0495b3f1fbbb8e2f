import { z } from 'zod';
import { CHALLENGE_SPLITS, METRICS, PHASES, PICKS, SUBMISSION_STATES, phasesProblem } from '../challenge/rules.ts';
import { PasswordSchema, UsernameSchema } from './users.ts';

/** The challenge server's wire contract (server/src/routers/challenge.ts); strict outputs for participants. */

const RELEASE_VERSION = /^[A-Za-z0-9][A-Za-z0-9._-]{0,39}$/;
const Id = z.number().int().positive().max(2 ** 31 - 1);
const Time = z.number().int().min(0).max(8.64e15);

export const PhaseWindowSchema = z.object({ phase: z.enum(PHASES), opensAt: Time, closesAt: Time });
export const PhasesSchema = z
  .array(PhaseWindowSchema)
  .min(1)
  .max(PHASES.length)
  .superRefine((phases, ctx) => {
    const problem = phasesProblem(phases);
    if (problem) ctx.addIssue({ code: 'custom', message: problem });
  });

/** Letters, digits and dashes: typed from an e-mail, never a secret worth hashing (the admin shows it). */
export const InviteCodeSchema = z
  .string()
  .trim()
  .min(8, 'an invite code has at least 8 characters')
  .max(64)
  .regex(/^[A-Za-z0-9-]+$/, 'an invite code uses letters, digits and "-"');

export const WeightsSchema = z
  .object({ jf: z.number().min(0).max(100), nAcc: z.number().min(0).max(100), tAcc: z.number().min(0).max(100) })
  .refine((w) => w.jf + w.nAcc + w.tAcc > 0, 'at least one weight of the combined score must be above 0');

/** Server-wide ceiling of one upload; a challenge may set less. */
export const MAX_UPLOAD_MB = 16 * 1024;

export const ChallengeSettings = z.object({
  title: z.string().trim().min(3).max(200),
  description: z.string().max(5000).default(''),
  phases: PhasesSchema,
  maxPerDay: z.number().int().min(1).max(1000),
  maxTotal: z.number().int().min(1).max(100_000),
  maxUploadMb: z.number().int().min(1).max(MAX_UPLOAD_MB),
  leaderboardPublic: z.boolean(),
  rankBy: z.enum(METRICS),
  pick: z.enum(PICKS),
  combined: WeightsSchema.default({ jf: 1, nAcc: 1, tAcc: 1 }),
  /** Self-registration as a participant with this code; null: accounts only from an admin. */
  inviteCode: InviteCodeSchema.nullable().default(null),
});

export const CreateChallengeInput = ChallengeSettings.extend({
  releaseVersion: z.string().regex(RELEASE_VERSION, 'a release version is 1–40 letters, digits, ".", "_" or "-"'),
  split: z.enum(CHALLENGE_SPLITS),
});

export const UpdateChallengeInput = ChallengeSettings.partial().extend({ challengeId: Id });
export const ChallengeIdInput = z.object({ challengeId: Id });
export const LeaderboardInput = z.object({ challengeId: Id, phase: z.enum(PHASES) });
export const SubmissionIdInput = z.object({ submissionId: Id });
export const TeamNameSchema = z.string().trim().min(2, 'a team name has at least 2 characters').max(60).regex(/^[\p{L}\p{N} ._'-]+$/u, 'a team name uses letters, digits, spaces and . _ \' -');
export const CreateTeamInput = z.object({ challengeId: Id, name: TeamNameSchema });
export const JoinTeamInput = z.object({ challengeId: Id, joinCode: z.string().trim().min(8).max(64).regex(/^[A-Za-z0-9-]+$/) });
export const RegisterInput = z.object({ inviteCode: z.string().trim().min(1).max(64), username: UsernameSchema, password: PasswordSchema });

const ScoreSummarySchema = z.object({
  samples: z.number(),
  frames: z.number(),
  j: z.number(),
  f: z.number(),
  jf: z.number(),
  nAcc: z.number().nullable(),
  tAcc: z.number().nullable(),
  combined: z.number(),
});
const Scores = z.object({ combined: z.number().nullable(), jf: z.number().nullable(), j: z.number().nullable(), f: z.number().nullable(), nAcc: z.number().nullable(), tAcc: z.number().nullable() });

export const ChallengeView = z.object({
  id: z.number().int(),
  title: z.string(),
  description: z.string(),
  releaseVersion: z.string(),
  split: z.enum(CHALLENGE_SPLITS),
  phases: z.array(PhaseWindowSchema),
  currentPhase: z.enum(PHASES).nullable(),
  maxPerDay: z.number().int(),
  maxTotal: z.number().int(),
  maxUploadMb: z.number().int(),
  leaderboardPublic: z.boolean(),
  rankBy: z.enum(METRICS),
  pick: z.enum(PICKS),
  combinedDefinition: z.string(),
  createdAt: z.number(),
});

export const AdminChallengeView = ChallengeView.extend({ inviteCode: z.string().nullable(), combined: WeightsSchema, teams: z.number().int(), submissions: z.number().int() });

export const TeamView = z.object({ id: z.number().int(), name: z.string(), joinCode: z.string(), members: z.array(z.string()) });

export const ChallengeDetail = z.object({
  challenge: ChallengeView,
  /** Whether the caller takes part (admins see the page without the team and upload parts). */
  participant: z.boolean(),
  team: TeamView.nullable(),
  usage: z.object({ lastDay: z.number().int(), scoredInPhase: z.number().int(), inFlight: z.boolean() }).nullable(),
  /** Why the team cannot submit right now (or null: it can). */
  blocked: z.string().nullable(),
});

export const CheckGroupSchema = z.object({
  kind: z.string(),
  severity: z.enum(['error', 'warning']),
  title: z.string(),
  summary: z.string(),
  count: z.number(),
  items: z.number(),
  hint: z.string().optional(),
  examples: z.array(z.object({ kind: z.string(), path: z.string(), detail: z.string().optional(), count: z.number().optional() })),
});
export const CheckReportSchema = z.object({
  valid: z.boolean(),
  errors: z.number(),
  warnings: z.number(),
  root: z.string(),
  expected: z.object({ videos: z.number(), expressions: z.number(), frames: z.number() }),
  found: z.object({ members: z.number(), frames: z.number(), checkedPngs: z.number() }),
  groups: z.array(CheckGroupSchema),
});

export const SubmissionSummary = z.object({
  id: z.number().int(),
  teamName: z.string(),
  username: z.string(),
  phase: z.enum(PHASES),
  state: z.enum(SUBMISSION_STATES),
  fileName: z.string(),
  bytes: z.number(),
  createdAt: z.number(),
  finishedAt: z.number().nullable(),
  scores: Scores,
  error: z.string().nullable(),
});

export const SubmissionDetail = SubmissionSummary.extend({
  challengeId: z.number().int(),
  progress: z.object({ phase: z.string(), done: z.number(), total: z.number() }).nullable(),
  check: CheckReportSchema.nullable(),
  report: z
    .object({
      overall: ScoreSummarySchema,
      byKind: z.record(z.string(), ScoreSummarySchema.nullable()),
      motionReasoning: z.object({ yes: ScoreSummarySchema.nullable(), no: ScoreSummarySchema.nullable() }).nullable(),
      withAudio: z.object({ yes: ScoreSummarySchema.nullable(), no: ScoreSummarySchema.nullable() }).nullable(),
      perVideo: z.record(z.string(), ScoreSummarySchema),
      missingVideos: z.array(z.string()),
      combinedDefinition: z.string(),
    })
    .nullable(),
});

export const LeaderboardView = z.object({
  challenge: ChallengeView,
  phase: z.enum(PHASES),
  rows: z.array(
    z.object({ rank: z.number().int(), teamName: z.string(), submissionId: z.number().int(), createdAt: z.number(), submissions: z.number().int(), scores: Scores }),
  ),
  /** How the scores are defined, for the results page an author cites. */
  definitions: z.array(z.object({ metric: z.string(), definition: z.string() })),
});

export const SubmissionResult = z.object({ submissionId: z.number().int() });
