import { and, count, desc, eq, inArray, sql } from 'drizzle-orm';
import { DAY_MS, LIVE_SUBMISSION_STATES, phaseAt, submitProblem, type Phase, type SubmissionState, type UsageCounts } from '#shared/challenge/rules.ts';
import type { Role } from '#shared/roles.ts';
import type { Db, DbOrTx } from '../../db/client.ts';
import { challengeSubmissions, challengeTeams, users } from '../../db/schema/index.ts';
import { audit } from '../audit.ts';
import { notFound, ServiceError } from '../errors.ts';
import { challengeFor, isAdmin, loadChallenge, type ChallengeRecord } from './challenges.ts';
import { teamOf, type Team } from './teams.ts';

type Viewer = { id: number; roles: readonly Role[] };

export async function usageOf(db: DbOrTx, challengeId: number, teamId: number, phase: Phase | null, now = Date.now()): Promise<UsageCounts> {
  const s = challengeSubmissions;
  const [row] = await db
    .select({
      lastDay: sql<number>`count(*) filter (where ${s.createdAt} >= ${now - DAY_MS})`.mapWith(Number),
      scoredInPhase: sql<number>`count(*) filter (where ${s.state} = 'scored' and ${s.phase} = ${phase ?? ''})`.mapWith(Number),
      inFlight: sql<number>`count(*) filter (where ${s.state} in ('queued', 'checking', 'scoring'))`.mapWith(Number),
    })
    .from(s)
    .where(and(eq(s.challengeId, challengeId), eq(s.teamId, teamId)));
  return { lastDay: row?.lastDay ?? 0, scoredInPhase: row?.scoredInPhase ?? 0, inFlight: (row?.inFlight ?? 0) > 0 };
}

export interface Admission {
  challenge: ChallengeRecord;
  team: Team;
  phase: Phase;
  maxUploadBytes: number;
}

/** Why the caller cannot submit now (a ServiceError), checked before a byte of the zip is read and again when it is recorded. */
async function admissionProblem(db: DbOrTx, c: ChallengeRecord, team: Team | null, now: number): Promise<{ phase: Phase } | ServiceError> {
  const phase = phaseAt(c.phases, now);
  if (!phase) return new ServiceError('PRECONDITION_FAILED', 'this challenge takes no submissions now (no phase is open)');
  if (!team) return new ServiceError('PRECONDITION_FAILED', 'create or join a team first');
  const problem = submitProblem(c.row, await usageOf(db, c.row.id, team.id, phase.phase, now));
  if (problem) return new ServiceError(problem.code, problem.message);
  return { phase: phase.phase };
}

/** May this participant upload to this challenge now? Throws the reason; returns what the upload needs. */
export async function admitUpload(db: Db, user: Viewer, challengeId: number, now = Date.now()): Promise<Admission> {
  if (!user.roles.includes('participant')) throw new ServiceError('FORBIDDEN', 'submissions are made by participants');
  const challenge = await challengeFor(db, user, challengeId);
  const team = await teamOf(db, challengeId, user.id);
  const ok = await admissionProblem(db, challenge, team, now);
  if (ok instanceof ServiceError) throw ok;
  return { challenge, team: team!, phase: ok.phase, maxUploadBytes: challenge.row.maxUploadBytes };
}

/**
 * Records an uploaded zip (already on disk under `file`) as queued for checking and scoring. The
 * limits are checked again inside the transaction: two uploads of one team that raced past
 * admitUpload cannot both get in.
 */
export async function recordSubmission(db: Db, user: Viewer, challengeId: number, upload: { fileName: string; file: string; bytes: number; sha256: string }, now = Date.now()): Promise<number> {
  return db.transaction(async (tx) => {
    const challenge = await loadChallenge(tx, challengeId);
    if (!challenge) throw notFound(`challenge ${challengeId}`);
    const team = await teamOf(tx, challengeId, user.id);
    const ok = await admissionProblem(tx, challenge, team, now);
    if (ok instanceof ServiceError) throw ok;
    const [row] = await tx
      .insert(challengeSubmissions)
      .values({ challengeId, teamId: team!.id, userId: user.id, phase: ok.phase, state: 'queued', fileName: upload.fileName, file: upload.file, bytes: upload.bytes, sha256: upload.sha256, createdAt: now })
      .returning({ id: challengeSubmissions.id });
    await audit(tx, { actorId: user.id, action: 'challenge.submit', entity: 'challenge_submission', entityId: row!.id, data: { challengeId, teamId: team!.id, bytes: upload.bytes, sha256: upload.sha256 } }, now);
    return row!.id;
  });
}

