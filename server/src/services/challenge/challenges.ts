import { asc, count, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { phaseAt, type PhaseWindow } from '#shared/challenge/rules.ts';
import { describeCombined, type CombinedFormula } from '#shared/eval/combined.ts';
import type { Role } from '#shared/roles.ts';
import { PhasesSchema, WeightsSchema, type ChallengeSettings, type CreateChallengeInput, type UpdateChallengeInput } from '#shared/schemas/challenge.ts';
import type { Db, DbOrTx } from '../../db/client.ts';
import { challenges, challengeSubmissions, challengeTeams, releases } from '../../db/schema/index.ts';
import { audit } from '../audit.ts';
import { badRequest, conflict, notFound, ServiceError } from '../errors.ts';
import type { ExportJobs } from '../export/jobs.ts';
import { hasSplitGroundTruth, releaseSplitHasSamples } from './release-files.ts';

type Row = typeof challenges.$inferSelect;
type Settings = z.infer<typeof ChallengeSettings>;
type Viewer = { id: number; roles: readonly Role[] } | null;

const MB = 1024 * 1024;

export interface ChallengeRecord {
  row: Row;
  releaseVersion: string;
  phases: PhaseWindow[];
  formula: CombinedFormula;
}

export const isAdmin = (user: Viewer) => Boolean(user?.roles.includes('admin'));
export const isParticipant = (user: Viewer) => Boolean(user?.roles.includes('participant'));

function record(row: Row, releaseVersion: string): ChallengeRecord {
  // Written by this module through the same schemas; parsed again so a hand-edited row fails loudly.
  return { row, releaseVersion, phases: PhasesSchema.parse(JSON.parse(row.phases)), formula: { weights: WeightsSchema.parse(JSON.parse(row.combined)) } };
}

/** One challenge and its release version, or null. */
export async function loadChallenge(db: DbOrTx, id: number): Promise<ChallengeRecord | null> {
  const [hit] = await db.select({ row: challenges, version: releases.version }).from(challenges).innerJoin(releases, eq(releases.id, challenges.releaseId)).where(eq(challenges.id, id));
  return hit ? record(hit.row, hit.version) : null;
}

/**
 * The challenge as `user` may see it: admins and participants see every challenge; anyone else
 * (and an unknown id) gets the same "not found", so ids cannot be probed.
 */
export async function challengeFor(db: DbOrTx, user: Viewer, id: number): Promise<ChallengeRecord> {
  const c = isAdmin(user) || isParticipant(user) ? await loadChallenge(db, id) : null;
  if (!c) throw notFound(`challenge ${id}`);
  return c;
}

export function challengeView(c: ChallengeRecord, now = Date.now()) {
  const { row } = c;
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    releaseVersion: c.releaseVersion,
    split: row.split,
    phases: c.phases,
    currentPhase: phaseAt(c.phases, now)?.phase ?? null,
    maxPerDay: row.maxPerDay,
    maxTotal: row.maxTotal,
    maxUploadMb: Math.round(row.maxUploadBytes / MB),
    leaderboardPublic: row.leaderboardPublic,
    rankBy: row.rankBy,
    pick: row.pick,
    combinedDefinition: describeCombined(c.formula),
    createdAt: row.createdAt,
  };
}

export async function listChallenges(db: Db, user: Viewer) {
  if (!isAdmin(user) && !isParticipant(user)) return [];
  const rows = await db.select({ row: challenges, version: releases.version }).from(challenges).innerJoin(releases, eq(releases.id, challenges.releaseId)).orderBy(asc(challenges.id));
  return rows.map((r) => challengeView(record(r.row, r.version)));
}

/** The admin's list: settings, invite codes and counts. */
export async function listChallengesForAdmin(db: Db) {
  const rows = await db.select({ row: challenges, version: releases.version }).from(challenges).innerJoin(releases, eq(releases.id, challenges.releaseId)).orderBy(asc(challenges.id));
  const teams = new Map((await db.select({ id: challengeTeams.challengeId, n: count() }).from(challengeTeams).groupBy(challengeTeams.challengeId)).map((r) => [r.id, Number(r.n)]));
  const subs = new Map((await db.select({ id: challengeSubmissions.challengeId, n: count() }).from(challengeSubmissions).groupBy(challengeSubmissions.challengeId)).map((r) => [r.id, Number(r.n)]));
  return rows.map((r) => {
    const c = record(r.row, r.version);
    return { ...challengeView(c), inviteCode: r.row.inviteCode, combined: c.formula.weights, teams: teams.get(r.row.id) ?? 0, submissions: subs.get(r.row.id) ?? 0 };
  });
}