const summaryColumns = {
  id: challengeSubmissions.id,
  challengeId: challengeSubmissions.challengeId,
  teamId: challengeSubmissions.teamId,
  teamName: challengeTeams.name,
  username: users.username,
  phase: challengeSubmissions.phase,
  state: challengeSubmissions.state,
  fileName: challengeSubmissions.fileName,
  bytes: challengeSubmissions.bytes,
  createdAt: challengeSubmissions.createdAt,
  finishedAt: challengeSubmissions.finishedAt,
  error: challengeSubmissions.error,
  j: challengeSubmissions.j,
  f: challengeSubmissions.f,
  jf: challengeSubmissions.jf,
  nAcc: challengeSubmissions.nAcc,
  tAcc: challengeSubmissions.tAcc,
  combined: challengeSubmissions.combined,
};

interface SummaryRow {
  id: number;
  teamName: string;
  username: string;
  phase: Phase;
  state: SubmissionState;
  fileName: string;
  bytes: number;
  createdAt: number;
  finishedAt: number | null;
  error: string | null;
  j: number | null;
  f: number | null;
  jf: number | null;
  nAcc: number | null;
  tAcc: number | null;
  combined: number | null;
}

function summary(r: SummaryRow) {
  return {
    id: r.id,
    teamName: r.teamName,
    username: r.username,
    phase: r.phase,
    state: r.state,
    fileName: r.fileName,
    bytes: r.bytes,
    createdAt: r.createdAt,
    finishedAt: r.finishedAt ?? null,
    error: r.error ?? null,
    scores: { combined: r.combined ?? null, jf: r.jf ?? null, j: r.j ?? null, f: r.f ?? null, nAcc: r.nAcc ?? null, tAcc: r.tAcc ?? null },
  };
}

const summaries = (db: DbOrTx) =>
  db.select(summaryColumns).from(challengeSubmissions).innerJoin(challengeTeams, eq(challengeTeams.id, challengeSubmissions.teamId)).innerJoin(users, eq(users.id, challengeSubmissions.userId));

/** The caller's team's submissions in this challenge, newest first (the team's history). */
export async function teamSubmissions(db: Db, user: Viewer, challengeId: number) {
  await challengeFor(db, user, challengeId);
  const team = await teamOf(db, challengeId, user.id);
  if (!team) return [];
  const rows = await summaries(db)
    .where(and(eq(challengeSubmissions.challengeId, challengeId), eq(challengeSubmissions.teamId, team.id)))
    .orderBy(desc(challengeSubmissions.createdAt), desc(challengeSubmissions.id))
    .limit(500);
  return rows.map((r) => summary(r));
}

/** Every submission of a challenge, for the admin. */
export async function allSubmissions(db: Db, challengeId: number) {
  const rows = await summaries(db).where(eq(challengeSubmissions.challengeId, challengeId)).orderBy(desc(challengeSubmissions.createdAt), desc(challengeSubmissions.id)).limit(2000);
  return rows.map((r) => summary(r));
}

/**
 * One submission with its check report and breakdowns: for a member of the submitting team or an
 * admin. Anyone else — and an id that does not exist — gets the same "not found".
 */
export async function submissionDetail(db: Db, user: Viewer, submissionId: number, progressOf: (id: number) => Promise<{ phase: string; done: number; total: number } | null>) {
  const [r] = await summaries(db)
    .where(eq(challengeSubmissions.id, submissionId))
    .limit(1);
  const missing = notFound(`submission ${submissionId}`);
  if (!r) throw missing;
  if (!isAdmin(user)) {
    const team = user.roles.includes('participant') ? await teamOf(db, r.challengeId, user.id) : null;
    if (!team || team.id !== r.teamId) throw missing;
  }
  const [extra] = await db.select({ checkReport: challengeSubmissions.checkReport, report: challengeSubmissions.report }).from(challengeSubmissions).where(eq(challengeSubmissions.id, submissionId));
  const live = (LIVE_SUBMISSION_STATES as readonly string[]).includes(r.state);
  return {
    ...summary(r),
    challengeId: r.challengeId,
    progress: live ? await progressOf(submissionId) : null,
    check: extra?.checkReport ? JSON.parse(extra.checkReport) : null,
    report: extra?.report ? JSON.parse(extra.report) : null,
  };
}

/** Submissions cut short (a crash between recording and queueing): queued again at start. */
export async function liveSubmissionIds(db: DbOrTx): Promise<number[]> {
  const rows = await db.select({ id: challengeSubmissions.id }).from(challengeSubmissions).where(inArray(challengeSubmissions.state, [...LIVE_SUBMISSION_STATES]));
  return rows.map((r) => r.id);
}

export async function countSubmissions(db: DbOrTx, challengeId: number): Promise<number> {
  const [row] = await db.select({ n: count() }).from(challengeSubmissions).where(eq(challengeSubmissions.challengeId, challengeId));
  return Number(row?.n ?? 0);
}