function settingsColumns(s: Partial<Settings>) {
  return {
    ...(s.title !== undefined ? { title: s.title } : {}),
    ...(s.description !== undefined ? { description: s.description } : {}),
    ...(s.phases !== undefined ? { phases: JSON.stringify(s.phases) } : {}),
    ...(s.maxPerDay !== undefined ? { maxPerDay: s.maxPerDay } : {}),
    ...(s.maxTotal !== undefined ? { maxTotal: s.maxTotal } : {}),
    ...(s.maxUploadMb !== undefined ? { maxUploadBytes: s.maxUploadMb * MB } : {}),
    ...(s.leaderboardPublic !== undefined ? { leaderboardPublic: s.leaderboardPublic } : {}),
    ...(s.rankBy !== undefined ? { rankBy: s.rankBy } : {}),
    ...(s.pick !== undefined ? { pick: s.pick } : {}),
    ...(s.combined !== undefined ? { combined: JSON.stringify(s.combined) } : {}),
    ...(s.inviteCode !== undefined ? { inviteCode: s.inviteCode } : {}),
  };
}

async function inviteTaken(tx: DbOrTx, code: string | null | undefined, except?: number): Promise<boolean> {
  if (!code) return false;
  const [hit] = await tx.select({ id: challenges.id }).from(challenges).where(sql`lower(${challenges.inviteCode}) = lower(${code})`);
  return Boolean(hit && hit.id !== except);
}

/**
 * Opens a challenge on a written release's withheld split. The split's ground truth must be on
 * disk, in the release's ground-truth package (DATA_DIR/ground-truth/<version>/<split>): scoring
 * reads it there and nowhere else.
 */
export async function createChallenge(db: Db, exports: Pick<ExportJobs, 'isWritten' | 'dirOf' | 'groundTruthDirOf'>, input: z.infer<typeof CreateChallengeInput>, actorId: number) {
  const [release] = await db.select({ id: releases.id, version: releases.version }).from(releases).where(eq(releases.version, input.releaseVersion));
  if (!release) throw notFound(`release ${input.releaseVersion}`);
  if (!exports.isWritten(release.version)) throw new ServiceError('PRECONDITION_FAILED', `release ${release.version} is not written yet; export it first (Admin → Releases)`);
  if (!(await releaseSplitHasSamples(exports.dirOf(release.version), input.split))) {
    throw new ServiceError('PRECONDITION_FAILED', `release ${release.version} has no expressions in its ${input.split} split; choose the other split or a later release`);
  }
  if (!hasSplitGroundTruth({ releaseDir: exports.dirOf(release.version), groundTruthDir: exports.groundTruthDirOf(release.version) }, input.split)) {
    throw new ServiceError('PRECONDITION_FAILED', `the ground truth of release ${release.version} (${input.split}) is not on the server; write the release again (Admin → Releases) or put its ground-truth package back`);
  }
  const now = Date.now();
  const id = await db.transaction(async (tx) => {
    if (await inviteTaken(tx, input.inviteCode)) throw conflict('another challenge uses this invite code; choose another');
    const [row] = await tx
      .insert(challenges)
      .values({ ...(settingsColumns(input) as Required<ReturnType<typeof settingsColumns>>), releaseId: release.id, split: input.split, createdBy: actorId, createdAt: now, updatedAt: now })
      .returning({ id: challenges.id });
    await audit(tx, { actorId, action: 'challenge.create', entity: 'challenge', entityId: row!.id, data: { title: input.title, release: release.version, split: input.split } }, now);
    return row!.id;
  });
  return challengeView((await loadChallenge(db, id))!);
}

/** Changes settings; the release and split never change once the challenge exists (scores would mix). */
export async function updateChallenge(db: Db, input: z.infer<typeof UpdateChallengeInput>, actorId: number) {
  const { challengeId, ...patch } = input;
  const cols = settingsColumns(patch);
  if (Object.keys(cols).length === 0) throw badRequest('nothing to change');
  const now = Date.now();
  await db.transaction(async (tx) => {
    const [row] = await tx.select({ id: challenges.id }).from(challenges).where(eq(challenges.id, challengeId));
    if (!row) throw notFound(`challenge ${challengeId}`);
    if (await inviteTaken(tx, patch.inviteCode, challengeId)) throw conflict('another challenge uses this invite code; choose another');
    await tx.update(challenges).set({ ...cols, updatedAt: now }).where(eq(challenges.id, challengeId));
    await audit(tx, { actorId, action: 'challenge.update', entity: 'challenge', entityId: challengeId, data: Object.keys(patch) }, now);
  });
  return challengeView((await loadChallenge(db, challengeId))!);
}

/** The challenge whose invite code this is (case-insensitive), or null. */
export async function challengeByInvite(db: DbOrTx, code: string): Promise<number | null> {
  const [hit] = await db.select({ id: challenges.id }).from(challenges).where(sql`lower(${challenges.inviteCode}) = lower(${code})`);
  return hit?.id ?? null;
}

export type { CreateChallengeInput, UpdateChallengeInput };
